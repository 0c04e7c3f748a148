import { AUDIT_EVENT_TYPES, eventTypeList } from '@wharf/db/plain';
import { parseSyslogEndpoint } from '@wharf/outage';
import { allowedNetworksProblem, DEFAULT_WEBHOOK_ALLOWED_NETWORKS, storageLimitProblem, UNLIMITED } from '@wharf/policy';
import type { LdapSettings } from '../ldap';
import { bannerMessageProblem } from './banner-message';

/** Harbor's auth modes that Wharf serves. */
export const AUTH_MODES = ['db_auth', 'ldap_auth', 'oidc_auth'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

export type ProjectCreationRestriction = 'everyone' | 'adminonly';

/**
 * The settings Harbor's `/configurations` API reads and writes, under Harbor's names: the one
 * declaration of the `setting` table's configuration items, for every service that reads them.
 * The environment and Harbor's defaults give the starting values; rows of the `setting` table
 * override them one key at a time.
 */
export interface SystemSettings {
  auth_mode: AuthMode;
  /** Harbor's flag for the console: the auth mode is the primary one (the sign-in page leads with it). */
  primary_auth_mode: boolean;
  ldap_url: string;
  ldap_search_dn: string;
  /** Write-only: never returned by the API, never logged. */
  ldap_search_password: string;
  ldap_base_dn: string;
  ldap_filter: string;
  ldap_uid: string;
  ldap_scope: number;
  ldap_timeout: number;
  ldap_verify_cert: boolean;
  ldap_group_base_dn: string;
  ldap_group_search_filter: string;
  ldap_group_attribute_name: string;
  ldap_group_search_scope: number;
  ldap_group_admin_dn: string;
  ldap_group_membership_attribute: string;
  /**
   * Harbor attaches a user's LDAP groups with several workers when on. Wharf finds them with one
   * search for the user's DN whatever the number of groups, so the item is kept for clients that
   * send it and changes nothing.
   */
  ldap_group_attach_parallel: boolean;
  /** The provider's name, shown on the console's "login via" button. */
  oidc_name: string;
  /** The issuer URL: its /.well-known/openid-configuration describes the provider. */
  oidc_endpoint: string;
  oidc_client_id: string;
  /** Write-only: never returned by the API, never logged. */
  oidc_client_secret: string;
  /** The claim (of the ID token or the userinfo answer) that lists the user's groups. */
  oidc_groups_claim: string;
  /** Members of this provider group are system administrators. */
  oidc_admin_group: string;
  /** A regular expression: only groups whose names match it become user groups. */
  oidc_group_filter: string;
  /** Comma-separated scopes of the authorization request; must include openid. */
  oidc_scope: string;
  /** The claim that names a user being onboarded; empty: the `name` claim. */
  oidc_user_claim: string;
  oidc_verify_cert: boolean;
  /** Users new to the registry get an account named by the user claim, without the onboarding page. */
  oidc_auto_onboard: boolean;
  /** A JSON object of extra query parameters for the provider's authorization page. */
  oidc_extra_redirect_parms: string;
  /** Logging out of the console also ends the session at the provider. */
  oidc_logout: boolean;
  project_creation_restriction: ProjectCreationRestriction;
  /** Fixed by ROBOT_NAME_PREFIX: robot logins are parsed with it before any setting is read. */
  robot_name_prefix: string;
  /** Minutes a registry token lives. */
  token_expiration: number;
  /** Days a new robot account lives by default. */
  robot_token_duration: number;
  /** Minutes a web console session lives after its last use. */
  session_timeout: number;
  /** Users are created by administrators (or come from LDAP); there is no sign-up. */
  self_registration: boolean;
  /** The global webhook switch: off, the jobservice delivers no webhook at all. */
  notification_enable: boolean;
  /**
   * Where webhook targets may connect (comma-separated addresses, networks, address:port, "!"
   * exclusions); loopback, link-local and the installation's own services only where named.
   */
  webhook_allowed_networks: string;
  /** The storage limit (bytes, -1 unlimited) of a project created without one. */
  storage_per_project: number;
  /**
   * Off, project storage limits are not enforced (usage is still counted) and project summaries
   * show no quota. The registry's quota check and migration 0026's trigger also read it in SQL:
   * there too only a stored JSON false turns it off.
   */
  quota_per_project_enable: boolean;
  /**
   * The console's announcement: '' for none, or the JSON text of {message, type, closable,
   * fromDate, toDate} that Harbor's portal stores; /systeminfo hands it to everyone.
   */
  banner_message: string;
  /**
   * Harbor's maintenance switch: while on, every service refuses pushes, deletions and other
   * changes (read-only.guard.ts, the registry's read-only guard) and deleting jobs do not run.
   */
  read_only: boolean;
  /**
   * Harbor's audit log forwarding: `host:port` of a syslog receiver (TCP; `udp://host:port` for
   * UDP) that every service sends the extended audit log to, or '' for none.
   */
  audit_log_forward_endpoint: string;
  /** No audit rows are written to the database, only forwarded; needs audit_log_forward_endpoint. */
  skip_audit_log_database: boolean;
  /** Comma-separated event types (GET /auditlog-exts/events) the extended audit log leaves out. */
  disabled_audit_log_event_types: string;
}

export type SettingKey = keyof SystemSettings;

type ValueType = 'string' | 'int' | 'bool';

export interface SettingSpec {
  type: ValueType;
  /** False for items shown for information only: the API refuses to change them. */
  editable: boolean;
  /** Never sent back by the API. */
  secret?: boolean;
  /** Why a well-typed value is refused, or undefined. */
  check?: (value: never) => string | undefined;
}

const oneOf =
  (key: string, allowed: readonly (string | number)[]) =>
  (value: string | number): string | undefined =>
    allowed.includes(value) ? undefined : `${key} must be one of ${allowed.join(', ')}`;

const between =
  (key: string, min: number, max: number, unit: string) =>
  (value: number): string | undefined =>
    value >= min && value <= max ? undefined : `${key} must be between ${min} and ${max} ${unit}`;

const maxLength =
  (key: string, max: number) =>
  (value: string): string | undefined =>
    value.length <= max ? undefined : `${key} must be at most ${max} characters long`;

function forwardEndpointProblem(value: string): string | undefined {
  if (value.trim() === '') return undefined;
  const target = parseSyslogEndpoint(value);
  return typeof target === 'string' ? `audit_log_forward_endpoint: ${target}` : undefined;
}

function eventTypesProblem(value: string): string | undefined {
  const unknown = eventTypeList(value).filter((name) => !AUDIT_EVENT_TYPES.includes(name));
  return unknown.length === 0 ? undefined : `disabled_audit_log_event_types: unknown event types ${unknown.join(', ')} (known: ${AUDIT_EVENT_TYPES.join(', ')})`;
}

/** LDAP names, filters and URLs are short; a megabyte of filter is a mistake or an attack. */
const LDAP_TEXT_MAX = 2048;

/** Why a string is not a JSON object of string values (Harbor's StringToStringMapType), or undefined. */
function stringMapProblem(key: string, value: string): string | undefined {
  if (value === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return `${key} must be a JSON object of strings`;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== 'string')) {
    return `${key} must be a JSON object of strings`;
  }
  return undefined;
}

