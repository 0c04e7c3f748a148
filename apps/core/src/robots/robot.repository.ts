import { Inject, Injectable } from '@nestjs/common';
import type { RobotPermission } from '@wharf/auth';
import type { Sql, SqlRunner } from '@wharf/db';
import { FieldSpecs, orderBy, SqlParams, whereClause, whereFromQuery } from '../http/list-query';
import type { Paging } from '../http/paging';
import type { ParsedQuery, SortKey } from '../http/query';
import { SQL } from '../infra/tokens';
import type { RobotLevel } from './robot-permissions';

export interface RobotRecord {
  id: number;
  /** The stored name: without prefix and project. */
  name: string;
  description: string;
  level: RobotLevel;
  project_id: number | null;
  project_name: string | null;
  project_public: boolean | null;
  duration: number;
  expires_at: Date | null;
  disabled: boolean;
  permissions: RobotPermission[];
  creator: string;
  creator_type: 'local' | 'robot';
  creator_ref: number;
  created_at: Date;
  updated_at: Date;
}

/** The name as lists show and filter it: `project+name` for project robots (Harbor stores it so). */
const DISPLAY_NAME = `(CASE WHEN r.project_id IS NULL THEN r.name ELSE p.name || '+' || r.name END)`;

/** The fields `q` and `sort` of GET /robots may name (Level and ProjectID are read separately). */
export const ROBOT_FIELDS: FieldSpecs = {
  id: { column: 'r.id', type: 'int' },
  name: { column: DISPLAY_NAME, type: 'text' },
  description: { column: 'r.description', type: 'text' },
  disable: { column: 'r.disabled', type: 'bool' },
  duration: { column: 'r.duration', type: 'int' },
  creation_time: { column: 'r.created_at', type: 'time' },
  update_time: { column: 'r.updated_at', type: 'time' },
};

const SELECT = `SELECT r.id, r.name, r.description, r.level, r.project_id, p.name AS project_name, p.public AS project_public, r.duration, r.expires_at,
                       r.disabled, r.permissions, r.creator, r.creator_type, r.creator_ref, r.created_at, r.updated_at
                  FROM robot r LEFT JOIN project p ON p.id = r.project_id`;

// -1 is "never": no expiry time. Otherwise the lifetime counts from `from` (creation), as Harbor.
const EXPIRES = (days: string, from: string) => `CASE WHEN ${days}::int = -1 THEN NULL ELSE ${from} + make_interval(days => ${days}::int) END`;

export interface NewRobot {
  name: string;
  description: string;
  level: RobotLevel;
  projectId: number | null;
  secretHash: string;
  duration: number;
  disabled: boolean;
  permissions: RobotPermission[];
  creator: string;
  creatorType: 'local' | 'robot';
  creatorRef: number;
}

export interface RobotChanges {
  description: string;
  disabled: boolean;
  /** A new lifetime in days, counted from the robot's creation; undefined keeps the current one. */
  duration?: number;
  permissions: RobotPermission[];
}

/** Rows of `robot`. */
@Injectable()
export class RobotRepository {
  constructor(@Inject(SQL) private readonly sql: Sql) {}

  byId(id: number, runner: SqlRunner = this.sql): Promise<RobotRecord | undefined> {
    return runner.one<RobotRecord>(`${SELECT} WHERE r.id = $1`, [id]);
  }

  /** `projectId` null lists system robots. */
  async list(projectId: number | null, query: ParsedQuery, sort: SortKey[], paging: Paging): Promise<{ total: number; rows: RobotRecord[] }> {
    const params = new SqlParams();
    const conditions = whereFromQuery(query, ROBOT_FIELDS, params);
    conditions.push(projectId === null ? 'r.project_id IS NULL' : `r.project_id = ${params.add(projectId)}`);
    const where = whereClause(conditions);
    const order = orderBy(sort, ROBOT_FIELDS, 'r.created_at DESC', 'r.id DESC');
    const count = await this.sql.one<{ n: string }>(`SELECT count(*) AS n FROM robot r LEFT JOIN project p ON p.id = r.project_id ${where}`, [...params.values]);
    const rows = await this.sql.query<RobotRecord>(
      `${SELECT} ${where} ORDER BY ${order} LIMIT ${params.add(paging.pageSize)} OFFSET ${params.add(paging.offset)}`,
      params.values,
    );
    return { total: Number(count?.n ?? 0), rows };
  }

  /** Inserts unless the name is taken (per project, or among system robots); undefined when it is. */
  async insert(runner: SqlRunner, robot: NewRobot): Promise<number | undefined> {
    const row = await runner.one<{ id: number }>(
      `INSERT INTO robot (name, description, level, project_id, secret_hash, duration, expires_at, disabled, permissions,
                          creator, creator_type, creator_ref)
       VALUES ($1, $2, $3, $4, $5, $6, ${EXPIRES('$6', 'now()')}, $7, $8::jsonb, $9, $10, $11)
       ON CONFLICT DO NOTHING RETURNING id`,
      [
        robot.name,
        robot.description,
        robot.level,
        robot.projectId,
        robot.secretHash,
        robot.duration,
        robot.disabled,
        JSON.stringify(robot.permissions),
        robot.creator,
        robot.creatorType,
        robot.creatorRef,
      ],
    );
    return row?.id;
  }

  async update(runner: SqlRunner, id: number, changes: RobotChanges): Promise<boolean> {
    const rows = await runner.query(
      `UPDATE robot SET description = $2, disabled = $3, permissions = $4::jsonb,
              duration = COALESCE($5::int, duration),
              expires_at = CASE WHEN $5::int IS NULL THEN expires_at ELSE ${EXPIRES('$5', 'created_at')} END,
              updated_at = now()
        WHERE id = $1 RETURNING id`,
      [id, changes.description, changes.disabled, JSON.stringify(changes.permissions), changes.duration ?? null],
    );
    return rows.length > 0;
  }

  async setSecret(runner: SqlRunner, id: number, secretHash: string): Promise<boolean> {
    return (await runner.query('UPDATE robot SET secret_hash = $2, updated_at = now() WHERE id = $1 RETURNING id', [id, secretHash])).length > 0;
  }

  async delete(runner: SqlRunner, id: number): Promise<boolean> {
    return (await runner.query('DELETE FROM robot WHERE id = $1 RETURNING id', [id])).length > 0;
  }

  projectById(id: number): Promise<{ id: number; name: string; public: boolean } | undefined> {
    return this.sql.one('SELECT id, name, public FROM project WHERE id = $1', [id]);
  }

  /** Which of `names` are existing projects, with their ids and visibility. */
  projects(names: string[], runner: SqlRunner = this.sql): Promise<{ id: number; name: string; public: boolean }[]> {
    return runner.query('SELECT id, name, public FROM project WHERE name = ANY($1::text[])', [names]);
  }
}
