import { Inject, Injectable } from '@nestjs/common';
import type { Sql, SqlRunner } from '@wharf/db';
import { FieldSpecs, orderBy, SqlParams, whereClause, whereFromQuery } from '../http/list-query';
import type { Paging } from '../http/paging';
import type { ParsedQuery, SortKey } from '../http/query';
import { SQL } from '../infra/tokens';

export interface UserRecord {
  id: number;
  username: string;
  email: string | null;
  realname: string;
  comment: string;
  sysadmin: boolean;
  auth_source: string;
  password_hash: string | null;
  created_at: Date;
  updated_at: Date;
}

/** The fields `q` and `sort` of GET /users may name. */
export const USER_FIELDS: FieldSpecs = {
  user_id: { column: 'u.id', type: 'int' },
  username: { column: 'u.username', type: 'text', ignoreCase: true },
  email: { column: 'u.email', type: 'text', ignoreCase: true },
  realname: { column: 'u.realname', type: 'text' },
  sysadmin_flag: { column: 'u.sysadmin', type: 'bool' },
  creation_time: { column: 'u.created_at', type: 'time' },
  update_time: { column: 'u.updated_at', type: 'time' },
};

const COLUMNS = 'u.id, u.username, u.email, u.realname, u.comment, u.sysadmin, u.auth_source, u.password_hash, u.created_at, u.updated_at';

/** Rows of `app_user`. */
@Injectable()
export class UserRepository {
  constructor(@Inject(SQL) private readonly sql: Sql) {}

  byId(id: number, runner: SqlRunner = this.sql): Promise<UserRecord | undefined> {
    return runner.one<UserRecord>(`SELECT ${COLUMNS} FROM app_user u WHERE u.id = $1`, [id], 'core_user_by_id');
  }

  byName(username: string, runner: SqlRunner = this.sql): Promise<UserRecord | undefined> {
    return runner.one<UserRecord>(`SELECT ${COLUMNS} FROM app_user u WHERE lower(u.username) = lower($1)`, [username], 'core_user_by_name');
  }

  /** Users matching `q` plus extra fuzzy matches (`username`, `email` parameters), one page. */
  async list(query: ParsedQuery, fuzzy: Partial<Record<'username' | 'email', string>>, sort: SortKey[], paging: Paging): Promise<{ total: number; rows: UserRecord[] }> {
    const params = new SqlParams();
    const conditions = whereFromQuery(query, USER_FIELDS, params);
    for (const [key, value] of Object.entries(fuzzy)) {
      if (value) conditions.push(`${USER_FIELDS[key].column} ILIKE ${params.add(`%${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)}`);
    }
    const where = whereClause(conditions);
    const count = await this.sql.one<{ n: string }>(`SELECT count(*) AS n FROM app_user u ${where}`, params.values);
    const order = orderBy(sort, USER_FIELDS, 'u.id ASC', 'u.id ASC');
    const rows = await this.sql.query<UserRecord>(
      `SELECT ${COLUMNS} FROM app_user u ${where} ORDER BY ${order} LIMIT ${params.add(paging.pageSize)} OFFSET ${params.add(paging.offset)}`,
      params.values,
    );
    return { total: Number(count?.n ?? 0), rows };
  }

  async insert(
    runner: SqlRunner,
    user: { username: string; email: string; realname: string; comment: string; passwordHash: string; sysadmin?: boolean },
  ): Promise<number> {
    const row = await runner.one<{ id: number }>(
      `INSERT INTO app_user (username, email, realname, comment, password_hash, sysadmin, auth_source)
       VALUES ($1, $2, $3, $4, $5, $6, 'db') RETURNING id`,
      [user.username, user.email, user.realname, user.comment, user.passwordHash, user.sysadmin ?? false],
    );
    if (!row) throw new Error('failed to insert a user: no id returned');
    return row.id;
  }

  async updateProfile(runner: SqlRunner, id: number, profile: { email: string; realname: string; comment: string }): Promise<void> {
    await runner.query('UPDATE app_user SET email = $2, realname = $3, comment = $4, updated_at = now() WHERE id = $1', [
      id,
      profile.email,
      profile.realname,
      profile.comment,
    ]);
  }

  async updatePassword(runner: SqlRunner, id: number, passwordHash: string): Promise<void> {
    await runner.query('UPDATE app_user SET password_hash = $2, updated_at = now() WHERE id = $1', [id, passwordHash]);
  }

  async setSysadmin(runner: SqlRunner, id: number, sysadmin: boolean): Promise<void> {
    await runner.query('UPDATE app_user SET sysadmin = $2, updated_at = now() WHERE id = $1', [id, sysadmin]);
  }

  async delete(runner: SqlRunner, id: number): Promise<boolean> {
    const rows = await runner.query<{ id: number }>('DELETE FROM app_user WHERE id = $1 RETURNING id', [id]);
    return rows.length > 0;
  }
}
