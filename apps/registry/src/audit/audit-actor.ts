import { parseAuthorization } from '../auth/credentials';

/** Harbor's name for callers without credentials (and its pull events' empty operator). */
export const ANONYMOUS = 'anonymous';

function tokenSubject(token: string): string | undefined {
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (first <= 0 || second <= first) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(token.slice(first + 1, second), 'base64url').toString('utf8')) as unknown;
    const sub = claims !== null && typeof claims === 'object' ? (claims as { sub?: unknown }).sub : undefined;
    return typeof sub === 'string' ? sub : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Who made a request the access guard let through, for the audit trail: a bearer token's subject
 * (empty for anonymous tokens) or the basic-auth user name.
 *
 * Only called after the guard has verified the token's signature or the credentials, so reading
 * the claims again without verifying is safe, and cheaper than keeping per-request state.
 * Without authentication (`REGISTRY_AUTH=none`) nobody is verified: whatever the header claims,
 * the caller is recorded as anonymous, so the trail cannot be written in someone else's name.
 */
export function auditUsername(authorization: string | string[] | undefined, authenticated: boolean): string {
  if (!authenticated) return ANONYMOUS;
  const credentials = parseAuthorization(authorization);
  if (credentials.scheme === 'bearer') return tokenSubject(credentials.token) || ANONYMOUS;
  if (credentials.scheme === 'basic') return credentials.username;
  return ANONYMOUS;
}
