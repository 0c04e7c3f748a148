/**
 * Building LDAP search filters (RFC 4515) from settings and from what users type. User input only
 * ever becomes an escaped assertion value, so `*)(uid=*` matches a user literally named so.
 */

/** Escapes a value for use inside `(attr=value)`: the filter metacharacters and NUL become `\XX`. */
export function escapeFilterValue(value: string): string {
  return value.replace(/[\\*()\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Harbor lets operators write `objectClass=person` without the outer parentheses. */
export function normalizeFilter(filter: string): string {
  const trimmed = filter.trim();
  if (trimmed === '') return '';
  return trimmed.startsWith('(') ? trimmed : `(${trimmed})`;
}

/** `(&<base>(<attr>=<value>))`; just the one part when there is one, '' when there is none. */
export function andFilter(base: string, ...assertions: string[]): string {
  const parts = [normalizeFilter(base), ...assertions].filter((p) => p !== '');
  if (parts.length === 0) return '';
  return parts.length === 1 ? parts[0] : `(&${parts.join('')})`;
}

export function equals(attribute: string, value: string): string {
  return `(${attribute}=${escapeFilterValue(value)})`;
}

/**
 * A DN in a canonical form for comparisons: lower case, no blanks around separators. Servers
 * return DNs with their own spacing and case; operators type them by hand.
 */
export function canonicalDn(dn: string): string {
  return dn.trim().replace(/\s*([,=+])\s*/g, '$1').toLowerCase();
}

/** True when `dn` is `base` or lies below it. */
export function isUnderDn(dn: string, base: string): boolean {
  const d = canonicalDn(dn);
  const b = canonicalDn(base);
  return b === '' || d === b || d.endsWith(`,${b}`);
}