function regexProblem(key: string, value: string): string | undefined {
  try {
    new RegExp(value, 'u');
    return undefined;
  } catch {
    return `${key} must be a valid regular expression`;
  }
}

function httpUrlProblem(key: string, value: string): string | undefined {
  if (value === '') return undefined;
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return undefined;
  } catch {
    // Reported below.
  }
  return `${key} must be an http or https URL`;
}

const both =
  <T>(...checks: ((value: T) => string | undefined)[]) =>
  (value: T): string | undefined => {
    for (const check of checks) {
      const problem = check(value);
      if (problem) return problem;
    }
    return undefined;
  };

export const SETTING_SPECS: Readonly<Record<SettingKey, SettingSpec>> = {
  auth_mode: { type: 'string', editable: true, check: oneOf('auth_mode', AUTH_MODES) },
  primary_auth_mode: { type: 'bool', editable: true },
  ldap_url: { type: 'string', editable: true, check: maxLength('ldap_url', LDAP_TEXT_MAX) },
  ldap_search_dn: { type: 'string', editable: true, check: maxLength('ldap_search_dn', LDAP_TEXT_MAX) },
  ldap_search_password: { type: 'string', editable: true, secret: true, check: maxLength('ldap_search_password', LDAP_TEXT_MAX) },
  ldap_base_dn: { type: 'string', editable: true, check: maxLength('ldap_base_dn', LDAP_TEXT_MAX) },
  ldap_filter: { type: 'string', editable: true, check: maxLength('ldap_filter', LDAP_TEXT_MAX) },
  ldap_uid: { type: 'string', editable: true, check: maxLength('ldap_uid', 255) },
  ldap_scope: { type: 'int', editable: true, check: oneOf('ldap_scope', [0, 1, 2]) },
  ldap_timeout: { type: 'int', editable: true, check: between('ldap_timeout', 1, 300, 'seconds') },
  ldap_verify_cert: { type: 'bool', editable: true },
  ldap_group_base_dn: { type: 'string', editable: true, check: maxLength('ldap_group_base_dn', LDAP_TEXT_MAX) },
  ldap_group_search_filter: { type: 'string', editable: true, check: maxLength('ldap_group_search_filter', LDAP_TEXT_MAX) },
  ldap_group_attribute_name: { type: 'string', editable: true, check: maxLength('ldap_group_attribute_name', 255) },
  ldap_group_search_scope: { type: 'int', editable: true, check: oneOf('ldap_group_search_scope', [0, 1, 2]) },
  ldap_group_admin_dn: { type: 'string', editable: true, check: maxLength('ldap_group_admin_dn', LDAP_TEXT_MAX) },
  ldap_group_membership_attribute: { type: 'string', editable: true, check: maxLength('ldap_group_membership_attribute', 255) },
  ldap_group_attach_parallel: { type: 'bool', editable: true },
  oidc_name: { type: 'string', editable: true, check: maxLength('oidc_name', 255) },
  oidc_endpoint: { type: 'string', editable: true, check: both(maxLength('oidc_endpoint', LDAP_TEXT_MAX), (v: string) => httpUrlProblem('oidc_endpoint', v)) },
  oidc_client_id: { type: 'string', editable: true, check: maxLength('oidc_client_id', LDAP_TEXT_MAX) },
  oidc_client_secret: { type: 'string', editable: true, secret: true, check: maxLength('oidc_client_secret', LDAP_TEXT_MAX) },
  oidc_groups_claim: { type: 'string', editable: true, check: maxLength('oidc_groups_claim', 255) },
  oidc_admin_group: { type: 'string', editable: true, check: maxLength('oidc_admin_group', LDAP_TEXT_MAX) },
  oidc_group_filter: { type: 'string', editable: true, check: both(maxLength('oidc_group_filter', LDAP_TEXT_MAX), (v: string) => regexProblem('oidc_group_filter', v)) },
  oidc_scope: { type: 'string', editable: true, check: maxLength('oidc_scope', LDAP_TEXT_MAX) },
  oidc_user_claim: { type: 'string', editable: true, check: maxLength('oidc_user_claim', 255) },
  oidc_verify_cert: { type: 'bool', editable: true },
  oidc_auto_onboard: { type: 'bool', editable: true },
  oidc_extra_redirect_parms: {
    type: 'string',
    editable: true,
    check: both(maxLength('oidc_extra_redirect_parms', LDAP_TEXT_MAX), (v: string) => stringMapProblem('oidc_extra_redirect_parms', v)),
  },
  oidc_logout: { type: 'bool', editable: true },
  project_creation_restriction: { type: 'string', editable: true, check: oneOf('project_creation_restriction', ['everyone', 'adminonly']) },
  robot_name_prefix: { type: 'string', editable: false },
  // The same bounds as TOKEN_EXPIRATION: up to a year.
  token_expiration: { type: 'int', editable: true, check: between('token_expiration', 1, 525_600, 'minutes') },
  robot_token_duration: { type: 'int', editable: true, check: between('robot_token_duration', 1, 99_999, 'days') },
  // Harbor's bound: its console takes up to ten digits.
  session_timeout: { type: 'int', editable: true, check: between('session_timeout', 1, 9_999_999_999, 'minutes') },
  self_registration: { type: 'bool', editable: false },
  notification_enable: { type: 'bool', editable: true },
  webhook_allowed_networks: { type: 'string', editable: true, check: (value: string) => maxLength('webhook_allowed_networks', 4096)(value) ?? allowedNetworksProblem(value) },
  storage_per_project: { type: 'int', editable: true, check: (value: number) => storageLimitProblem(value, 'storage_per_project') },
  quota_per_project_enable: { type: 'bool', editable: true },
  banner_message: { type: 'string', editable: true, check: bannerMessageProblem },
  read_only: { type: 'bool', editable: true },
  audit_log_forward_endpoint: { type: 'string', editable: true, check: (value: string) => maxLength('audit_log_forward_endpoint', 1024)(value) ?? forwardEndpointProblem(value) },
  skip_audit_log_database: { type: 'bool', editable: true },
  disabled_audit_log_event_types: { type: 'string', editable: true, check: (value: string) => maxLength('disabled_audit_log_event_types', 4096)(value) ?? eventTypesProblem(value) },
};

