/**
 * GET/PUT /configurations as the forms use them: the answer gives every item's value and whether
 * it may be changed; a save sends only what the reader changed.
 */

export type ConfigValue = string | number | boolean;

export type ConfigurationsAnswer = Record<string, { value: ConfigValue; editable: boolean }>;

/** Write-only: the API never answers it, so it is sent only when something was typed into it. */
export const WRITE_ONLY = new Set(['ldap_search_password', 'oidc_client_secret']);

/** The form's starting values: every item's stored value. */
export function formValuesOf(answer: ConfigurationsAnswer): Record<string, ConfigValue> {
  return Object.fromEntries(Object.entries(answer).map(([key, item]) => [key, item.value]));
}

function normalize(value: ConfigValue): ConfigValue {
  return typeof value === 'string' ? value.trim() : value;
}

/**
 * The items whose value the reader changed: known to the answer, editable, and different from
 * what is stored (text compared without surrounding spaces); a write-only item when not empty.
 */
export function changedSettings(answer: ConfigurationsAnswer, values: Record<string, ConfigValue | null | undefined>): Record<string, ConfigValue> {
  const changed: Record<string, ConfigValue> = {};
  for (const [key, raw] of Object.entries(values)) {
    if (raw === undefined || raw === null) continue;
    if (WRITE_ONLY.has(key)) {
      if (typeof raw === 'string' && raw !== '') changed[key] = raw;
      continue;
    }
    const item = answer[key];
    if (!item || !item.editable) continue;
    const value = normalize(raw);
    if (value !== item.value) changed[key] = value;
  }
  return changed;
}

const UNIT_FACTORS = { TiB: 1024 ** 4, GiB: 1024 ** 3, MiB: 1024 ** 2 } as const;
export type StorageUnit = keyof typeof UNIT_FACTORS;
export const STORAGE_UNITS = Object.keys(UNIT_FACTORS) as StorageUnit[];

export interface StorageAmount {
  unlimited: boolean;
  amount: number;
  unit: StorageUnit;
}

/** A limit in bytes (-1 unlimited) in the largest unit that shows it exactly (else MiB, rounded). */
export function storageAmountOf(bytes: number): StorageAmount {
  if (bytes < 0) return { unlimited: true, amount: 10, unit: 'GiB' };
  for (const unit of STORAGE_UNITS) {
    if (bytes >= UNIT_FACTORS[unit] && bytes % UNIT_FACTORS[unit] === 0) return { unlimited: false, amount: bytes / UNIT_FACTORS[unit], unit };
  }
  return { unlimited: false, amount: Math.round((bytes / UNIT_FACTORS.MiB) * 100) / 100, unit: 'MiB' };
}

export function storageBytesOf({ unlimited, amount, unit }: StorageAmount): number {
  return unlimited ? -1 : Math.round(amount * UNIT_FACTORS[unit]);
}

/** The body of POST /ldap/ping for the form's LDAP values (its timeout has another name there). */
export function ldapPingBody(values: Record<string, ConfigValue | null | undefined>): Record<string, ConfigValue> {
  const body: Record<string, ConfigValue> = {};
  const copy = (from: string, to = from) => {
    const v = values[from];
    if (v !== undefined && v !== null) body[to] = normalize(v);
  };
  for (const key of ['ldap_url', 'ldap_search_dn', 'ldap_base_dn', 'ldap_filter', 'ldap_uid', 'ldap_scope', 'ldap_verify_cert']) copy(key);
  copy('ldap_timeout', 'ldap_connection_timeout');
  // Left empty, the API tests with the stored password when the server and search DN are the stored ones.
  const password = values['ldap_search_password'];
  if (typeof password === 'string' && password !== '') body['ldap_search_password'] = password;
  return body;
}

/** The body of POST /system/oidc/ping for the form's OIDC values. */
export function oidcPingBody(values: Record<string, ConfigValue | null | undefined>): { url: string; verify_cert: boolean } {
  const url = values['oidc_endpoint'];
  return { url: typeof url === 'string' ? url.trim() : '', verify_cert: values['oidc_verify_cert'] !== false };
}

/** disabled_audit_log_event_types as a list: trimmed, lower-cased, without empty names. */
export function eventTypeListOf(value: ConfigValue | undefined): string[] {
  if (typeof value !== 'string') return [];
  return value
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
}

/** The list back as the setting's comma-separated value, in the order the API lists the types. */
export function eventTypesValue(list: readonly string[], order: readonly string[]): string {
  const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
  return [...new Set(list)].sort((a, b) => rank(a) - rank(b)).join(',');
}
