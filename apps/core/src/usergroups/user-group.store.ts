import { Inject, Injectable } from '@nestjs/common';
import type { Sql, SqlRunner } from '@wharf/db';
import type { Paging } from '../http/paging';
import { SQL } from '../infra/tokens';
import type { UserGroupRow } from './user-group-view';

const COLUMNS = 'id, group_name, group_type, ldap_dn';

/** `%value%` for ILIKE, with the pattern characters of `value` taken literally. */
function contains(value: string): string {
  return `%${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export interface UserGroupFilter {
  /** Part of the name, any case. */
  nameContains?: string;
  groupType?: number;
  /** The whole DN, any case. */
  ldapDn?: string;
}

export interface NewUserGroup {
  name: string;
  type: number;
  ldapDn: string | null;
}

/** Rows of `user_group`; memberships (project_member, user_group_member) go with a group by cascade. */
@Injectable()
export class UserGroupStore {
  constructor(@Inject(SQL) private readonly sql: Sql) {}

  get(id: number): Promise<UserGroupRow | undefined> {
    return this.sql.one<UserGroupRow>(`SELECT ${COLUMNS} FROM user_group WHERE id = $1`, [id]);
  }

  async list(filter: UserGroupFilter, paging: Paging): Promise<{ total: number; rows: UserGroupRow[] }> {
    const conditions: string[] = [];
    const values: unknown[] = [];
    if (filter.nameContains) {
      values.push(contains(filter.nameContains));
      conditions.push(`group_name ILIKE $${values.length}`);
    }
    if (filter.groupType !== undefined) {
      values.push(filter.groupType);
      conditions.push(`group_type = $${values.length}`);
    }
    if (filter.ldapDn !== undefined) {
      values.push(filter.ldapDn);
      conditions.push(`lower(ldap_dn) = lower($${values.length})`);
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const total = (await this.sql.one<{ n: number }>(`SELECT count(*)::int AS n FROM user_group ${where}`, values))?.n ?? 0;
    if (total === 0) return { total, rows: [] };
    const rows = await this.sql.query<UserGroupRow>(`SELECT ${COLUMNS} FROM user_group ${where} ORDER BY id LIMIT ${paging.pageSize} OFFSET ${paging.offset}`, values);
    return { total, rows };
  }

  /** Groups whose name contains `name`, the closest matches (shortest names) first, as Harbor orders them. */
  async search(name: string, paging: Paging): Promise<{ total: number; rows: UserGroupRow[] }> {
    const pattern = contains(name);
    const total = (await this.sql.one<{ n: number }>('SELECT count(*)::int AS n FROM user_group WHERE group_name ILIKE $1', [pattern]))?.n ?? 0;
    if (total === 0) return { total, rows: [] };
    const rows = await this.sql.query<UserGroupRow>(
      `SELECT ${COLUMNS} FROM user_group WHERE group_name ILIKE $1 ORDER BY length(group_name), group_name, id LIMIT ${paging.pageSize} OFFSET ${paging.offset}`,
      [pattern],
    );
    return { total, rows };
  }

  /**
   * Serializes group creations, so that the duplicate checks, which no unique index covers for
   * LDAP groups' names, hold until the insert commits.
   */
  async lockForCreate(tx: SqlRunner): Promise<void> {
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('user_group create'))");
  }

  /** Harbor's duplicate rule: the name is taken by a group of the same type, or by an HTTP group. */
  async nameTaken(tx: SqlRunner, name: string, type: number): Promise<'same-type' | 'http' | undefined> {
    const row = await tx.one<{ same: boolean }>('SELECT bool_or(group_type = $2) AS same FROM user_group WHERE group_name = $1 AND group_type IN ($2, 2) HAVING count(*) > 0', [name, type]);
    if (!row) return undefined;
    return row.same ? 'same-type' : 'http';
  }

  async insert(tx: SqlRunner, group: NewUserGroup): Promise<number> {
    const row = await tx.one<{ id: number }>('INSERT INTO user_group (group_name, group_type, ldap_dn) VALUES ($1, $2, $3) RETURNING id', [group.name, group.type, group.ldapDn]);
    if (!row) throw new Error('insert into user_group returned no row');
    return row.id;
  }

  /** False when there is no such group. */
  async rename(id: number, name: string): Promise<boolean> {
    const rows = await this.sql.query('UPDATE user_group SET group_name = $2, updated_at = now() WHERE id = $1 RETURNING id', [id, name]);
    return rows.length > 0;
  }

  /** Removes the group with its project memberships and user links; false when there was none. */
  async delete(id: number): Promise<boolean> {
    const rows = await this.sql.query('DELETE FROM user_group WHERE id = $1 RETURNING id', [id]);
    return rows.length > 0;
  }
}
