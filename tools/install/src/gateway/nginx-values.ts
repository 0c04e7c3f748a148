import { isAbsolute } from 'node:path';

/**
 * Checks for values written into nginx.conf. Every value comes from harbor.yml or the installer,
 * and each is refused unless it can only mean itself: no `;`, brace or quote that would end the
 * directive or open a block, and no `$` that nginx would expand as a variable.
 */

/** Problems found, as `option: reason`; the renderer reports them all at once. */
export type Problems = string[];

// Inside double quotes nginx takes everything literally except `"`, `\` and `$` (variables in
// directives such as alias and access_log); control characters never belong in a path.
// eslint-disable-next-line no-control-regex
const QUOTABLE = /^[^"\\$\x00-\x1f\x7f]+$/;

/** A path as a quoted nginx string. */
export function quote(path: string): string {
  return `"${path}"`;
}

export function checkPath(problems: Problems, key: string, value: unknown): value is string {
  if (typeof value !== 'string' || value === '') return fail(problems, key, 'is required');
  if (!isAbsolute(value)) return fail(problems, key, `must be an absolute path, got "${value}"`);
  if (!QUOTABLE.test(value)) return fail(problems, key, `must not contain quotes, backslashes, "$" or control characters, got ${JSON.stringify(value)}`);
  return true;
}

export function checkPort(problems: Problems, key: string, value: unknown): value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    return fail(problems, key, `must be an integer between 1 and 65535, got ${JSON.stringify(value)}`);
  }
  return true;
}

const DNS_NAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
const IPV6 = /^[0-9A-Fa-f:.]+$/;

/** A host name, IPv4 address or IPv6 address (bare or in brackets). */
export function checkHost(problems: Problems, key: string, value: unknown): value is string {
  if (typeof value !== 'string' || value === '') return fail(problems, key, 'is required');
  const bare = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
  if (DNS_NAME.test(bare) || (bare.includes(':') && IPV6.test(bare))) return true;
  return fail(problems, key, `must be a host name or an IP address, got ${JSON.stringify(value)}`);
}

/** An IPv6 address in brackets, as nginx's `listen` and `server_name` want it. */
export function bracketed(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** `host:port`, `[v6]:port` or `unix:/absolute/socket`: the forms an upstream `server` takes. */
export function checkUpstream(problems: Problems, key: string, value: unknown): value is string {
  if (typeof value !== 'string' || value === '') return fail(problems, key, 'is required');
  if (value.startsWith('unix:')) {
    const path = value.slice('unix:'.length);
    if (isAbsolute(path) && /^[^\s"'\\$;{}#]+$/.test(path)) return true;
    return fail(problems, key, `must be unix: followed by an absolute socket path without spaces or special characters, got ${JSON.stringify(value)}`);
  }
  const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(value);
  if (m && Number(m[2]) >= 1 && Number(m[2]) <= 65535) return true;
  return fail(problems, key, `must be host:port (e.g. 127.0.0.1:8080) or unix:/path, got ${JSON.stringify(value)}`);
}

export function checkUser(problems: Problems, key: string, value: unknown): value is string {
  if (typeof value === 'string' && /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/.test(value)) return true;
  return fail(problems, key, `must be a user name, got ${JSON.stringify(value)}`);
}

export function checkWorkers(problems: Problems, key: string, value: unknown): value is number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 256) return true;
  return fail(problems, key, `must be an integer between 1 and 256, got ${JSON.stringify(value)}`);
}

function fail(problems: Problems, key: string, reason: string): false {
  problems.push(`${key}: ${reason}`);
  return false;
}
