import type { ListRequest } from '../http/query-param';
import { Inject, Injectable } from '@nestjs/common';
import { Access, robotProjectIds } from '@wharf/auth';
import type { Sql, SqlRunner } from '@wharf/db';
import { FieldSpecs, orderBy, SqlParams, whereClause, whereFromQuery } from '../http/list-query';
import { SQL } from '../infra/tokens';
import { LISTED } from '../repositories/repository.store';

export interface CveAllowlist {
  items: { cve_id: string }[];
  expires_at?: number | null;
}

export interface ProjectRecord {
  id: number;
  name: string;
  public: boolean;
  owner_id: number | null;
  owner_name: string | null;
  metadata: Record<string, string>;
  storage_limit: string;
  cve_allowlist: CveAllowlist;
  cve_allowlist_updated_at: Date;
  created_at: Date;
  updated_at: Date;
  repo_count: number;
  /** The viewing user's roles in the project (directly and through groups). */
  role_ids: number[];
}

/** The fields `q` and `sort` of GET /projects may name. */
export const PROJECT_FIELDS: FieldSpecs = {
  project_id: { column: 'p.id', type: 'int' },
  name: { column: 'p.name', type: 'text' },
  public: { column: 'p.public', type: 'bool' },
  owner: { column: 'o.username', type: 'text', ignoreCase: true },
  creation_time: { column: 'p.created_at', type: 'time' },
  update_time: { column: 'p.updated_at', type: 'time' },
};

/** Which projects a list may show (see visibilityOf). */
export type Visibility = { kind: 'all' } | { kind: 'public' } | { kind: 'user'; userId: number } | { kind: 'ids'; ids: number[] };

/**
 * Which projects a caller's lists show: public ones to everyone, plus their own; all to admins.
 * Robots see the projects their grants name (all with `*`), as Harbor lists them.
 */
export function visibilityOf(access: Access): Visibility {
  const p = access.principal;
  if (p.kind === 'user') return p.sysadmin ? { kind: 'all' } : { kind: 'user', userId: p.id };
  if (p.kind === 'robot') {
    const projects = robotProjectIds(p.permissions);
    return projects.all ? { kind: 'all' } : { kind: 'ids', ids: projects.ids };
  }
  return { kind: 'public' };
}

/** Ids of the projects a user is a member of, directly or through a group; `$n` is the user id. */
export function memberProjectsSql(userParam: string): string {
  return `SELECT m.project_id FROM project_member m WHERE m.user_id = ${userParam}
          UNION SELECT m.project_id FROM project_member m JOIN user_group_member g ON g.group_id = m.group_id WHERE g.user_id = ${userParam}`;
}

function selectSql(viewerParam: string): string {
  return `SELECT p.id, p.name, p.public, p.owner_id, o.username AS owner_name, p.metadata, p.storage_limit::text AS storage_limit,
                 p.cve_allowlist, p.cve_allowlist_updated_at, p.created_at, p.updated_at,
                 (SELECT count(*) FROM repository r WHERE r.project_id = p.id AND ${LISTED})::int AS repo_count,
                 ARRAY(SELECT DISTINCT m.role FROM project_member m
                        WHERE m.project_id = p.id
                          AND (m.user_id = ${viewerParam}::int
                               OR m.group_id IN (SELECT g.group_id FROM user_group_member g WHERE g.user_id = ${viewerParam}::int))) AS role_ids
            FROM project p LEFT JOIN app_user o ON o.id = p.owner_id`;
}

export interface ListFilter extends ListRequest {  /** Fuzzy match on the name (the `name` parameter). */
  name?: string;
  public?: boolean;
  /** Exact owner user name (the `owner` parameter). */
  owner?: string;
}

/** Rows of `project`, as the API shows them. */
@Injectable()
export class ProjectRepository {
  constructor(@Inject(SQL) private readonly sql: Sql) {}

  /** One project by id or by name; `viewerId` (a user) fills `role_ids`. */
  find(key: { id: number } | { name: string }, viewerId: number | undefined, runner: SqlRunner = this.sql): Promise<ProjectRecord | undefined> {
    if ('id' in key) return runner.one<ProjectRecord>(`${selectSql('$1')} WHERE p.id = $2`, [viewerId ?? null, key.id]);
    return runner.one<ProjectRecord>(`${selectSql('$1')} WHERE p.name = $2`, [viewerId ?? null, key.name]);
  }

  async exists(name: string): Promise<boolean> {
    return (await this.sql.one('SELECT 1 FROM project WHERE name = $1', [name])) !== undefined;
  }

