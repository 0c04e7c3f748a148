import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put, Req, Res } from '@nestjs/common';
import { ApiBasicAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { Access, ProjectRole } from '@wharf/auth';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequestAccess } from '../auth/request-access';
import { API_PREFIX } from '../http/api-prefix';
import { ParseIdPipe } from '../http/id-param';
import { parsePaging, setPageHeaders } from '../http/paging';
import { ApiModelResponse, ApiNoBodyResponse } from '../openapi/schema';
import { IS_RESOURCE_NAME, isResourceName } from '../projects/project-key';
import { ProjectMemberDto, RoleRequestDto } from './dto/project-member.dto';
import type { ProjectMemberEntity } from './member-view';
import { MembersService } from './members.service';
import { ApiListQueries, QueryParam } from '../http/query-param';

@ApiTags('member')
@ApiBasicAuth()
@ApiHeader({ name: 'X-Is-Resource-Name', required: false })
@Controller(`${API_PREFIX}/projects/:project_name_or_id/members`)
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @ApiListQueries({ query: false, sort: false, extra: ['entityname'] })
  @Get()
  @ApiModelResponse('ProjectMemberEntity', { list: true })
  async list(
    @RequestAccess() access: Access,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('project_name_or_id') nameOrId: string,
    @Headers(IS_RESOURCE_NAME) isName?: string,
    @QueryParam('entityname') entityName?: string,
    @QueryParam('page') page?: string,
    @QueryParam('page_size') pageSize?: string,
  ): Promise<ProjectMemberEntity[]> {
    const paging = parsePaging(page, pageSize);
    const { total, items } = await this.members.list(access, nameOrId, isResourceName(isName), entityName, paging);
    setPageHeaders(reply, req.url, paging, total);
    return items;
  }

  @Post()
  @ApiNoBodyResponse(201)
  async create(
    @RequestAccess() access: Access,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('project_name_or_id') nameOrId: string,
    @Body() body: ProjectMemberDto,
    @Headers(IS_RESOURCE_NAME) isName?: string,
  ): Promise<void> {
    const id = await this.members.create(access, req.ip, nameOrId, isResourceName(isName), body);
    reply.header('Location', `/${API_PREFIX}/projects/${encodeURIComponent(nameOrId)}/members/${id}`);
  }

  @Get(':mid')
  @ApiModelResponse('ProjectMemberEntity')
  get(@RequestAccess() access: Access, @Param('project_name_or_id') nameOrId: string, @Param('mid', ParseIdPipe) mid: number, @Headers(IS_RESOURCE_NAME) isName?: string): Promise<ProjectMemberEntity> {
    return this.members.get(access, nameOrId, isResourceName(isName), mid);
  }

  @Put(':mid')
  @ApiNoBodyResponse()
  @HttpCode(200)
  update(
    @RequestAccess() access: Access,
    @Req() req: FastifyRequest,
    @Param('project_name_or_id') nameOrId: string,
    @Param('mid', ParseIdPipe) mid: number,
    @Body() body: RoleRequestDto,
    @Headers(IS_RESOURCE_NAME) isName?: string,
  ): Promise<void> {
    return this.members.updateRole(access, req.ip, nameOrId, isResourceName(isName), mid, body.role_id as ProjectRole);
  }

  @Delete(':mid')
  @ApiNoBodyResponse()
  @HttpCode(200)
  delete(
    @RequestAccess() access: Access,
    @Req() req: FastifyRequest,
    @Param('project_name_or_id') nameOrId: string,
    @Param('mid', ParseIdPipe) mid: number,
    @Headers(IS_RESOURCE_NAME) isName?: string,
  ): Promise<void> {
    return this.members.delete(access, req.ip, nameOrId, isResourceName(isName), mid);
  }
}
