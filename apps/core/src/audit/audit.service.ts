import { Inject, Injectable } from '@nestjs/common';
import type { QueryResultRow } from 'pg';
import { Access, robotProjectIds, roleAllows } from '@wharf/auth';
import { type AuditExtRecord, AuditTrail, insertAuditLogExt, type Sql, type SqlRunner } from '@wharf/db';
import { actorName } from '../auth/authorize';
import { FieldSpecs, orderBy, SqlParams, whereClause, whereFromQuery } from '../http/list-query';
import type { Paging } from '../http/paging';
import type { ParsedQuery, SortKey } from '../http/query';
import { SQL } from '../infra/tokens';

export type AuditOperation = 'create' | 'update' | 'delete' | 'pull' | 'push' | 'login' | 'logout';
export type AuditResourceType = 'user' | 'project' | 'project_member' | 'robot' | 'artifact' | 'repository' | 'tag' | 'configuration';

export interface AuditEntry {
  /** The project the change happened in; null for system-wide resources (users). */
  projectId: number | null;
  operation: AuditOperation;
  resourceType: AuditResourceType;
  /** What was changed, by name: a user name, a project name, `project/repo:tag`, ... */
  resource: string;
  username: string;
  clientIp?: string;
  /** The extended log's operation_description; by default Harbor's wording for the operation. */
  description?: string;
  /** False for an attempt that was refused (the extended log records failed logins); true by default. */
  success?: boolean;
  /** A change only Harbor 2.13's extended log records (a project's metadata): no audit_log row. */
  extendedOnly?: boolean;
}

/** The extended log's resource type: Harbor's name for a project member is `member`. */
function extResourceType(type: AuditResourceType): string {
  return type === 'project_member' ? 'member' : type;
}

const ARTIFACT_VERBS: Partial<Record<AuditOperation, string>> = { create: 'push', pull: 'pull', delete: 'delete' };

/** Harbor's operation_description for an entry that brings none. */
function defaultDescription(entry: AuditEntry): string {
  const { operation: op, resource } = entry;
  switch (entry.resourceType) {
    case 'user':
      return op === 'login' || op === 'logout' ? op : `${op} user with name: ${resource}`;
    case 'artifact':
      return `${ARTIFACT_VERBS[op] ?? op} artifact: ${resource}`;
    case 'project_member':
      return `${op} member ${resource}`;
    case 'configuration':
      return 'update configuration';
    default:
      return `${op} ${entry.resourceType}: ${resource}`;
  }
}

/**
 * The extended row an entry stands for, or undefined where Harbor's extended log has none
 * (a robot's update is only in the older log).
 */
export function extRecordOf(entry: AuditEntry): AuditExtRecord | undefined {
  if (entry.resourceType === 'robot' && entry.operation === 'update') return undefined;
  return {
    projectId: entry.projectId,
    operation: entry.operation,
    resourceType: extResourceType(entry.resourceType),
    resource: entry.resource,
    username: entry.username,
    description: entry.description ?? defaultDescription(entry),
    success: entry.success ?? true,
    clientIp: entry.clientIp ?? null,
  };
}

/** Whether the older audit_log has a row for the entry: only changes that happened, never of the configuration. */
function inLegacyLog(entry: AuditEntry): boolean {
  return (entry.success ?? true) && !entry.extendedOnly && entry.resourceType !== 'configuration';
}

/** Harbor's AuditLog as the API returns it. */
export interface AuditLogView {
  id: number;
  username: string;
  resource: string;
  resource_type: string;
  operation: string;
  op_time: string;
}

interface AuditRow {
  id: string;
  username: string;
  resource: string;
  resource_type: string;
  operation: string;
  op_time: Date;
}

/** Harbor's AuditLogExt as the API returns it. */
export interface AuditLogExtView {
  id: number;
  username: string;
  resource: string;
  resource_type: string;
  operation: string;
  operation_description: string;
  operation_result: boolean;
  op_time: string;
}

interface AuditExtRow extends AuditRow {
  op_desc: string;
  op_result: boolean;
}

/** The fields `q` and `sort` may name. */
export const AUDIT_FIELDS: FieldSpecs = {
  id: { column: 'a.id', type: 'bigint' },
  operation: { column: 'a.operation', type: 'text' },
  resource_type: { column: 'a.resource_type', type: 'text' },
  resource: { column: 'a.resource', type: 'text' },
  username: { column: 'a.username', type: 'text' },
  op_time: { column: 'a.op_time', type: 'time' },
};

/** The same for the extended log, with its description and result. */
export const AUDIT_EXT_FIELDS: FieldSpecs = {
  ...AUDIT_FIELDS,
  operation_description: { column: 'a.op_desc', type: 'text' },
  operation_result: { column: 'a.op_result', type: 'bool' },
};

/** Which audit rows a list may show. */
export type AuditScope = { kind: 'all' } | { kind: 'projects'; ids: number[] };

/**
 * The audit trail: who created, changed or deleted what, and (from the data plane) who pushed or
 * pulled. Writers pass their transaction so a row exists exactly when its change committed.
 */
