import { Controller, Get, Headers, Param, Req, Res } from '@nestjs/common';
import { ApiBasicAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { Access } from '@wharf/auth';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequestAccess } from '../auth/request-access';
import { API_PREFIX } from '../http/api-prefix';
import { parseBoolean } from '../http/id-param';
import { setPageHeaders } from '../http/paging';
import { ApiListQueries, ListParams, type ListRequest, QueryParam } from '../http/query-param';
import { ApiModelResponse } from '../openapi/schema';
import { IS_RESOURCE_NAME, isResourceName } from '../projects/project-key';
import type { ArtifactView } from './artifact-view';
import { artifactOptions, flagsOf, WITH_FLAGS } from './artifacts.controller';
import { ArtifactsService } from './artifacts.service';

/** Harbor's listArtifactsOfProject (tagged `project` in its document). */
@ApiTags('project')
@ApiBasicAuth()
@Controller(`${API_PREFIX}/projects/:project_name_or_id/artifacts`)
export class ProjectArtifactsController {
  constructor(private readonly artifacts: ArtifactsService) {}

  @ApiListQueries({ extra: [...WITH_FLAGS, 'latest_in_repository'] })
  @ApiHeader({ name: 'X-Is-Resource-Name', required: false })
  @Get()
  @ApiModelResponse('Artifact', { list: true })
  async list(
    @RequestAccess() access: Access,
    @ListParams() list: ListRequest,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('project_name_or_id') nameOrId: string,
    @Headers(IS_RESOURCE_NAME) isName?: string,
    @QueryParam('latest_in_repository') latest?: string,
  ): Promise<ArtifactView[]> {
    const options = { ...artifactOptions(flagsOf(req)), latestInRepository: parseBoolean('latest_in_repository', latest, false) };
    const { total, items } = await this.artifacts.listOfProject(access, nameOrId, isResourceName(isName), list, options);
    setPageHeaders(reply, req.url, list.paging, total);
    return items;
  }
}
