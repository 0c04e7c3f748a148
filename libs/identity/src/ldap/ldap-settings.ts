/**
 * LDAP settings under Harbor's configuration names (the `/configurations` API and harbor.yml use
 * the same keys), so that stored settings map onto this object one to one.
 */
export interface LdapSettings {
  /** `ldap://host[:port]`, `ldaps://host[:port]`, or a bare `host[:port]` (ldaps when the port is 636). */
  ldap_url: string;
  /** The service account that searches the directory; anonymous search when empty. */
  ldap_search_dn?: string;
  ldap_search_password?: string;
  ldap_base_dn: string;
  /** Extra condition for user entries, e.g. `(objectClass=person)`; parentheses optional. */
  ldap_filter?: string;
  /** The attribute holding the login name; Harbor's default is `cn`. */
  ldap_uid?: string;
  /** 0 base, 1 one level, 2 subtree (default). */
  ldap_scope?: 0 | 1 | 2;
  /** Seconds to wait for the server, for connecting and for each operation (default 5). */
  ldap_timeout?: number;
  /** Check the server certificate of ldaps:// connections (default true). */
  ldap_verify_cert?: boolean;
  /** Where groups live; the user base DN when empty. */
  ldap_group_base_dn?: string;
  /** Extra condition for group entries, e.g. `(objectClass=groupOfNames)`. */
  ldap_group_search_filter?: string;
  /** The attribute holding a group's name (default `cn`). */
  ldap_group_attribute_name?: string;
  /**
   * The user attribute listing the user's groups (default `memberof`). Used in addition to
   * searching groups by `member`/`uniqueMember`, since memberOf is only kept up to date by some
   * servers (OpenLDAP only for entries added while its overlay runs).
   */
  ldap_group_membership_attribute?: string;
  /** 0 base, 1 one level, 2 subtree (default) for the group search. */
  ldap_group_search_scope?: 0 | 1 | 2;
  /** Members of this group are system administrators. */
  ldap_group_admin_dn?: string;
}

export type LdapScope = 'base' | 'one' | 'sub';

/** The settings with Harbor's defaults applied and the URL in client form. */
export interface ResolvedLdapSettings {
  url: string;
  searchDn: string;
  searchPassword: string;
  baseDn: string;
  filter: string;
  uid: string;
  scope: LdapScope;
  timeoutMs: number;
  verifyCert: boolean;
  groupBaseDn: string;
  groupFilter: string;
  groupNameAttribute: string;
  membershipAttribute: string;
  groupScope: LdapScope;
  adminGroupDn: string;
}

const SCOPES: Readonly<Record<number, LdapScope>> = { 0: 'base', 1: 'one', 2: 'sub' };

/** Harbor also accepts a bare `host[:port]`; 636 means ldaps there as well. */
export function normalizeLdapUrl(url: string): string {
  const trimmed = url.trim();
  if (/^ldaps?:\/\//i.test(trimmed)) return trimmed.replace(/\/+$/, '');
  const port = /:(\d+)$/.exec(trimmed)?.[1];
  return `${port === '636' ? 'ldaps' : 'ldap'}://${trimmed}`;
}

/** Why the settings cannot work, or undefined when they can. */
export function ldapSettingsProblem(settings: LdapSettings): string | undefined {
  if (!settings.ldap_url?.trim()) return 'ldap_url is required';
  if (!/^(ldaps?:\/\/)?[^\s/:]+(:\d{1,5})?\/?$/i.test(settings.ldap_url.trim())) return 'ldap_url must be ldap[s]://host[:port]';
  if (!settings.ldap_base_dn?.trim()) return 'ldap_base_dn is required';
  for (const key of ['ldap_scope', 'ldap_group_search_scope'] as const) {
    const value = settings[key];
    if (value !== undefined && SCOPES[value] === undefined) return `${key} must be 0, 1 or 2`;
  }
  if (settings.ldap_timeout !== undefined && !(settings.ldap_timeout > 0)) return 'ldap_timeout must be a positive number of seconds';
  if (settings.ldap_uid !== undefined && !/^[A-Za-z][A-Za-z0-9-]*$/.test(settings.ldap_uid)) return 'ldap_uid must be an attribute name';
  return undefined;
}

export function resolveLdapSettings(settings: LdapSettings): ResolvedLdapSettings {
  const problem = ldapSettingsProblem(settings);
  if (problem) throw new Error(`invalid LDAP settings: ${problem}`);
  return {
    url: normalizeLdapUrl(settings.ldap_url),
    searchDn: settings.ldap_search_dn?.trim() ?? '',
    searchPassword: settings.ldap_search_password ?? '',
    baseDn: settings.ldap_base_dn.trim(),
    filter: settings.ldap_filter?.trim() ?? '',
    uid: settings.ldap_uid?.trim() || 'cn',
    scope: SCOPES[settings.ldap_scope ?? 2],
    timeoutMs: Math.round((settings.ldap_timeout ?? 5) * 1000),
    verifyCert: settings.ldap_verify_cert ?? true,
    groupBaseDn: settings.ldap_group_base_dn?.trim() || settings.ldap_base_dn.trim(),
    groupFilter: settings.ldap_group_search_filter?.trim() ?? '',
    groupNameAttribute: settings.ldap_group_attribute_name?.trim() || 'cn',
    membershipAttribute: settings.ldap_group_membership_attribute?.trim() || 'memberof',
    groupScope: SCOPES[settings.ldap_group_search_scope ?? 2],
    adminGroupDn: settings.ldap_group_admin_dn?.trim() ?? '',
  };
}
