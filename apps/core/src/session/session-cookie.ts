import { createHash, randomBytes } from 'node:crypto';

/** Harbor's session cookie. */
export const SESSION_COOKIE = 'sid';

/** 32 random bytes, base64url: what `newSessionId` hands out and all a cookie is taken for. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

export function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * What a session is known by on the server (its Redis key, what its CSRF token is bound to): a
 * hash of the id, so that reading Redis (or its dumps) gives no one a cookie to present.
 */
export function sessionDigest(sid: string): string {
  return createHash('sha256').update(sid).digest('hex');
}

/** The value of cookie `name` in a Cookie header (the first one only) when it has the given form. */
export function cookieValue(cookieHeader: string | undefined, name: string, form: RegExp): string | undefined {
  if (!cookieHeader) return undefined;
  for (const pair of cookieHeader.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    const value = pair.slice(eq + 1).trim();
    return form.test(value) ? value : undefined;
  }
  return undefined;
}

/** The session id a request's Cookie header carries, if it is well-formed (the first `sid` only). */
export function sessionIdOf(cookieHeader: string | undefined): string | undefined {
  return cookieValue(cookieHeader, SESSION_COOKIE, SESSION_ID);
}

/**
 * The Set-Cookie value of a session: for the whole site, out of scripts' reach, not sent along by
 * other sites' subrequests or form posts, and over HTTPS only when the request came that way. No
 * expiry: the browser forgets it when it closes, the server when the session times out.
 */
export function sessionCookie(sid: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${sid}; Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

/** The Set-Cookie value that makes the browser forget its session cookie. */
export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}