export const SETTING_KEYS = Object.keys(SETTING_SPECS) as SettingKey[];

/** The items the API shows: every one but the secrets, which are written and never read back. */
export const PUBLIC_SETTING_KEYS: readonly SettingKey[] = SETTING_KEYS.filter((key) => !SETTING_SPECS[key].secret);

export type LdapKey = Extract<SettingKey, `ldap_${string}`>;

/** The LDAP items: what LDAP logins and group searches need. */
export const LDAP_KEYS = SETTING_KEYS.filter((key): key is LdapKey => key.startsWith('ldap_'));

export function isSettingKey(key: string): key is SettingKey {
  return Object.prototype.hasOwnProperty.call(SETTING_SPECS, key);
}

/** The items whose starting value the environment decides (AUTH_MODE, ROBOT_NAME_PREFIX, TOKEN_EXPIRATION). */
export type EnvironmentSettings = Pick<SystemSettings, 'auth_mode' | 'robot_name_prefix' | 'token_expiration'>;

/** Harbor's defaults, the environment's values where it has a say (Harbor's own where a service has no say). */
export function defaultSettings(environment: Partial<EnvironmentSettings> = {}): SystemSettings {
  return {
    auth_mode: environment.auth_mode ?? 'db_auth',
    primary_auth_mode: false,
    ldap_url: '',
    ldap_search_dn: '',
    ldap_search_password: '',
    ldap_base_dn: '',
    ldap_filter: '',
    ldap_uid: 'cn',
    ldap_scope: 2,
    ldap_timeout: 5,
    ldap_verify_cert: true,
    ldap_group_base_dn: '',
    ldap_group_search_filter: '',
    ldap_group_attribute_name: 'cn',
    ldap_group_search_scope: 2,
    ldap_group_admin_dn: '',
    ldap_group_membership_attribute: 'memberof',
    ldap_group_attach_parallel: false,
    oidc_name: '',
    oidc_endpoint: '',
    oidc_client_id: '',
    oidc_client_secret: '',
    oidc_groups_claim: '',
    oidc_admin_group: '',
    oidc_group_filter: '',
    oidc_scope: '',
    oidc_user_claim: '',
    oidc_verify_cert: true,
    oidc_auto_onboard: false,
    oidc_extra_redirect_parms: '{}',
    oidc_logout: false,
    project_creation_restriction: 'everyone',
    robot_name_prefix: environment.robot_name_prefix ?? 'robot$',
    token_expiration: environment.token_expiration ?? 30,
    robot_token_duration: 30,
    session_timeout: 60,
    self_registration: false,
    notification_enable: true,
    webhook_allowed_networks: DEFAULT_WEBHOOK_ALLOWED_NETWORKS,
    storage_per_project: UNLIMITED,
    quota_per_project_enable: true,
    banner_message: '',
    read_only: false,
    audit_log_forward_endpoint: '',
    skip_audit_log_database: false,
    disabled_audit_log_event_types: '',
  };
}

