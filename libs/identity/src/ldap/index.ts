export { LdapAuthenticator } from './ldap-authenticator';
export { andFilter, canonicalDn, equals, escapeFilterValue, isUnderDn, normalizeFilter } from './ldap-filter';
export { ldapSettingsProblem, normalizeLdapUrl, resolveLdapSettings } from './ldap-settings';
export type { LdapScope, LdapSettings, ResolvedLdapSettings } from './ldap-settings';
export { syncLdapUser } from './ldap-user-sync';
export type { LdapUserRecord, TransactionRunner } from './ldap-user-sync';
