import { Inject, Injectable } from '@nestjs/common';
import type { ProjectRef } from '@wharf/auth';
import type { Sql, SqlRunner } from '@wharf/db';
import { FieldSpecs, orderBy, SqlParams, whereClause, whereFromQuery } from '../http/list-query';
import type { ListRequest } from '../http/query-param';
import { isForeignKeyViolation } from '../infra/pg-errors';
import { SQL } from '../infra/tokens';

export type LabelScope = 'g' | 'p';

export interface LabelRecord {
  id: number;
  name: string;
  description: string;
  color: string;
  scope: LabelScope;
  project_id: number | null;
  creation_time: Date;
  update_time: Date;
}

/** A label with the project it belongs to (null for global labels), for access decisions. */
export interface LabelWithProject extends LabelRecord {
  project: ProjectRef | null;
}

/** A label attached to an artifact. */
export interface AttachedLabel extends LabelRecord {
  artifact_id: string;
}

/** The unique index behind "label X already exists". */
export const LABEL_NAME_CONSTRAINT = 'harbor_label_name_key';

/** The fields `q` and `sort` of the label list may name. */
export const LABEL_FIELDS: FieldSpecs = {
  id: { column: 'l.id', type: 'int' },
  name: { column: 'l.name', type: 'text' },
  description: { column: 'l.description', type: 'text' },
  color: { column: 'l.color', type: 'text' },
  creation_time: { column: 'l.creation_time', type: 'time' },
  update_time: { column: 'l.update_time', type: 'time' },
};

const COLUMNS = 'l.id, l.name, l.description, l.color, l.scope, l.project_id, l.creation_time, l.update_time';

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export interface LabelFilter extends ListRequest {
  scope: LabelScope;
  /** The project of project labels. */
  projectId?: number;
  /** Fuzzy match on the name (Harbor's `name` parameter). */
  name?: string;
}

/** Rows of `harbor_label` and `label_reference`. */
@Injectable()
export class LabelStore {
  constructor(@Inject(SQL) private readonly sql: Sql) {}

  project(id: number): Promise<ProjectRef | undefined> {
    return this.sql.one<ProjectRef>('SELECT id, name, public FROM project WHERE id = $1', [id]);
  }

  async list(filter: LabelFilter): Promise<{ total: number; rows: LabelRecord[] }> {
    const params = new SqlParams();
    const conditions = [`l.scope = ${params.add(filter.scope)}`];
    if (filter.scope === 'p') conditions.push(`l.project_id = ${params.add(filter.projectId)}`);
    if (filter.name) conditions.push(`l.name ILIKE ${params.add(`%${escapeLike(filter.name)}%`)}`);
    conditions.push(...whereFromQuery(filter.query, LABEL_FIELDS, params));
    const where = whereClause(conditions);
    const count = await this.sql.one<{ n: number }>(`SELECT count(*)::int AS n FROM harbor_label l ${where}`, [...params.values]);
    const order = orderBy(filter.sort, LABEL_FIELDS, 'l.id', 'l.id');
    const rows = await this.sql.query<LabelRecord>(
      `SELECT ${COLUMNS} FROM harbor_label l ${where} ORDER BY ${order} LIMIT ${params.add(filter.paging.pageSize)} OFFSET ${params.add(filter.paging.offset)}`,
      params.values,
    );
    return { total: count?.n ?? 0, rows };
  }

  async byId(id: number, runner: SqlRunner = this.sql): Promise<LabelWithProject | undefined> {
    const row = await runner.one<LabelRecord & { project_name: string | null; project_public: boolean | null }>(
      `SELECT ${COLUMNS}, p.name AS project_name, p.public AS project_public
         FROM harbor_label l LEFT JOIN project p ON p.id = l.project_id WHERE l.id = $1`,
      [id],
    );
    if (!row) return undefined;
    const { project_name, project_public, ...label } = row;
    const project = label.project_id !== null && project_name !== null ? { id: label.project_id, name: project_name, public: project_public === true } : null;
    return { ...label, project };
  }

  /** Adds a label; undefined when its scope (and project) already has one of that name. */
  async insert(label: { name: string; description: string; color: string; scope: LabelScope; projectId: number | null }): Promise<number | undefined> {
    const row = await this.sql.one<{ id: number }>(
      `INSERT INTO harbor_label (name, description, color, scope, project_id) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT ON CONSTRAINT ${LABEL_NAME_CONSTRAINT} DO NOTHING RETURNING id`,
      [label.name, label.description, label.color, label.scope, label.projectId],
    );
    return row?.id;
  }

  /** Changes name, description and colour; throws the unique violation when the name is taken. */
  async update(id: number, change: { name: string; description: string; color: string }): Promise<boolean> {
    const rows = await this.sql.query('UPDATE harbor_label SET name = $2, description = $3, color = $4, update_time = now() WHERE id = $1 RETURNING id', [
      id,
      change.name,
      change.description,
      change.color,
    ]);
    return rows.length > 0;
  }

  /** Deletes the label; its attachments go with it (foreign key). */
  async delete(id: number): Promise<boolean> {
    return (await this.sql.query('DELETE FROM harbor_label WHERE id = $1 RETURNING id', [id])).length > 0;
  }

  /** The labels of the artifacts, in label id order. */
  ofArtifacts(artifactIds: string[]): Promise<AttachedLabel[]> {
    if (artifactIds.length === 0) return Promise.resolve([]);
    return this.sql.query<AttachedLabel>(
      `SELECT r.artifact_id, ${COLUMNS} FROM label_reference r JOIN harbor_label l ON l.id = r.label_id
        WHERE r.artifact_id = ANY($1::bigint[]) ORDER BY r.artifact_id, l.id`,
      [artifactIds],
    );
  }

  /**
   * Attaches the label; 'exists' when the artifact carries it already, 'gone' when the label or
   * the artifact was deleted meanwhile.
   */
  async attach(labelId: number, artifactId: string): Promise<'attached' | 'exists' | 'gone'> {
    let row: { label_id: number } | undefined;
    try {
      row = await this.sql.one<{ label_id: number }>(
        `INSERT INTO label_reference (label_id, artifact_id)
         SELECT l.id, a.id FROM harbor_label l, artifact a WHERE l.id = $1 AND a.id = $2
         ON CONFLICT DO NOTHING RETURNING label_id`,
        [labelId, artifactId],
      );
    } catch (err) {
      // Deleted between this statement's snapshot and its foreign key check.
      if (isForeignKeyViolation(err)) return 'gone';
      throw err;
    }
    if (row) return 'attached';
    const exists = await this.sql.one('SELECT 1 FROM label_reference WHERE label_id = $1 AND artifact_id = $2', [labelId, artifactId]);
    return exists ? 'exists' : 'gone';
  }

  async detach(labelId: number, artifactId: string): Promise<boolean> {
    return (await this.sql.query('DELETE FROM label_reference WHERE label_id = $1 AND artifact_id = $2 RETURNING label_id', [labelId, artifactId])).length > 0;
  }
}
