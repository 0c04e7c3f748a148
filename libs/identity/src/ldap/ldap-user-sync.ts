import type { SqlRunner } from '@wharf/db';
import type { UserRow } from '../identity.store';

/** What the directory said about a user at login. */
export interface LdapUserRecord {
  username: string;
  email: string | null;
  realname: string;
  dn: string;
  groups: ReadonlyArray<{ dn: string; name: string }>;
  /** From the admin group; undefined when none is configured (the stored flag is kept). */
  sysadmin: boolean | undefined;
}

/** The part of `Sql` this needs: one transaction. */
export interface TransactionRunner {
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>;
}

// Harbor's user_group.group_type for LDAP groups.
const LDAP_GROUP = 1;

/**
 * Creates or refreshes the local row of an LDAP user and replaces their LDAP group memberships
 * with what the directory says now, in one transaction. Returns undefined when the name belongs
 * to a local (db) or OIDC user: a directory entry never takes over such an account.
 */
export async function syncLdapUser(sql: TransactionRunner, user: LdapUserRecord): Promise<UserRow | undefined> {
  return sql.transaction(async (tx) => {
    // E-mail addresses are unique; another account's address is not copied (the login would fail
    // on the unique index otherwise), the user keeps an empty one.
    const taken = user.email
      ? await tx.one('SELECT 1 AS taken FROM app_user WHERE lower(email) = lower($1) AND lower(username) <> lower($2)', [user.email, user.username])
      : undefined;
    const row = await tx.one<UserRow>(
      `INSERT INTO app_user (username, email, realname, auth_source, external_dn, password_hash, sysadmin)
       VALUES ($1, $2, $3, 'ldap', $4, NULL, COALESCE($5::boolean, false))
       ON CONFLICT ((lower(username))) DO UPDATE
          SET email = EXCLUDED.email, realname = EXCLUDED.realname, external_dn = EXCLUDED.external_dn,
              sysadmin = COALESCE($5::boolean, app_user.sysadmin), updated_at = now()
        WHERE app_user.auth_source = 'ldap'
       RETURNING id, username, sysadmin, password_hash, auth_source`,
      [user.username, taken ? null : user.email, user.realname, user.dn, user.sysadmin ?? null],
    );
    if (!row) return undefined;

    const groupIds: number[] = [];
    for (const group of user.groups) {
      // A group known by its DN keeps its name: administrators may have renamed it (Harbor does the same).
      const saved = await tx.one<{ id: number }>(
        `INSERT INTO user_group (group_name, group_type, ldap_dn) VALUES ($1, ${LDAP_GROUP}, $2)
         ON CONFLICT ((lower(ldap_dn))) WHERE ldap_dn IS NOT NULL DO UPDATE SET updated_at = now()
         RETURNING id`,
        [group.name, group.dn],
      );
      if (saved && !groupIds.includes(saved.id)) groupIds.push(saved.id);
    }
    await tx.query(
      `DELETE FROM user_group_member m USING user_group g
        WHERE m.group_id = g.id AND g.group_type = ${LDAP_GROUP} AND m.user_id = $1 AND NOT (m.group_id = ANY($2::int[]))`,
      [row.id, groupIds],
    );
    await tx.query('INSERT INTO user_group_member (group_id, user_id) SELECT unnest($2::int[]), $1 ON CONFLICT DO NOTHING', [row.id, groupIds]);
    return row;
  });
}
