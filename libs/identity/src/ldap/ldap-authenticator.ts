import {
  Client,
  Entry,
  InappropriateAuthError,
  InsufficientAccessError,
  InvalidCredentialsError,
  NoSuchObjectError,
  UnwillingToPerformError,
} from 'ldapts';
import { AuthBackendUnavailableError } from '../auth-backend-error';
import type { ExternalAuthenticator, UserRow } from '../identity.store';
import { andFilter, canonicalDn, equals, isUnderDn } from './ldap-filter';
import { LdapSettings, resolveLdapSettings, ResolvedLdapSettings } from './ldap-settings';
import { syncLdapUser, TransactionRunner } from './ldap-user-sync';

/** A directory entry reduced to what login needs. */
interface FoundUser {
  dn: string;
  username: string;
  email: string | null;
  realname: string;
  memberOf: string[];
}

/** All values of an attribute as strings; servers spell attribute names their own way. */
function values(entry: Entry, attribute: string): string[] {
  const wanted = attribute.toLowerCase();
  for (const [name, value] of Object.entries(entry)) {
    if (name.toLowerCase() !== wanted || name === 'dn') continue;
    const list = Array.isArray(value) ? value : [value];
    return list.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : v).trim()).filter((v) => v !== '');
  }
  return [];
}

/** Bind failures that mean "these credentials are not accepted", as opposed to an outage. */
function isCredentialRefusal(err: unknown): boolean {
  return (
    err instanceof InvalidCredentialsError ||
    err instanceof InappropriateAuthError ||
    err instanceof InsufficientAccessError ||
    err instanceof UnwillingToPerformError
  );
}

/**
 * Logs users in against an LDAP directory, the way Harbor's `ldap_auth` mode does: the service
 * account finds exactly one entry for the login name, a bind as that entry checks the password,
 * and the local user row and LDAP group memberships are refreshed from the directory.
 *
 * Wrong credentials resolve to undefined; a directory that cannot answer (unreachable, timing out,
 * refusing the service account, misconfigured base DN) rejects with AuthBackendUnavailableError.
 */
export class LdapAuthenticator implements ExternalAuthenticator {
  private readonly settings: ResolvedLdapSettings;

  constructor(
    private readonly sql: TransactionRunner,
    settings: LdapSettings,
  ) {
    this.settings = resolveLdapSettings(settings);
  }

