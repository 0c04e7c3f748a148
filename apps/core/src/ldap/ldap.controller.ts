import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Access } from '@wharf/auth';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequestAccess } from '../auth/request-access';
import { API_PREFIX } from '../http/api-prefix';
import { notFound } from '../http/harbor-error';
import { QueryParam } from '../http/query-param';
import { ApiModelResponse, ApiNoBodyResponse } from '../openapi/schema';
import { LdapConfDto } from './dto/ldap-conf.dto';
import { LdapImportUsersDto } from './dto/ldap-import-users.dto';
import { LdapFailedImportUser, LdapGroupView, LdapPingResult, LdapService, LdapUserView } from './ldap.service';

@ApiTags('Ldap')
@ApiBasicAuth()
@Controller(`${API_PREFIX}/ldap`)
export class LdapController {
  constructor(private readonly ldap: LdapService) {}

  /** Tests the given settings, or the stored ones when the body is empty. */
  @Post('ping')
  @ApiModelResponse('LdapPingResult')
  @HttpCode(200)
  @ApiBody({ type: LdapConfDto, required: false })
  ping(@RequestAccess() access: Access, @Body() body?: LdapConfDto): Promise<LdapPingResult> {
    return this.ldap.ping(access, body);
  }

  @Get('users/search')
  @ApiModelResponse('LdapUser', { list: true })
  @ApiQuery({ name: 'username', required: false, type: String })
  searchUsers(@RequestAccess() access: Access, @QueryParam('username') username?: string): Promise<LdapUserView[]> {
    return this.ldap.searchUsers(access, username);
  }

  /** 200 when every uid was imported; otherwise 404 with the list of failures, as Harbor answers. */
  @Post('users/import')
  @ApiNoBodyResponse()
  @HttpCode(200)
  async importUsers(
    @RequestAccess() access: Access,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Body() body: LdapImportUsersDto,
  ): Promise<LdapFailedImportUser[] | void> {
    const failed = await this.ldap.importUsers(access, req.ip, body.ldap_uid_list);
    if (failed.length === 0) return;
    reply.status(404);
    return failed;
  }

  /** Groups by name or by DN; 404 when the directory has none, as Harbor answers. */
  @Get('groups/search')
  @ApiModelResponse('UserGroup', { list: true })
  @ApiQuery({ name: 'groupname', required: false, type: String })
  @ApiQuery({ name: 'groupdn', required: false, type: String })
  async searchGroups(@RequestAccess() access: Access, @QueryParam('groupname') groupName?: string, @QueryParam('groupdn') groupDn?: string): Promise<LdapGroupView[]> {
    const groups = await this.ldap.searchGroups(access, groupName, groupDn);
    if (groups.length === 0) throw notFound(`no LDAP group found: group name ${JSON.stringify(groupName ?? '')}, group DN ${JSON.stringify(groupDn ?? '')}`);
    return groups;
  }
}
