/** Credentials of an `Authorization: Basic ...` header. */
export interface BasicCredentials {
  username: string;
  password: string;
}

/**
 * Parses a Basic authorization header. Undefined when there is no header; `'invalid'` when there
 * is one that is not well-formed Basic credentials (other schemes included).
 */
export function parseBasicAuth(header: string | undefined): BasicCredentials | 'invalid' | undefined {
  if (header === undefined || header === '') return undefined;
  const match = /^Basic[ ]+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return 'invalid';
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return 'invalid';
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The header value for `username:password`. */
export function basicAuthHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}