/** Why `value` cannot be the value of `key` (type first, then the item's own rule), or undefined. */
export function settingValueProblem(key: SettingKey, value: unknown): string | undefined {
  const spec = SETTING_SPECS[key];
  switch (spec.type) {
    case 'string':
      if (typeof value !== 'string') return `${key} must be a string`;
      break;
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value)) return `${key} must be an integer`;
      break;
    case 'bool':
      if (typeof value !== 'boolean') return `${key} must be a boolean`;
      break;
  }
  return spec.check?.(value as never);
}

/** The LDAP part, in the form LdapAuthenticator takes. */
export function ldapSettingsOf(settings: Pick<SystemSettings, LdapKey>): LdapSettings {
  return {
    ldap_url: settings.ldap_url,
    ldap_search_dn: settings.ldap_search_dn,
    ldap_search_password: settings.ldap_search_password,
    ldap_base_dn: settings.ldap_base_dn,
    ldap_filter: settings.ldap_filter,
    ldap_uid: settings.ldap_uid,
    ldap_scope: settings.ldap_scope as 0 | 1 | 2,
    ldap_timeout: settings.ldap_timeout,
    ldap_verify_cert: settings.ldap_verify_cert,
    ldap_group_base_dn: settings.ldap_group_base_dn,
    ldap_group_search_filter: settings.ldap_group_search_filter,
    ldap_group_attribute_name: settings.ldap_group_attribute_name,
    ldap_group_search_scope: settings.ldap_group_search_scope as 0 | 1 | 2,
    ldap_group_admin_dn: settings.ldap_group_admin_dn,
    ldap_group_membership_attribute: settings.ldap_group_membership_attribute,
  };
}
