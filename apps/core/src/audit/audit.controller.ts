import { Controller, Get, Param } from '@nestjs/common';
import { ApiBasicAuth, ApiTags } from '@nestjs/swagger';
import { AUDIT_EVENT_TYPES } from '@wharf/db';
import type { Access } from '@wharf/auth';
import { requireAuthenticated, requireProjectAccess, requireSystemAccess } from '../auth/authorize';
import { RequestAccess } from '../auth/request-access';
import { API_PREFIX } from '../http/api-prefix';
import { ApiModelResponse } from '../openapi/schema';
import { projectRef } from '../projects/project-view';
import { ProjectsService } from '../projects/projects.service';
import { AuditLogExtView, AuditLogView, AuditService } from './audit.service';
import { type Listing, ListParams } from '../http/query-param';

@ApiTags('auditlog')
@ApiBasicAuth()
@Controller(API_PREFIX)
export class AuditController {
  constructor(
    private readonly audit: AuditService,
    private readonly projects: ProjectsService,
  ) {}
  @Get('audit-logs')
  @ApiModelResponse('AuditLog', { list: true })
  async list(
    @RequestAccess() access: Access,
    @ListParams() list: Listing,
  ): Promise<AuditLogView[]> {
    requireAuthenticated(access);
    return list.answer(await this.audit.list(await this.audit.scopeFor(access), list.query, list.sort, list.paging));
  }

  // The router needs one parameter name per position; Harbor's is a project name only here.
  @Get('projects/:project_name_or_id/logs')
  @ApiModelResponse('AuditLog', { list: true })
  async projectLogs(
    @RequestAccess() access: Access,
    @ListParams() list: Listing,
    @Param('project_name_or_id') projectName: string,
  ): Promise<AuditLogView[]> {
    const project = await this.projects.resolve(projectName, true);
    requireProjectAccess(access, projectRef(project), 'log', 'list');
    return list.answer(await this.audit.list({ kind: 'projects', ids: [project.id] }, list.query, list.sort, list.paging));
  }

  /** Harbor 2.13's extended log: every row for system administrators, else those of the caller's projects. */
  @Get('auditlog-exts')
  @ApiModelResponse('AuditLogExt', { list: true })
  async listExt(
    @RequestAccess() access: Access,
    @ListParams() list: Listing,
  ): Promise<AuditLogExtView[]> {
    requireAuthenticated(access);
    return list.answer(await this.audit.listExt(await this.audit.scopeFor(access), list.query, list.sort, list.paging));
  }

  /** The event types disabled_audit_log_event_types may name; for those who may list every audit log, as in Harbor. */
  @Get('auditlog-exts/events')
  @ApiModelResponse('AuditLogEventType', { list: true })
  eventTypes(@RequestAccess() access: Access): { event_type: string }[] {
    requireSystemAccess(access, 'audit-log', 'list');
    return AUDIT_EVENT_TYPES.map((eventType) => ({ event_type: eventType }));
  }
  @Get('projects/:project_name_or_id/auditlog-exts')
  @ApiModelResponse('AuditLogExt', { list: true })
  async projectLogExts(
    @RequestAccess() access: Access,
    @ListParams() list: Listing,
    @Param('project_name_or_id') projectName: string,
  ): Promise<AuditLogExtView[]> {
    const project = await this.projects.resolve(projectName, true);
    requireProjectAccess(access, projectRef(project), 'log', 'list');
    return list.answer(await this.audit.listExt({ kind: 'projects', ids: [project.id] }, list.query, list.sort, list.paging));
  }
}
