import { Inject, Injectable } from '@nestjs/common';
import { REPOSITORY_DELETED_CHANNEL, type Sql, type SqlRunner } from '@wharf/db';
import { FieldSpecs, orderBy, SqlParams, whereClause, whereFromQuery } from '../http/list-query';
import type { Paging } from '../http/paging';
import type { ParsedQuery, SortKey } from '../http/query';
import { SQL } from '../infra/tokens';

export interface RepositoryRecord {
  id: string;
  project_id: number | null;
  project_name: string | null;
  project_public: boolean | null;
  name: string;
  description: string;
  artifact_count: number;
  /** Manifest pulls the registry has moved to the database (every few seconds). */
  pull_count: string;
  created_at: Date;
  update_time: Date;
}

// The registry does not touch repository.updated_at on push; the last push is what changed it.
const UPDATE_TIME = `GREATEST(r.updated_at, (SELECT max(a.push_time) FROM artifact a WHERE a.repository_id = r.id))`;

/** The fields `q` and `sort` of the repository lists may name. */
export const REPOSITORY_FIELDS: FieldSpecs = {
  id: { column: 'r.id', type: 'int' },
  name: { column: 'r.name', type: 'text' },
  project_id: { column: 'r.project_id', type: 'int' },
  pull_count: { column: 'r.pull_count', type: 'int' },
  creation_time: { column: 'r.created_at', type: 'time' },
  update_time: { column: UPDATE_TIME, type: 'time' },
};

const SELECT = `SELECT r.id, r.project_id, p.name AS project_name, p.public AS project_public, r.name, r.description, r.pull_count, r.created_at,
                       (SELECT count(*) FROM artifact a WHERE a.repository_id = r.id)::int AS artifact_count,
                       ${UPDATE_TIME} AS update_time
                  FROM repository r LEFT JOIN project p ON p.id = r.project_id`;

export interface RepositoryFilter {
  /** Only repositories of these projects; undefined for all. */
  projectIds?: number[];
  query: ParsedQuery;
  sort: SortKey[];
  paging: Paging;
  /** Substring of the full name (search). */
  nameContains?: string;
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * A repository exists for the API from its first artifact on (migration 0015): the registry's row
 * for a push that never recorded a manifest (refused by the quota, say) is not shown.
 */
export const LISTED = 'r.first_push_time IS NOT NULL';

/** Rows of `repository` (written by the registry on push), as the API shows and deletes them. */
@Injectable()
export class RepositoryStore {
  constructor(@Inject(SQL) private readonly sql: Sql) {}

  byName(name: string, runner: SqlRunner = this.sql): Promise<RepositoryRecord | undefined> {
    return runner.one<RepositoryRecord>(`${SELECT} WHERE r.name = $1 AND ${LISTED}`, [name], 'content_repository_by_name');
  }

  async list(filter: RepositoryFilter): Promise<{ total: number; rows: RepositoryRecord[] }> {
    const params = new SqlParams();
    const conditions = [LISTED, ...whereFromQuery(filter.query, REPOSITORY_FIELDS, params)];
    if (filter.projectIds !== undefined) conditions.push(`r.project_id = ANY(${params.add(filter.projectIds)}::int[])`);
    if (filter.nameContains !== undefined) conditions.push(`r.name ILIKE ${params.add(`%${escapeLike(filter.nameContains)}%`)}`);
    const where = whereClause(conditions);
    const count = await this.sql.one<{ n: string }>(`SELECT count(*) AS n FROM repository r ${where}`, [...params.values]);
    const order = orderBy(filter.sort, REPOSITORY_FIELDS, 'r.created_at DESC', 'r.id DESC');
    const rows = await this.sql.query<RepositoryRecord>(
      `${SELECT} ${where} ORDER BY ${order} LIMIT ${params.add(filter.paging.pageSize)} OFFSET ${params.add(filter.paging.offset)}`,
      params.values,
    );
    return { total: Number(count?.n ?? 0), rows };
  }

  /** Sets the description; false when the repository is gone. */
  async setDescription(id: string, description: string): Promise<boolean> {
    return (await this.sql.query('UPDATE repository SET description = $2 WHERE id = $1 RETURNING id', [id, description])).length > 0;
  }

  /**
   * Deletes the repository with its artifacts and tags, and answers those artifacts (undefined when
   * the repository is gone already); blobs stay for garbage collection. The
   * index references go first: they keep children from being deleted (ON DELETE RESTRICT), and
   * the parent and child rows die in the same cascade.
   */
  async delete(tx: SqlRunner, id: string): Promise<{ digest: string; tags: string[] }[] | undefined> {
    const locked = await tx.one('SELECT id FROM repository WHERE id = $1 FOR UPDATE', [id]);
    if (!locked) return undefined;
    // Read in the deleting transaction, under the repository's lock: what the cascade below removes.
    const artifacts = await tx.query<{ digest: string; tags: string[] }>(
      'SELECT a.digest, ARRAY(SELECT t.name FROM tag t WHERE t.artifact_id = a.id ORDER BY t.name) AS tags FROM artifact a WHERE a.repository_id = $1 ORDER BY a.id',
      [id],
    );
    await tx.query('DELETE FROM artifact_reference ar USING artifact a WHERE a.id = ar.parent_id AND a.repository_id = $1', [id]);
    // Registry processes forget the id they cached for the name (libs/db repository-change.ts).
    await tx.query('WITH r AS (DELETE FROM repository WHERE id = $1 RETURNING name) SELECT pg_notify($2, name) FROM r', [id, REPOSITORY_DELETED_CHANNEL]);
    return artifacts;
  }
}
