import { Inject, Injectable } from '@nestjs/common';
import type { Sql, SqlRunner } from '@wharf/db';
import { FieldSpecs, orderBy, SqlParams, whereClause } from '../http/list-query';
import type { Paging } from '../http/paging';
import type { SortKey } from '../http/query';
import { SQL } from '../infra/tokens';

/** One project's quota: its limit (project.storage_limit) and its usage (the quota table). */
export interface QuotaRecord {
  project_id: number;
  project_name: string;
  public: boolean;
  owner_name: string | null;
  hard: string;
  used: string;
  creation_time: Date;
  update_time: Date;
}

// A project without a quota row has never held anything: it uses 0. The quota exists as long as
// its project, so it carries the project's creation time; it changes with usage or limit.
const UPDATE_TIME = 'COALESCE(q.update_time, p.created_at)';

const SELECT = `SELECT p.id AS project_id, p.name AS project_name, p.public, o.username AS owner_name,
                       p.storage_limit::text AS hard, COALESCE(q.used, 0)::text AS used,
                       p.created_at AS creation_time, ${UPDATE_TIME} AS update_time
                  FROM project p LEFT JOIN app_user o ON o.id = p.owner_id LEFT JOIN quota q ON q.project_id = p.id`;

/**
 * What `sort` may name, as Harbor: the times, and `hard.<resource>`/`used.<resource>` where an
 * unlimited hard limit sorts above every number.
 */
export const QUOTA_SORT_FIELDS: FieldSpecs = {
  creation_time: { column: 'p.created_at', type: 'time' },
  update_time: { column: UPDATE_TIME, type: 'time' },
  'hard.storage': { column: 'CASE WHEN p.storage_limit = -1 THEN 9223372036854775807 ELSE p.storage_limit END', type: 'bigint' },
  'used.storage': { column: 'COALESCE(q.used, 0)', type: 'bigint' },
};

/** ORDER BY for `sort` (keys it cannot sort by skipped); newest first unless asked otherwise, as Harbor. */
export function quotaOrder(sort: SortKey[]): string {
  const plain = sort.map((s) => ({ ...s, key: s.key.replace(/^\+/, '') }));
  return orderBy(plain, QUOTA_SORT_FIELDS, 'p.created_at DESC', 'p.id DESC');
}

export interface QuotaListFilter {
  /** Only this project's quota (Harbor's reference_id). */
  projectId?: number;
  sort: SortKey[];
  paging: Paging;
}

/**
 * The quota's update time follows a limit change too, as Harbor's does. The row may not exist
 * yet (no push so far); made here it holds 0, which is then exactly the project's usage.
 */
export async function touchQuota(runner: SqlRunner, projectId: number): Promise<void> {
  await runner.query('INSERT INTO quota (project_id) VALUES ($1) ON CONFLICT (project_id) DO UPDATE SET update_time = now()', [projectId]);
}

/** Project quotas, read from project and quota (whose usage the database's triggers keep exact). */
@Injectable()
export class QuotaStore {
  constructor(@Inject(SQL) private readonly sql: Sql) {}

  get(projectId: number): Promise<QuotaRecord | undefined> {
    return this.sql.one<QuotaRecord>(`${SELECT} WHERE p.id = $1`, [projectId]);
  }

  async list(filter: QuotaListFilter): Promise<{ total: number; rows: QuotaRecord[] }> {
    const params = new SqlParams();
    const conditions: string[] = [];
    if (filter.projectId !== undefined) conditions.push(`p.id = ${params.add(filter.projectId)}`);
    const order = quotaOrder(filter.sort);
    const where = whereClause(conditions);
    const count = await this.sql.one<{ n: string }>(`SELECT count(*) AS n FROM project p ${where}`, [...params.values]);
    const rows = await this.sql.query<QuotaRecord>(
      `${SELECT} ${where} ORDER BY ${order} LIMIT ${params.add(filter.paging.pageSize)} OFFSET ${params.add(filter.paging.offset)}`,
      params.values,
    );
    return { total: Number(count?.n ?? 0), rows };
  }

  /** Sets the project's storage limit; false when there is no such project. */
  async setHard(projectId: number, storage: number): Promise<boolean> {
    return this.sql.transaction(async (tx) => {
      const updated = await tx.query('UPDATE project SET storage_limit = $2 WHERE id = $1 RETURNING id', [projectId, storage]);
      if (updated.length === 0) return false;
      await touchQuota(tx, projectId);
      return true;
    });
  }
}