@Injectable()
export class AuditService {
  constructor(
    @Inject(SQL) private readonly sql: Sql,
    private readonly trail: AuditTrail,
  ) {}

  /**
   * Writes the entry to audit_log and its extended row to audit_log_ext, as the audit settings
   * say: an event type that is disabled has no extended row; with skip_audit_log_database
   * neither table gets one; with a forward endpoint the extended row is also sent to syslog.
   */
  async record(entry: AuditEntry, runner: SqlRunner = this.sql): Promise<void> {
    const ext = extRecordOf(entry);
    const { rows, writeDatabase } = await this.trail.admit(ext ? [ext] : []);
    if (!writeDatabase) return;
    await insertAuditLogExt(runner, rows);
    if (!inLegacyLog(entry)) return;
    await runner.query(
      `INSERT INTO audit_log (project_id, operation, resource_type, resource, username, client_ip)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [entry.projectId, entry.operation, entry.resourceType, entry.resource, entry.username, entry.clientIp ?? null],
      'audit_insert',
    );
  }

  /** Records a change made by the caller of an API request. */
  recordFor(access: Access, clientIp: string | undefined, entry: Omit<AuditEntry, 'username' | 'clientIp'>, runner?: SqlRunner): Promise<void> {
    return this.record({ ...entry, username: actorName(access), clientIp }, runner);
  }

  /**
   * The rows a caller may read in GET /audit-logs and /auditlog-exts: everything for system administrators, else
   * the rows of projects where the matrix lets them list logs.
   */
  async scopeFor(access: Access): Promise<AuditScope> {
    const p = access.principal;
    // Harbor's check: system access to list audit logs (administrators, robots granted it).
    if (access.canSystem('audit-log', 'list')) return { kind: 'all' };
    if (p.kind === 'user') return { kind: 'projects', ids: [...p.roles].filter(([, role]) => roleAllows(role, 'log', 'list')).map(([id]) => id) };
    if (p.kind === 'robot') {
      const granted = robotProjectIds(p.permissions);
      const projects = await this.sql.query<{ id: number; name: string; public: boolean }>('SELECT id, name, public FROM project WHERE $1::boolean OR id = ANY($2::int[])', [
        granted.all,
        granted.all ? [] : granted.ids,
      ]);
      return { kind: 'projects', ids: projects.filter((project) => access.can(project, 'log', 'list')).map((project) => project.id) };
    }
    return { kind: 'projects', ids: [] };
  }

  async list(scope: AuditScope, query: ParsedQuery, sort: SortKey[], paging: Paging): Promise<{ total: number; items: AuditLogView[] }> {
    const { total, rows } = await this.page<AuditRow>('audit_log', 'a.id, a.username, a.resource, a.resource_type, a.operation, a.op_time', AUDIT_FIELDS, scope, query, sort, paging);
    return {
      total,
      items: rows.map((r) => ({
        id: Number(r.id),
        username: r.username,
        resource: r.resource,
        resource_type: r.resource_type,
        operation: r.operation,
        op_time: r.op_time.toISOString(),
      })),
    };
  }

  /** GET /auditlog-exts: the extended rows, with their description and result. */
  async listExt(scope: AuditScope, query: ParsedQuery, sort: SortKey[], paging: Paging): Promise<{ total: number; items: AuditLogExtView[] }> {
    const { total, rows } = await this.page<AuditExtRow>(
      'audit_log_ext',
      'a.id, a.username, a.resource, a.resource_type, a.operation, a.op_desc, a.op_result, a.op_time',
      AUDIT_EXT_FIELDS,
      scope,
      query,
      sort,
      paging,
    );
    return {
      total,
      items: rows.map((r) => ({
        id: Number(r.id),
        username: r.username,
        resource: r.resource,
        resource_type: r.resource_type,
        operation: r.operation,
        operation_description: r.op_desc,
        operation_result: r.op_result,
        op_time: r.op_time.toISOString(),
      })),
    };
  }

  /** One page of either table (aliased `a`), newest first unless `sort` says otherwise. */
  private async page<R extends QueryResultRow>(
    table: 'audit_log' | 'audit_log_ext',
    columns: string,
    fields: FieldSpecs,
    scope: AuditScope,
    query: ParsedQuery,
    sort: SortKey[],
    paging: Paging,
  ): Promise<{ total: number; rows: R[] }> {
    const params = new SqlParams();
    const conditions = whereFromQuery(query, fields, params);
    if (scope.kind === 'projects') conditions.push(`a.project_id = ANY(${params.add(scope.ids)}::int[])`);
    const where = whereClause(conditions);
    const order = orderBy(sort, fields, 'a.op_time DESC', 'a.id DESC');
    const countRow = await this.sql.one<{ n: string }>(`SELECT count(*) AS n FROM ${table} a ${where}`, params.values);
    const limit = params.add(paging.pageSize);
    const offset = params.add(paging.offset);
    const rows = await this.sql.query<R>(`SELECT ${columns} FROM ${table} a ${where} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`, params.values);
    return { total: Number(countRow?.n ?? 0), rows };
  }
}