  async authenticate(username: string, password: string): Promise<UserRow | undefined> {
    // An empty password would be an unauthenticated bind, which servers answer with success.
    if (typeof username !== 'string' || typeof password !== 'string') return undefined;
    if (password.length === 0 || username.trim().length === 0 || username.length > 255) return undefined;

    const client = this.client();
    try {
      await this.bindService(client);
      const user = await this.findUser(client, username);
      if (!user) return undefined;
      try {
        await client.bind(user.dn, password);
      } catch (err) {
        if (isCredentialRefusal(err)) return undefined;
        throw unavailable('failed to bind as the user', err);
      }
      // Groups are read with the service account's rights (when one is configured), not the user's.
      await this.bindService(client);
      const groups = await this.groupsOf(client, user);
      const sysadmin = await this.inAdminGroup(client, user, groups);
      return await syncLdapUser(this.sql, { username: user.username, email: user.email, realname: user.realname, dn: user.dn, groups, sysadmin });
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }

  private client(): Client {
    const { url, timeoutMs, verifyCert } = this.settings;
    // ldapts speaks TLS whenever tlsOptions are given, so only ldaps:// URLs get them.
    const tlsOptions = /^ldaps:/i.test(url) ? { rejectUnauthorized: verifyCert } : undefined;
    return new Client({ url, timeout: timeoutMs, connectTimeout: timeoutMs, tlsOptions });
  }

  private async bindService(client: Client): Promise<void> {
    if (!this.settings.searchDn) return;
    try {
      await client.bind(this.settings.searchDn, this.settings.searchPassword);
    } catch (err) {
      throw unavailable('failed to bind with the search DN', err);
    }
  }

  private async search(client: Client, base: string, scope: 'base' | 'one' | 'sub', filter: string, attributes: string[]): Promise<Entry[]> {
    try {
      return (await client.search(base, { scope, filter, attributes })).searchEntries;
    } catch (err) {
      throw unavailable(`failed to search ${base}`, err);
    }
  }

  /** The one entry for the login name; undefined when there is none or more than one. */
  private async findUser(client: Client, username: string): Promise<FoundUser | undefined> {
    const s = this.settings;
    const attributes = [...new Set([s.uid, 'uid', 'cn', 'mail', 'email', 'displayName', s.membershipAttribute])];
    const entries = await this.search(client, s.baseDn, s.scope, andFilter(s.filter, equals(s.uid, username)), attributes);
    if (entries.length !== 1) return undefined;
    const entry = entries[0];
    const cn = values(entry, 'cn')[0];
    return {
      dn: entry.dn,
      username: values(entry, s.uid)[0] ?? username.trim(),
      email: values(entry, 'mail')[0] ?? values(entry, 'email')[0] ?? null,
      realname: values(entry, 'displayName')[0] ?? cn ?? username.trim(),
      memberOf: values(entry, s.membershipAttribute),
    };
  }

  /**
   * The user's groups under the group base DN: those naming the user as `member` or
   * `uniqueMember` (reliable on every server), plus those in the user's membership attribute
   * (memberOf) that still match the group filter.
   */
  private async groupsOf(client: Client, user: FoundUser): Promise<Array<{ dn: string; name: string }>> {
    const s = this.settings;
    const byMember = await this.search(
      client,
      s.groupBaseDn,
      s.groupScope,
      andFilter(s.groupFilter, `(|${equals('member', user.dn)}${equals('uniqueMember', user.dn)})`),
      [s.groupNameAttribute],
    );
    const groups = new Map<string, { dn: string; name: string }>();
    const add = (entry: Entry) => groups.set(canonicalDn(entry.dn), { dn: entry.dn, name: values(entry, s.groupNameAttribute)[0] ?? entry.dn });
    byMember.forEach(add);
    for (const dn of user.memberOf) {
      if (groups.has(canonicalDn(dn)) || !isUnderDn(dn, s.groupBaseDn)) continue;
      try {
        const found = await client.search(dn, { scope: 'base', filter: andFilter(s.groupFilter) || '(objectClass=*)', attributes: [s.groupNameAttribute] });
        found.searchEntries.forEach(add);
      } catch (err) {
        // A stale memberOf value pointing at a deleted group is not an outage.
        if (!(err instanceof NoSuchObjectError)) throw unavailable(`failed to read group ${dn}`, err);
      }
    }
    return [...groups.values()];
  }

  /**
   * Membership of `ldap_group_admin_dn`; undefined when none is configured. The admin group may
   * lie outside the group base DN or fail the group filter, so it is asked about directly.
   */
  private async inAdminGroup(client: Client, user: FoundUser, groups: ReadonlyArray<{ dn: string }>): Promise<boolean | undefined> {
    const admin = this.settings.adminGroupDn;
    if (!admin) return undefined;
    const wanted = canonicalDn(admin);
    if (groups.some((g) => canonicalDn(g.dn) === wanted) || user.memberOf.some((dn) => canonicalDn(dn) === wanted)) return true;
    try {
      const found = await client.search(admin, { scope: 'base', filter: `(|${equals('member', user.dn)}${equals('uniqueMember', user.dn)})`, attributes: ['1.1'] });
      return found.searchEntries.length > 0;
    } catch (err) {
      if (err instanceof NoSuchObjectError) return false;
      throw unavailable(`failed to read the admin group ${admin}`, err);
    }
  }
}

function unavailable(what: string, err: unknown): AuthBackendUnavailableError {
  const reason = err instanceof Error ? err.message : String(err);
  return new AuthBackendUnavailableError('ldap', `${what}: ${reason}`, { cause: err });
}
