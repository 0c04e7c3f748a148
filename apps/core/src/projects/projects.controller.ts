import { Body, Controller, Delete, Get, Head, Headers, HttpCode, Post, Put, Req, Res } from '@nestjs/common';
import { ApiBasicAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { Access } from '@wharf/auth';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequestAccess } from '../auth/request-access';
import { API_PREFIX } from '../http/api-prefix';
import { notFound } from '../http/harbor-error';
import { parseBoolean } from '../http/id-param';
import { ApiModelResponse, ApiNoBodyResponse } from '../openapi/schema';
import { CreateProjectReqDto, UpdateProjectReqDto } from './dto/project-req.dto';
import { type ProjectAddress, ProjectRef } from './project-param';
import type { ProjectView } from './project-view';
import { ProjectDeletable, ProjectsService, ProjectSummary } from './projects.service';
import { ApiQueryStrings, type Listing, ListParams, QueryParam } from '../http/query-param';

@ApiTags('project')
@ApiBasicAuth()
@Controller(`${API_PREFIX}/projects`)
export class ProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  @ApiQueryStrings('name', 'public', 'owner', 'with_detail')
  @Get()
  @ApiModelResponse('Project', { list: true })
  async list(
    @RequestAccess() access: Access,
    @ListParams() list: Listing,
    @QueryParam('name') name?: string,
    @QueryParam('public') isPublic?: string,
    @QueryParam('owner') owner?: string,
    @QueryParam('with_detail') withDetail?: string,
  ): Promise<ProjectView[]> {
    // Accepted for compatibility; every listed project carries its details.
    parseBoolean('with_detail', withDetail, true);
    return list.answer(await this.projects.list(access, {
      query: list.query,
      sort: list.sort,
      paging: list.paging,
      name,
      public: isPublic === undefined || isPublic === '' ? undefined : parseBoolean('public', isPublic, false),
      owner,
    }));
  }

  @Head()
  @ApiNoBodyResponse()
  async exists(@RequestAccess() access: Access, @QueryParam('project_name') name?: string): Promise<void> {
    if (!(await this.projects.exists(access, name))) throw notFound(`project ${name} not found`);
  }

  @Post()
  @ApiNoBodyResponse(201)
  @ApiHeader({ name: 'X-Resource-Name-In-Location', required: false })
  async create(
    @RequestAccess() access: Access,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Body() body: CreateProjectReqDto,
    @Headers('x-resource-name-in-location') nameInLocation?: string,
  ): Promise<void> {
    const created = await this.projects.create(access, req.ip, body);
    const byName = parseBoolean('X-Resource-Name-In-Location', nameInLocation, false);
    reply.header('Location', `/${API_PREFIX}/projects/${byName ? created.name : created.id}`);
  }

  @Get(':project_name_or_id')
  @ApiModelResponse('Project')
  get(@RequestAccess() access: Access, @ProjectRef() project: ProjectAddress): Promise<ProjectView> {
    return this.projects.get(access, project.nameOrId, project.isName);
  }

  @Put(':project_name_or_id')
  @ApiNoBodyResponse()
  @HttpCode(200)
  update(
    @RequestAccess() access: Access,
    @Req() req: FastifyRequest,
    @ProjectRef() project: ProjectAddress,
    @Body() body: UpdateProjectReqDto,
  ): Promise<void> {
    return this.projects.update(access, req.ip, project.nameOrId, project.isName, body);
  }

  @Delete(':project_name_or_id')
  @ApiNoBodyResponse()
  @HttpCode(200)
  delete(@RequestAccess() access: Access, @Req() req: FastifyRequest, @ProjectRef() project: ProjectAddress): Promise<void> {
    return this.projects.delete(access, req.ip, project.nameOrId, project.isName);
  }

  @Get(':project_name_or_id/_deletable')
  @ApiModelResponse('ProjectDeletable')
  deletable(@RequestAccess() access: Access, @ProjectRef() project: ProjectAddress): Promise<ProjectDeletable> {
    return this.projects.deletable(access, project.nameOrId, project.isName);
  }

  @Get(':project_name_or_id/summary')
  @ApiModelResponse('ProjectSummary')
  summary(@RequestAccess() access: Access, @ProjectRef() project: ProjectAddress): Promise<ProjectSummary> {
    return this.projects.summary(access, project.nameOrId, project.isName);
  }
}
