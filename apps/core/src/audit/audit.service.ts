import { Inject, Injectable } from '@nestjs/common';
import { Access, robotProjectIds, roleAllows } from '@wharf/auth';
import type { Sql, SqlRunner } from '@wharf/db';
import { actorName } from '../auth/authorize';
import { FieldSpecs, orderBy, SqlParams, whereClause, whereFromQuery } from '../http/list-query';
import type { Paging } from '../http/paging';
import type { ParsedQuery, SortKey } from '../http/query';
import { SQL } from '../infra/tokens';

export type AuditOperation = 'create' | 'update' | 'delete' | 'pull' | 'push' | 'login' | 'logout';
export type AuditResourceType = 'user' | 'project' | 'project_member' | 'robot' | 'artifact' | 'repository' | 'tag';

export interface AuditEntry {
  /** The project the change happened in; null for system-wide resources (users). */
  projectId: number | null;
  operation: AuditOperation;
  resourceType: AuditResourceType;
  /** What was changed, by name: a user name, a project name, `project/repo:tag`, ... */
  resource: string;
  username: string;
  clientIp?: string;
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

/** The fields `q` and `sort` may name. */
export const AUDIT_FIELDS: FieldSpecs = {
  id: { column: 'a.id', type: 'bigint' },
  operation: { column: 'a.operation', type: 'text' },
  resource_type: { column: 'a.resource_type', type: 'text' },
  resource: { column: 'a.resource', type: 'text' },
  username: { column: 'a.username', type: 'text' },
  op_time: { column: 'a.op_time', type: 'time' },
};

/** Which audit rows a list may show. */
export type AuditScope = { kind: 'all' } | { kind: 'projects'; ids: number[] };

/**
 * The audit trail: who created, changed or deleted what, and (from the data plane) who pushed or
 * pulled. Writers pass their transaction so a row exists exactly when its change committed.
 */
@Injectable()
export class AuditService {
  constructor(@Inject(SQL) private readonly sql: Sql) {}

  async record(entry: AuditEntry, runner: SqlRunner = this.sql): Promise<void> {
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
   * The rows a caller may read in GET /audit-logs: everything for system administrators, else
   * the rows of projects where the matrix lets them list logs.
   */
  async scopeFor(access: Access): Promise<AuditScope> {
    const p = access.principal;
    if (access.isSysadmin) return { kind: 'all' };
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
    const params = new SqlParams();
    const conditions = whereFromQuery(query, AUDIT_FIELDS, params);
    if (scope.kind === 'projects') conditions.push(`a.project_id = ANY(${params.add(scope.ids)}::int[])`);
    const where = whereClause(conditions);
    const order = orderBy(sort, AUDIT_FIELDS, 'a.op_time DESC', 'a.id DESC');
    const countRow = await this.sql.one<{ n: string }>(`SELECT count(*) AS n FROM audit_log a ${where}`, params.values);
    const limit = params.add(paging.pageSize);
    const offset = params.add(paging.offset);
    const rows = await this.sql.query<AuditRow>(
      `SELECT a.id, a.username, a.resource, a.resource_type, a.operation, a.op_time
         FROM audit_log a ${where} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`,
      params.values,
    );
    return {
      total: Number(countRow?.n ?? 0),
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
}
