/** What an `Authorization` header carries, as far as the registry understands it. */
export type Credentials =
  | { scheme: 'none' }
  | { scheme: 'bearer'; token: string }
  | { scheme: 'basic'; username: string; password: string }
  | { scheme: 'invalid' };

/** Splits an `Authorization` header; schemes are case-insensitive (RFC 9110). */
export function parseAuthorization(header: string | string[] | undefined): Credentials {
  if (header === undefined) return { scheme: 'none' };
  if (Array.isArray(header) || header.length > 16_384) return { scheme: 'invalid' };
  const space = header.indexOf(' ');
  if (space <= 0) return { scheme: 'invalid' };
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === 'bearer' && value.length > 0) return { scheme: 'bearer', token: value };
  if (scheme === 'basic' && /^[A-Za-z0-9+/]+={0,2}$/.test(value)) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    // User names cannot hold a colon; passwords can.
    if (colon > 0) return { scheme: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  return { scheme: 'invalid' };
}
