import { AuthBackendUnavailableError, andFilter, equals, isUnderDn, LdapSettings, resolveLdapSettings, ResolvedLdapSettings } from '@wharf/identity';
import { Client, Entry, InvalidDNSyntaxError, NoSuchObjectError } from 'ldapts';
import { isWellFormedDn } from './dn-syntax';

/** A user entry as the LDAP API shows it. */
export interface DirectoryUser {
  dn: string;
  username: string;
  realname: string;
  email: string;
}

export interface DirectoryGroup {
  dn: string;
  name: string;
}

/** A group DN that the server cannot parse: the caller's mistake, not an outage. */
export class InvalidDnError extends Error {
  constructor(readonly dn: string) {
    super(`invalid DN syntax: ${dn}`);
    this.name = 'InvalidDnError';
  }
}

/** More entries than any listing needs; the server stops there instead of failing. */
export const SEARCH_LIMIT = 500;

function values(entry: Entry, attribute: string): string[] {
  const wanted = attribute.toLowerCase();
  for (const [name, value] of Object.entries(entry)) {
    if (name === 'dn' || name.toLowerCase() !== wanted) continue;
    const list = Array.isArray(value) ? value : [value];
    return list.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : v).trim()).filter((v) => v !== '');
  }
  return [];
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message || err.name : String(err);
}

/**
 * Reads an LDAP directory for the administrators' LDAP API: testing settings, finding users to
 * import and groups to make project members. Logging in is LdapAuthenticator's (@wharf/identity);
 * this uses the same settings, filters and escaping. Every call opens its own connection, binds as
 * the service account and closes; an unreachable or refusing server is AuthBackendUnavailableError.
 */
export class LdapDirectory {
  private readonly settings: ResolvedLdapSettings;

  /** Throws when the settings cannot work (see ldapSettingsProblem). */
  constructor(settings: LdapSettings) {
    this.settings = resolveLdapSettings(settings);
  }

  /** Connects, binds as the service account and reads the base DN; throws with the reason otherwise. */
  async ping(): Promise<void> {
    await this.session(async (client) => {
      try {
        await client.search(this.settings.baseDn, { scope: 'base', filter: '(objectClass=*)', attributes: ['1.1'] });
      } catch (err) {
        if (err instanceof NoSuchObjectError) throw new AuthBackendUnavailableError('ldap', `the base DN ${this.settings.baseDn} does not exist`);
        throw err;
      }
    });
  }

  /** Users whose login attribute is `username` (every user when it is empty), at most SEARCH_LIMIT. */
  searchUsers(username: string): Promise<DirectoryUser[]> {
    const s = this.settings;
    const byName = username === '' ? `(${s.uid}=*)` : equals(s.uid, username);
    return this.session(async (client) => {
      const entries = await this.search(client, s.baseDn, s.scope, andFilter(s.filter, byName), [s.uid, 'uid', 'cn', 'displayName', 'mail', 'email']);
      return entries.map((entry) => this.userOf(entry, username));
    });
  }

  /** The one user entry for a login name; undefined when there is none or more than one. */
  async findUser(username: string): Promise<DirectoryUser | undefined> {
    if (username.trim() === '') return undefined;
    const found = await this.searchUsers(username);
    return found.length === 1 ? found[0] : undefined;
  }

  /** Groups under the group base DN whose name attribute is `name`. */
  searchGroupsByName(name: string): Promise<DirectoryGroup[]> {
    const s = this.settings;
    return this.session(async (client) => {
      const entries = await this.search(client, s.groupBaseDn, s.groupScope, andFilter(s.groupFilter, equals(s.groupNameAttribute, name)), [s.groupNameAttribute]);
      return entries.map((entry) => this.groupOf(entry));
    });
  }

  /**
   * The group with this DN, if it exists, lies under the group base DN and matches the group
   * filter: only such groups are groups in Wharf's sense (logins find memberships the same way).
   */
  groupByDn(dn: string): Promise<DirectoryGroup | undefined> {
    const s = this.settings;
    if (!isWellFormedDn(dn)) return Promise.reject(new InvalidDnError(dn));
    if (!isUnderDn(dn, s.groupBaseDn)) return Promise.resolve(undefined);
    return this.session(async (client) => {
      try {
        const found = await client.search(dn, { scope: 'base', filter: andFilter(s.groupFilter) || '(objectClass=*)', attributes: [s.groupNameAttribute] });
        return found.searchEntries.length === 1 ? this.groupOf(found.searchEntries[0]) : undefined;
      } catch (err) {
        if (err instanceof NoSuchObjectError) return undefined;
        if (err instanceof InvalidDNSyntaxError) throw new InvalidDnError(dn);
        throw err;
      }
    });
  }

  private userOf(entry: Entry, asked: string): DirectoryUser {
    const username = values(entry, this.settings.uid)[0] ?? asked;
    return {
      dn: entry.dn,
      username,
      realname: values(entry, 'displayName')[0] ?? values(entry, 'cn')[0] ?? username,
      email: values(entry, 'mail')[0] ?? values(entry, 'email')[0] ?? '',
    };
  }

  private groupOf(entry: Entry): DirectoryGroup {
    return { dn: entry.dn, name: values(entry, this.settings.groupNameAttribute)[0] ?? entry.dn };
  }

  private async search(client: Client, base: string, scope: 'base' | 'one' | 'sub', filter: string, attributes: string[]): Promise<Entry[]> {
    return (await client.search(base, { scope, filter: filter || '(objectClass=*)', attributes, sizeLimit: SEARCH_LIMIT })).searchEntries;
  }

  /** One connection, bound as the service account, for `fn`; failures other than ours become outages. */
  private async session<T>(fn: (client: Client) => Promise<T>): Promise<T> {
    const { url, timeoutMs, verifyCert, searchDn, searchPassword } = this.settings;
    // ldapts speaks TLS whenever tlsOptions are given, so only ldaps:// URLs get them.
    const tlsOptions = /^ldaps:/i.test(url) ? { rejectUnauthorized: verifyCert } : undefined;
    const client = new Client({ url, timeout: timeoutMs, connectTimeout: timeoutMs, tlsOptions });
    try {
      if (searchDn) {
        try {
          await client.bind(searchDn, searchPassword);
        } catch (err) {
          throw new AuthBackendUnavailableError('ldap', `failed to bind with the search DN: ${reason(err)}`, { cause: err });
        }
      }
      return await fn(client);
    } catch (err) {
      if (err instanceof AuthBackendUnavailableError || err instanceof InvalidDnError) throw err;
      throw new AuthBackendUnavailableError('ldap', `failed to search the directory: ${reason(err)}`, { cause: err });
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }
}
