import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiBasicAuth, ApiTags } from '@nestjs/swagger';
import type { Access } from '@wharf/auth';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { requireAuthenticated, requireProjectAccess } from '../auth/authorize';
import { RequestAccess } from '../auth/request-access';
import { API_PREFIX } from '../http/api-prefix';
import { setPageHeaders } from '../http/paging';
import { ApiModelResponse } from '../openapi/schema';
import { projectRef } from '../projects/project-view';
import { ProjectsService } from '../projects/projects.service';
import { AuditLogView, AuditService } from './audit.service';
import { ApiListQueries, ListParams, type ListRequest } from '../http/query-param';

@ApiTags('auditlog')
@ApiBasicAuth()
@Controller(API_PREFIX)
export class AuditController {
  constructor(
    private readonly audit: AuditService,
    private readonly projects: ProjectsService,
  ) {}

  @ApiListQueries()
  @Get('audit-logs')
  @ApiModelResponse('AuditLog', { list: true })
  async list(
    @RequestAccess() access: Access,
    @ListParams() list: ListRequest,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AuditLogView[]> {
    requireAuthenticated(access);
    const { paging } = list;
    const { total, items } = await this.audit.list(await this.audit.scopeFor(access), list.query, list.sort, paging);
    setPageHeaders(reply, req.url, paging, total);
    return items;
  }

  // The router needs one parameter name per position; Harbor's is a project name only here.
  @ApiListQueries()
  @Get('projects/:project_name_or_id/logs')
  @ApiModelResponse('AuditLog', { list: true })
  async projectLogs(
    @RequestAccess() access: Access,
    @ListParams() list: ListRequest,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('project_name_or_id') projectName: string,
  ): Promise<AuditLogView[]> {
    const project = await this.projects.resolve(projectName, true);
    requireProjectAccess(access, projectRef(project), 'log', 'list');
    const { total, items } = await this.audit.list({ kind: 'projects', ids: [project.id] }, list.query, list.sort, list.paging);
    setPageHeaders(reply, req.url, list.paging, total);
    return items;
  }
}
