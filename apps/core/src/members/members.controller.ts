import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req, Res } from '@nestjs/common';
import { ApiBasicAuth, ApiTags } from '@nestjs/swagger';
import type { Access, ProjectRole } from '@wharf/auth';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequestAccess } from '../auth/request-access';
import { API_PREFIX } from '../http/api-prefix';
import { ParseIdPipe } from '../http/id-param';
import { ApiModelResponse, ApiNoBodyResponse } from '../openapi/schema';
import { type ProjectAddress, ProjectRef } from '../projects/project-param';
import { ProjectMemberDto, RoleRequestDto } from './dto/project-member.dto';
import type { ProjectMemberEntity } from './member-view';
import { MembersService } from './members.service';
import { ApiQueryStrings, type Listing, ListParams, QueryParam } from '../http/query-param';

@ApiTags('member')
@ApiBasicAuth()
@Controller(`${API_PREFIX}/projects/:project_name_or_id/members`)
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @ApiQueryStrings('entityname')
  @Get()
  @ApiModelResponse('ProjectMemberEntity', { list: true })
  async list(
    @RequestAccess() access: Access,
    @ListParams({ query: false, sort: false }) list: Listing,
    @ProjectRef() project: ProjectAddress,
    @QueryParam('entityname') entityName?: string,
  ): Promise<ProjectMemberEntity[]> {
    return list.answer(await this.members.list(access, project.nameOrId, project.isName, entityName, list.paging));
  }

  @Post()
  @ApiNoBodyResponse(201)
  async create(
    @RequestAccess() access: Access,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @ProjectRef() project: ProjectAddress,
    @Body() body: ProjectMemberDto,
  ): Promise<void> {
    const id = await this.members.create(access, req.ip, project.nameOrId, project.isName, body);
    reply.header('Location', `/${API_PREFIX}/projects/${encodeURIComponent(project.nameOrId)}/members/${id}`);
  }

  @Get(':mid')
  @ApiModelResponse('ProjectMemberEntity')
  get(@RequestAccess() access: Access, @ProjectRef() project: ProjectAddress, @Param('mid', ParseIdPipe) mid: number): Promise<ProjectMemberEntity> {
    return this.members.get(access, project.nameOrId, project.isName, mid);
  }

  @Put(':mid')
  @ApiNoBodyResponse()
  @HttpCode(200)
  update(
    @RequestAccess() access: Access,
    @Req() req: FastifyRequest,
    @ProjectRef() project: ProjectAddress,
    @Param('mid', ParseIdPipe) mid: number,
    @Body() body: RoleRequestDto,
  ): Promise<void> {
    return this.members.updateRole(access, req.ip, project.nameOrId, project.isName, mid, body.role_id as ProjectRole);
  }

  @Delete(':mid')
  @ApiNoBodyResponse()
  @HttpCode(200)
  delete(
    @RequestAccess() access: Access,
    @Req() req: FastifyRequest,
    @ProjectRef() project: ProjectAddress,
    @Param('mid', ParseIdPipe) mid: number,
  ): Promise<void> {
    return this.members.delete(access, req.ip, project.nameOrId, project.isName, mid);
  }
}
