import { Controller, Get, Req } from '@nestjs/common';
import { ApiBasicAuth, ApiTags } from '@nestjs/swagger';
import type { Access } from '@wharf/auth';
import type { FastifyRequest } from 'fastify';
import { RequestAccess } from '../auth/request-access';
import { API_PREFIX } from '../http/api-prefix';
import { parseBoolean } from '../http/id-param';
import { ApiQueryStrings, type Listing, ListParams, QueryParam } from '../http/query-param';
import { ApiModelResponse } from '../openapi/schema';
import { type ProjectAddress, ProjectRef } from '../projects/project-param';
import type { ArtifactView } from './artifact-view';
import { artifactOptions, flagsOf, WITH_FLAGS } from './artifacts.controller';
import { ArtifactsService } from './artifacts.service';

/** Harbor's listArtifactsOfProject (tagged `project` in its document). */
@ApiTags('project')
@ApiBasicAuth()
@Controller(`${API_PREFIX}/projects/:project_name_or_id/artifacts`)
export class ProjectArtifactsController {
  constructor(private readonly artifacts: ArtifactsService) {}

  @ApiQueryStrings(...WITH_FLAGS, 'latest_in_repository')
  @Get()
  @ApiModelResponse('Artifact', { list: true })
  async list(
    @RequestAccess() access: Access,
    @ListParams() list: Listing,
    @Req() req: FastifyRequest,
    @ProjectRef() project: ProjectAddress,
    @QueryParam('latest_in_repository') latest?: string,
  ): Promise<ArtifactView[]> {
    const options = { ...artifactOptions(flagsOf(req)), latestInRepository: parseBoolean('latest_in_repository', latest, false) };
    return list.answer(await this.artifacts.listOfProject(access, project.nameOrId, project.isName, list, options));
  }
}
