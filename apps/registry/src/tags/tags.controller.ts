import { Controller, Get, Param, Req, Res, UseGuards } from '@nestjs/common';
import { isValidTag, OciError } from '@wharf/oci';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RegistryAccessGuard, RequireAccess } from '../auth/registry-access.guard';
import { nextLink, parsePage } from '../http/pagination';
import { queryParam } from '../http/request-body';
import { ArtifactStore } from '../metadata/artifact.store';

@Controller('v2')
@UseGuards(RegistryAccessGuard)
export class TagsController {
  constructor(private readonly artifacts: ArtifactStore) {}

  @Get(':name/tags/list')
  @RequireAccess('pull')
  async list(@Param('name') name: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const page = parsePage(queryParam(req, 'n'), queryParam(req, 'last'), isValidTag);
    const found = await this.artifacts.tagPage(name, page.limit, page.last);
    if (found === undefined) throw new OciError('NAME_UNKNOWN', `repository ${name} is unknown`, { name });
    const link = queryParam(req, 'n') !== undefined ? nextLink(`/v2/${name}/tags/list`, page.limit, found.tags) : undefined;
    if (link) reply.header('Link', link);
    reply.type('application/json; charset=utf-8').send(found.body);
  }
}
