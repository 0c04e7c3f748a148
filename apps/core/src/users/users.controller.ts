import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req, Res } from '@nestjs/common';
import { ApiBasicAuth, ApiTags } from '@nestjs/swagger';
import type { Access } from '@wharf/auth';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { requireAuthenticated } from '../auth/authorize';
import { RequestAccess } from '../auth/request-access';
import { API_PREFIX } from '../http/api-prefix';
import { parseBoolean, ParseIdPipe } from '../http/id-param';
import { ApiModelResponse, ApiNoBodyResponse } from '../openapi/schema';
import { ProjectsService } from '../projects/projects.service';
import { ConsoleSessions } from '../session/console-sessions';
import { PasswordReqDto } from './dto/password-req.dto';
import { UserCreationReqDto } from './dto/user-creation-req.dto';
import { UserProfileDto } from './dto/user-profile.dto';
import { UserSysAdminFlagDto } from './dto/user-sysadmin-flag.dto';
import { Permission, projectIdOfScope, projectPermissions } from './permissions';
import { UsersService } from './users.service';
import type { UserResp } from './user-view';
import { ApiQueryStrings, type Listing, ListParams, QueryParam } from '../http/query-param';

@ApiTags('user')
@ApiBasicAuth()
@Controller(`${API_PREFIX}/users`)
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly projects: ProjectsService,
    private readonly sessions: ConsoleSessions,
  ) {}

  @Post()
  @ApiNoBodyResponse(201)
  async create(@RequestAccess() access: Access, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: UserCreationReqDto): Promise<void> {
    const id = await this.users.create(access, req.ip, body);
    reply.header('Location', `/${API_PREFIX}/users/${id}`);
  }

  @ApiQueryStrings('username', 'email')
  @Get()
  @ApiModelResponse('UserResp', { list: true })
  async list(
    @RequestAccess() access: Access,
    @ListParams() list: Listing,
    @QueryParam('username') username?: string,
    @QueryParam('email') email?: string,
  ): Promise<UserResp[]> {
    return list.answer(await this.users.list(access, list.query, { username, email }, list.sort, list.paging));
  }

  @ApiQueryStrings('username')
  @Get('search')
  @ApiModelResponse('UserSearchRespItem', { list: true })
  async search(
    @RequestAccess() access: Access,
    @ListParams({ query: false, sort: false }) list: Listing,
    @QueryParam('username') username?: string,
  ): Promise<{ user_id: number; username: string }[]> {
    return list.answer(await this.users.search(access, username, list.paging));
  }

  @Get('current')
  @ApiModelResponse('UserResp')
  current(@RequestAccess() access: Access): Promise<UserResp> {
    return this.users.current(access);
  }

  @Get('current/permissions')
  @ApiModelResponse('Permission', { list: true })
  async permissions(@RequestAccess() access: Access, @QueryParam('scope') scope?: string, @QueryParam('relative') relative?: string): Promise<Permission[]> {
    requireAuthenticated(access);
    const projectId = projectIdOfScope(scope);
    if (projectId === undefined) return [];
    const project = await this.projects.findRef(String(projectId), false);
    return project ? projectPermissions(access, project, parseBoolean('relative', relative, false)) : [];
  }

  @Get(':user_id')
  @ApiModelResponse('UserResp')
  get(@RequestAccess() access: Access, @Param('user_id', ParseIdPipe) id: number): Promise<UserResp> {
    return this.users.get(access, id);
  }

  @Put(':user_id')
  @ApiNoBodyResponse()
  @HttpCode(200)
  updateProfile(@RequestAccess() access: Access, @Req() req: FastifyRequest, @Param('user_id', ParseIdPipe) id: number, @Body() body: UserProfileDto): Promise<void> {
    return this.users.updateProfile(access, req.ip, id, body);
  }

  @Delete(':user_id')
  @ApiNoBodyResponse()
  @HttpCode(200)
  delete(@RequestAccess() access: Access, @Req() req: FastifyRequest, @Param('user_id', ParseIdPipe) id: number): Promise<void> {
    return this.users.delete(access, req.ip, id);
  }

  @Put(':user_id/password')
  @ApiNoBodyResponse()
  @HttpCode(200)
  async updatePassword(@RequestAccess() access: Access, @Req() req: FastifyRequest, @Param('user_id', ParseIdPipe) id: number, @Body() body: PasswordReqDto): Promise<void> {
    // The new password ends the user's console sessions, except the one that changed it.
    await this.users.updatePassword(access, req.ip, id, body);
    await this.sessions.keepAfterPasswordChange(req, id);
  }

  @Delete(':user_id/login-failures')
  @ApiNoBodyResponse()
  @HttpCode(200)
  clearLoginFailures(@RequestAccess() access: Access, @Req() req: FastifyRequest, @Param('user_id', ParseIdPipe) id: number): Promise<void> {
    return this.users.clearLoginFailures(access, req.ip, id);
  }

  @Put(':user_id/sysadmin')
  @ApiNoBodyResponse()
  @HttpCode(200)
  setSysadmin(@RequestAccess() access: Access, @Req() req: FastifyRequest, @Param('user_id', ParseIdPipe) id: number, @Body() body: UserSysAdminFlagDto): Promise<void> {
    return this.users.setSysadmin(access, req.ip, id, body.sysadmin_flag);
  }
}
