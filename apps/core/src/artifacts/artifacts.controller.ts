import { Controller, Delete, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBasicAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Access } from '@wharf/auth';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequestAccess } from '../auth/request-access';
import { API_PREFIX } from '../http/api-prefix';
import { parseBoolean } from '../http/id-param';
import { ApiQueryStrings, type Listing, ListParams } from '../http/query-param';
import { ApiAdditionResponse, ApiModelResponse, ApiNoBodyResponse } from '../openapi/schema';
import { AdditionsService } from './additions.service';
import { ArtifactCopyService } from './artifact-copy.service';
import type { AccessoryView, ArtifactView } from './artifact-view';
import { ArtifactOptions, ArtifactsService } from './artifacts.service';

export const WITH_FLAGS = ['with_tag', 'with_label', 'with_scan_overview', 'with_sbom_overview', 'with_accessory', 'with_immutable_status', 'with_signature', 'with_inherited_accessory'];

/**
 * Harbor's with_* flags. Scan and SBOM overviews and signatures have no data here: the flags are
 * checked and accepted, and the answer carries what exists.
 */
export function artifactOptions(query: Record<string, string | undefined>): ArtifactOptions {
  for (const flag of WITH_FLAGS) parseBoolean(flag, query[flag], false);
  return {
    withTag: parseBoolean('with_tag', query['with_tag'], true),
    withLabel: parseBoolean('with_label', query['with_label'], false),
    withAccessory: parseBoolean('with_accessory', query['with_accessory'], false),
    withImmutableStatus: parseBoolean('with_immutable_status', query['with_immutable_status'], false),
  };
}

export function flagsOf(req: FastifyRequest): Record<string, string | undefined> {
  const query = (req.query ?? {}) as Record<string, unknown>;
  const out: Record<string, string | undefined> = {};
  for (const flag of WITH_FLAGS) {
    const value = query[flag];
    // A repeated flag arrives as an array: parseBoolean reads its first value.
    out[flag] = Array.isArray(value) ? String(value[0]) : typeof value === 'string' ? value : undefined;
  }
  return out;
}

const BASE = `${API_PREFIX}/projects/:project_name/repositories/:repository_name/artifacts`;

@ApiTags('artifact')
@ApiBasicAuth()
@Controller(BASE)
export class ArtifactsController {
  constructor(
    private readonly artifacts: ArtifactsService,
    private readonly copies: ArtifactCopyService,
    private readonly additions: AdditionsService,
  ) {}

  @ApiQueryStrings(...WITH_FLAGS)
  @Get()
  @ApiModelResponse('Artifact', { list: true })
  async list(
    @RequestAccess() access: Access,
    @ListParams() list: Listing,
    @Req() req: FastifyRequest,
    @Param('project_name') projectName: string,
    @Param('repository_name') repositoryName: string,
  ): Promise<ArtifactView[]> {
    return list.answer(await this.artifacts.list(access, projectName, repositoryName, list, artifactOptions(flagsOf(req))));
  }
  @Get(':reference/accessories')
  @ApiModelResponse('Accessory', { list: true })
  async accessories(
    @RequestAccess() access: Access,
    @ListParams() list: Listing,
    @Param('project_name') projectName: string,
    @Param('repository_name') repositoryName: string,
    @Param('reference') reference: string,
  ): Promise<AccessoryView[]> {
    return list.answer(await this.artifacts.accessories(access, projectName, repositoryName, reference, list));
  }

  @ApiQuery({ name: 'from', required: true, description: 'project/repository:tag or project/repository@digest' })
  @Post()
  @ApiNoBodyResponse(201)
  @HttpCode(201)
  async copy(
    @RequestAccess() access: Access,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('project_name') projectName: string,
    @Param('repository_name') repositoryName: string,
  ): Promise<void> {
    const raw = (req.query as Record<string, unknown> | undefined)?.['from'];
    const from = Array.isArray(raw) ? String(raw[0]) : typeof raw === 'string' ? raw : undefined;
    const reference = await this.copies.copy(access, req.ip, projectName, repositoryName, from);
    // As Harbor: the request's path with the reference `from` named.
    reply.header('Location', `${req.url.split('?')[0].replace(/\/+$/, '')}/${reference}`);
  }

  @Get(':reference')
  @ApiModelResponse('Artifact')
  get(
    @RequestAccess() access: Access,
    @Req() req: FastifyRequest,
    @Param('project_name') projectName: string,
    @Param('repository_name') repositoryName: string,
    @Param('reference') reference: string,
  ): Promise<ArtifactView> {
    return this.artifacts.get(access, projectName, repositoryName, reference, artifactOptions(flagsOf(req)));
  }

  @Get(':reference/additions/:addition')
  @ApiAdditionResponse()
  async addition(
    @RequestAccess() access: Access,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('project_name') projectName: string,
    @Param('repository_name') repositoryName: string,
    @Param('reference') reference: string,
    @Param('addition') addition: string,
  ): Promise<Buffer> {
    const found = await this.additions.get(access, projectName, repositoryName, reference, addition);
    reply.header('Content-Type', found.contentType);
    return found.content;
  }

  @Delete(':reference')
  @ApiNoBodyResponse()
  @HttpCode(200)
  delete(
    @RequestAccess() access: Access,
    @Req() req: FastifyRequest,
    @Param('project_name') projectName: string,
    @Param('repository_name') repositoryName: string,
    @Param('reference') reference: string,
  ): Promise<void> {
    return this.artifacts.delete(access, req.ip, projectName, repositoryName, reference);
  }
}
