import { Inject, Injectable } from '@nestjs/common';
import type { Sql, SqlRunner } from '@wharf/db';
import { SQL } from '../infra/tokens';
import { filterGroups, type OidcUserInfo } from './oidc-claims';

/** A row of `oidc_user` (migration 0025) with its user's name; `secret` and `token` are sealed. */
export interface OidcUserRow {
  id: number;
  user_id: number;
  username: string;
  sysadmin: boolean;
  subject: string;
  issuer: string;
  secret: string;
  token: string;
  created_at: Date;
  updated_at: Date;
}

/** Harbor's user_group.group_type of OIDC groups. */
export const OIDC_GROUP_TYPE = 3;

/** Harbor's comment on accounts the OIDC login created. */
const ONBOARDED_COMMENT = 'Onboarded via OIDC provider';

const COLUMNS = 'o.id, o.user_id, u.username, u.sysadmin, o.subject, o.issuer, o.secret, o.token, o.created_at, o.updated_at';

/** Who a user is at the provider, and what of the provider they bring (groups, the admin group). */
export interface OidcMembership {
  info: OidcUserInfo;
  groupFilter: string;
  /** Whether an admin group is configured: only then does the provider decide the admin flag. */
  adminGroupConfigured: boolean;
}

/** The OIDC side of user accounts: `oidc_user` rows and OIDC user groups. */
@Injectable()
export class OidcUserStore {
  constructor(@Inject(SQL) private readonly sql: Sql) {}

  bySubjectAndIssuer(subject: string, issuer: string): Promise<OidcUserRow | undefined> {
    return this.sql.one<OidcUserRow>(`SELECT ${COLUMNS} FROM oidc_user o JOIN app_user u ON u.id = o.user_id WHERE o.subject = $1 AND o.issuer = $2`, [subject, issuer], 'oidc_user_by_subiss');
  }

  byUsername(username: string): Promise<OidcUserRow | undefined> {
    return this.sql.one<OidcUserRow>(`SELECT ${COLUMNS} FROM oidc_user o JOIN app_user u ON u.id = o.user_id WHERE lower(u.username) = lower($1)`, [username], 'oidc_user_by_name');
  }

  byUserId(userId: number): Promise<OidcUserRow | undefined> {
    return this.sql.one<OidcUserRow>(`SELECT ${COLUMNS} FROM oidc_user o JOIN app_user u ON u.id = o.user_id WHERE o.user_id = $1`, [userId], 'oidc_user_by_user');
  }

  /**
   * Creates the account of a user the provider vouched for, with their OIDC record and groups, in
   * one transaction; returns the user's id. A taken name is the unique index's refusal (the
   * caller answers 409); another account's e-mail address is left out rather than refused.
   */
  async onboard(username: string, membership: OidcMembership, sealed: { secret: string; token: string }): Promise<number> {
    const { info } = membership;
    return this.sql.transaction(async (tx) => {
      const taken = info.email ? await tx.one('SELECT 1 AS taken FROM app_user WHERE lower(email) = lower($1)', [info.email]) : undefined;
      const user = await tx.one<{ id: number }>(
        `INSERT INTO app_user (username, email, realname, comment, auth_source, password_hash, sysadmin)
         VALUES ($1, $2, $1, $3, 'oidc', NULL, $4) RETURNING id`,
        [username, taken || !info.email ? null : info.email, ONBOARDED_COMMENT, membership.adminGroupConfigured && info.adminGroupMember],
      );
      if (!user) throw new Error('the user row was not created');
      await tx.query('INSERT INTO oidc_user (user_id, subject, issuer, secret, token) VALUES ($1, $2, $3, $4, $5)', [user.id, info.subject, info.issuer, sealed.secret, sealed.token]);
      await this.replaceGroups(tx, user.id, membership);
      return user.id;
    });
  }

  async updateToken(userId: number, sealedToken: string): Promise<void> {
    await this.sql.query('UPDATE oidc_user SET token = $2, updated_at = now() WHERE user_id = $1', [userId, sealedToken], 'oidc_user_token');
  }

  /** False when the user has no OIDC record. */
  async updateSecret(userId: number, sealedSecret: string): Promise<boolean> {
    const rows = await this.sql.query<{ id: number }>('UPDATE oidc_user SET secret = $2, updated_at = now() WHERE user_id = $1 RETURNING id', [userId, sealedSecret], 'oidc_user_secret');
    return rows.length > 0;
  }

  /**
   * Brings the user's OIDC group memberships (and, with an admin group configured, their admin
   * flag) to what the provider says now. Claims without the groups claim leave both alone. Writes
   * only when something changed: this runs for every request a bearer ID token or CLI secret makes.
   */
  async syncGroups(userId: number, membership: OidcMembership): Promise<void> {
    if (!membership.info.hasGroupClaim) return;
    const wanted = new Set(filterGroups(membership.info.groups, membership.groupFilter));
    const now = await this.sql.query<{ group_name: string; sysadmin: boolean }>(
      `SELECT g.group_name, u.sysadmin FROM app_user u
         LEFT JOIN user_group_member m ON m.user_id = u.id
         LEFT JOIN user_group g ON g.id = m.group_id AND g.group_type = ${OIDC_GROUP_TYPE}
        WHERE u.id = $1`,
      [userId],
      'oidc_user_groups',
    );
    const current = new Set(now.map((row) => row.group_name).filter((name): name is string => name !== null));
    const sysadmin = now[0]?.sysadmin ?? false;
    const sameGroups = current.size === wanted.size && [...wanted].every((name) => current.has(name));
    const sameAdmin = !membership.adminGroupConfigured || sysadmin === membership.info.adminGroupMember;
    if (sameGroups && sameAdmin) return;
    await this.sql.transaction((tx) => this.replaceGroups(tx, userId, membership));
  }

  private async replaceGroups(tx: SqlRunner, userId: number, membership: OidcMembership): Promise<void> {
    if (membership.adminGroupConfigured) {
      await tx.query('UPDATE app_user SET sysadmin = $2, updated_at = now() WHERE id = $1 AND sysadmin <> $2', [userId, membership.info.adminGroupMember]);
    }
    if (!membership.info.hasGroupClaim) return;
    const names = [...new Set(filterGroups(membership.info.groups, membership.groupFilter))];
    const groupIds: number[] = [];
    for (const name of names) {
      // Harbor's Populate: a group known by name is reused (administrators may have added it first).
      const row = await tx.one<{ id: number }>(
        `INSERT INTO user_group (group_name, group_type) VALUES ($1, ${OIDC_GROUP_TYPE})
         ON CONFLICT (group_type, group_name) WHERE ldap_dn IS NULL DO UPDATE SET updated_at = user_group.updated_at
         RETURNING id`,
        [name],
      );
      if (row) groupIds.push(row.id);
    }
    await tx.query(
      `DELETE FROM user_group_member m USING user_group g
        WHERE m.group_id = g.id AND g.group_type = ${OIDC_GROUP_TYPE} AND m.user_id = $1 AND NOT (m.group_id = ANY($2::int[]))`,
      [userId, groupIds],
    );
    await tx.query('INSERT INTO user_group_member (group_id, user_id) SELECT unnest($2::int[]), $1 ON CONFLICT DO NOTHING', [userId, groupIds]);
  }
}
