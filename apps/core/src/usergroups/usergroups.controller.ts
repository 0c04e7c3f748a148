import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req, Res } from '@nestjs/common';
import { ApiBasicAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Access } from '@wharf/auth';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequestAccess } from '../auth/request-access';
import { API_PREFIX } from '../http/api-prefix';
import { ParseIdPipe } from '../http/id-param';
import { ApiQueryStrings, type Listing, ListParams, QueryParam } from '../http/query-param';
import { UserGroupDto } from '../members/dto/project-member.dto';
import { ApiModelResponse, ApiNoBodyResponse } from '../openapi/schema';
import type { UserGroupSearchItem, UserGroupView } from './user-group-view';
import { UserGroupsService } from './usergroups.service';

@ApiTags('usergroup')
@ApiBasicAuth()
@Controller(`${API_PREFIX}/usergroups`)
export class UserGroupsController {
  constructor(private readonly groups: UserGroupsService) {}

  @ApiQueryStrings('ldap_group_dn', 'group_name')
  @Get()
  @ApiModelResponse('UserGroup', { list: true })
  async list(
    @RequestAccess() access: Access,
    @ListParams({ query: false, sort: false }) list: Listing,
    @QueryParam('group_name') groupName?: string,
    @QueryParam('ldap_group_dn') ldapGroupDn?: string,
  ): Promise<UserGroupView[]> {
    return list.answer(await this.groups.list(access, { paging: list.paging, groupName, ldapGroupDn }));
  }

  @Post()
  @ApiNoBodyResponse(201)
  async create(@RequestAccess() access: Access, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: UserGroupDto): Promise<void> {
    const id = await this.groups.create(access, body);
    reply.header('Location', `${req.url.split('?')[0].replace(/\/+$/, '')}/${id}`);
  }

  /** Open to every signed-in user (to pick a group as a project member). */
  @ApiQuery({ name: 'groupname', required: true, type: String })
  @Get('search')
  @ApiModelResponse('UserGroupSearchItem', { list: true })
  async search(
    @RequestAccess() access: Access,
    @ListParams({ query: false, sort: false }) list: Listing,
    @QueryParam('groupname') groupName?: string,
  ): Promise<UserGroupSearchItem[]> {
    return list.answer(await this.groups.search(access, groupName, list.paging));
  }

  @Get(':group_id')
  @ApiModelResponse('UserGroup')
  get(@RequestAccess() access: Access, @Param('group_id', ParseIdPipe) id: number): Promise<UserGroupView> {
    return this.groups.get(access, id);
  }

  @Put(':group_id')
  @ApiNoBodyResponse()
  @HttpCode(200)
  update(@RequestAccess() access: Access, @Param('group_id', ParseIdPipe) id: number, @Body() body: UserGroupDto): Promise<void> {
    return this.groups.update(access, id, body);
  }

  @Delete(':group_id')
  @ApiNoBodyResponse()
  @HttpCode(200)
  delete(@RequestAccess() access: Access, @Param('group_id', ParseIdPipe) id: number): Promise<void> {
    return this.groups.delete(access, id);
  }
}