  async list(visibility: Visibility, filter: ListFilter, viewerId: number | undefined): Promise<{ total: number; rows: ProjectRecord[] }> {
    const params = new SqlParams();
    const conditions = whereFromQuery(filter.query, PROJECT_FIELDS, params);
    if (filter.name) conditions.push(`p.name ILIKE ${params.add(`%${filter.name.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)}`);
    if (filter.public !== undefined) conditions.push(`p.public = ${params.add(filter.public)}`);
    if (filter.owner) conditions.push(`lower(o.username) = lower(${params.add(filter.owner)})`);
    switch (visibility.kind) {
      case 'public':
        conditions.push('p.public');
        break;
      case 'user':
        conditions.push(`p.public OR p.id IN (${memberProjectsSql(params.add(visibility.userId))})`);
        break;
      case 'ids':
        conditions.push(`p.id = ANY(${params.add(visibility.ids)}::int[])`);
        break;
      case 'all':
        break;
    }
    const where = whereClause(conditions);
    const count = await this.sql.one<{ n: string }>(`SELECT count(*) AS n FROM project p LEFT JOIN app_user o ON o.id = p.owner_id ${where}`, [...params.values]);
    // Added after counting: PostgreSQL refuses parameters a statement does not use.
    const viewer = params.add(viewerId ?? null);
    const order = orderBy(filter.sort, PROJECT_FIELDS, 'p.name ASC', 'p.id ASC');
    const rows = await this.sql.query<ProjectRecord>(
      `${selectSql(viewer)} ${where} ORDER BY ${order} LIMIT ${params.add(filter.paging.pageSize)} OFFSET ${params.add(filter.paging.offset)}`,
      params.values,
    );
    return { total: Number(count?.n ?? 0), rows };
  }

  /** Inserts unless the name is taken; undefined when it is. */
  async insert(
    runner: SqlRunner,
    project: { name: string; public: boolean; ownerId: number | null; metadata: Record<string, string>; storageLimit: number; cveAllowlist: CveAllowlist },
  ): Promise<number | undefined> {
    const row = await runner.one<{ id: number }>(
      `INSERT INTO project (name, public, owner_id, metadata, storage_limit, cve_allowlist)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name) DO NOTHING RETURNING id`,
      [project.name, project.public, project.ownerId, JSON.stringify(project.metadata), project.storageLimit, JSON.stringify(project.cveAllowlist)],
    );
    return row?.id;
  }

  async update(
    runner: SqlRunner,
    id: number,
    changes: { public: boolean; metadata: Record<string, string>; storageLimit: number; cveAllowlist?: CveAllowlist },
  ): Promise<void> {
    await runner.query(
      `UPDATE project SET public = $2, metadata = $3, storage_limit = $4,
              cve_allowlist = COALESCE($5::jsonb, cve_allowlist),
              cve_allowlist_updated_at = CASE WHEN $5::jsonb IS NULL THEN cve_allowlist_updated_at ELSE now() END,
              updated_at = now()
        WHERE id = $1`,
      [id, changes.public, JSON.stringify(changes.metadata), changes.storageLimit, changes.cveAllowlist ? JSON.stringify(changes.cveAllowlist) : null],
    );
  }

  /**
   * Sets one metadata value; `public` also sets the project's visibility. `onlyIf` 'absent' adds
   * (false when the key is there already), 'present' updates (false when it is not), as Harbor's
   * insert and update of a metadata row. One statement each, so concurrent writes of different
   * keys do not lose one another.
   */
  async setMetadata(runner: SqlRunner, id: number, key: string, value: string, onlyIf: 'absent' | 'present'): Promise<boolean> {
    // `public` is always present: the column holds it even for rows without the key.
    const guard = key === 'public' ? (onlyIf === 'absent' ? 'AND false' : '') : onlyIf === 'absent' ? 'AND NOT (metadata ? $2)' : 'AND metadata ? $2';
    const rows = await runner.query(
      `UPDATE project SET metadata = metadata || jsonb_build_object($2::text, $3::text),
              public = CASE WHEN $2 = 'public' THEN $3 = 'true' ELSE public END
        WHERE id = $1 ${guard} RETURNING id`,
      [id, key, value],
    );
    return rows.length > 0;
  }

  /** Removes one metadata key; removing `public` makes the project private, as in Harbor. */
  async deleteMetadata(runner: SqlRunner, id: number, key: string): Promise<void> {
    await runner.query(
      `UPDATE project SET metadata = metadata - $2::text,
              public = CASE WHEN $2 = 'public' THEN false ELSE public END
        WHERE id = $1 AND (metadata ? $2 OR $2 = 'public')`,
      [id, key],
    );
  }

  async delete(runner: SqlRunner, id: number): Promise<boolean> {
    // Rows of pushes that never recorded an artifact go with the project (their blobs' charges too).
    await runner.query(`DELETE FROM repository r WHERE r.project_id = $1 AND NOT (${LISTED})`, [id]);
    return (await runner.query('DELETE FROM project WHERE id = $1 RETURNING id', [id])).length > 0;
  }

  async repositoryCount(id: number, runner: SqlRunner = this.sql): Promise<number> {
    const row = await runner.one<{ n: number }>(`SELECT count(*)::int AS n FROM repository r WHERE r.project_id = $1 AND ${LISTED}`, [id]);
    return row?.n ?? 0;
  }

  /**
   * Members per role id and the project's quota usage: the bytes of the distinct blobs its
   * artifacts reference, as the registry counts them against the limit (no row yet: nothing).
   */
  async summary(id: number): Promise<{ roles: Map<number, number>; storageUsed: number }> {
    const roles = await this.sql.query<{ role: number; n: number }>('SELECT role, count(*)::int AS n FROM project_member WHERE project_id = $1 GROUP BY role', [id]);
    const used = await this.sql.one<{ bytes: string }>('SELECT used::text AS bytes FROM quota WHERE project_id = $1', [id]);
    return { roles: new Map(roles.map((r) => [r.role, r.n])), storageUsed: Number(used?.bytes ?? 0) };
  }
}
