import { Inject, Injectable } from '@nestjs/common';
import type { ProjectRole } from '@wharf/auth';
import type { Sql, SqlRunner } from '@wharf/db';
import { SqlParams } from '../http/list-query';
import type { Paging } from '../http/paging';
import { SQL } from '../infra/tokens';

export interface MemberRecord {
  id: number;
  project_id: number;
  role: ProjectRole;
  user_id: number | null;
  group_id: number | null;
  entity_name: string;
}

const SELECT = `SELECT m.id, m.project_id, m.role, m.user_id, m.group_id, COALESCE(u.username, g.group_name, '') AS entity_name
                  FROM project_member m
                  LEFT JOIN app_user u ON u.id = m.user_id
                  LEFT JOIN user_group g ON g.id = m.group_id`;

/** Rows of `project_member` with the names of the users and groups they stand for. */
@Injectable()
export class MemberRepository {
  constructor(@Inject(SQL) private readonly sql: Sql) {}

  async list(projectId: number, entityName: string | undefined, paging: Paging): Promise<{ total: number; rows: MemberRecord[] }> {
    const params = new SqlParams();
    const conditions = [`m.project_id = ${params.add(projectId)}`];
    if (entityName) conditions.push(`COALESCE(u.username, g.group_name, '') ILIKE ${params.add(`%${entityName.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)}`);
    const from = `FROM project_member m LEFT JOIN app_user u ON u.id = m.user_id LEFT JOIN user_group g ON g.id = m.group_id WHERE ${conditions.join(' AND ')}`;
    const count = await this.sql.one<{ n: number }>(`SELECT count(*)::int AS n ${from}`, [...params.values]);
    const rows = await this.sql.query<MemberRecord>(
      `SELECT m.id, m.project_id, m.role, m.user_id, m.group_id, COALESCE(u.username, g.group_name, '') AS entity_name
       ${from} ORDER BY m.id LIMIT ${params.add(paging.pageSize)} OFFSET ${params.add(paging.offset)}`,
      params.values,
    );
    return { total: count?.n ?? 0, rows };
  }

  byId(projectId: number, memberId: number, runner: SqlRunner = this.sql): Promise<MemberRecord | undefined> {
    return runner.one<MemberRecord>(`${SELECT} WHERE m.project_id = $1 AND m.id = $2`, [projectId, memberId]);
  }

  /** Adds a member unless the user (or group) already is one; undefined when it is. */
  async insert(runner: SqlRunner, member: { projectId: number; userId?: number; groupId?: number; role: ProjectRole }): Promise<number | undefined> {
    const row = await runner.one<{ id: number }>(
      `INSERT INTO project_member (project_id, user_id, group_id, role) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING id`,
      [member.projectId, member.userId ?? null, member.groupId ?? null, member.role],
    );
    return row?.id;
  }

  async updateRole(runner: SqlRunner, projectId: number, memberId: number, role: ProjectRole): Promise<boolean> {
    const rows = await runner.query('UPDATE project_member SET role = $3, updated_at = now() WHERE project_id = $1 AND id = $2 RETURNING id', [projectId, memberId, role]);
    return rows.length > 0;
  }

  async delete(runner: SqlRunner, projectId: number, memberId: number): Promise<boolean> {
    const rows = await runner.query('DELETE FROM project_member WHERE project_id = $1 AND id = $2 RETURNING id', [projectId, memberId]);
    return rows.length > 0;
  }
}
