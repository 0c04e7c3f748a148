import { clearedSessionCookie, newSessionId, sessionCookie, sessionDigest, sessionIdOf } from './session-cookie';

describe('session cookie', () => {
  const sid = newSessionId();

  it('hands out 256-bit ids, known to the server only by their hash', () => {
    expect(sid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newSessionId()).not.toBe(sid);
    expect(sessionDigest(sid)).toMatch(/^[0-9a-f]{64}$/);
    expect(sessionDigest(sid)).not.toContain(sid);
  });

  it('finds the first sid among the cookies and takes nothing else for one', () => {
    expect(sessionIdOf(`lang=en; sid=${sid}; theme=dark`)).toBe(sid);
    expect(sessionIdOf(`sid=${sid}`)).toBe(sid);
    expect(sessionIdOf(`xsid=abc; sid=${sid}`)).toBe(sid);
    expect(sessionIdOf(`sid=${sid}; sid=${newSessionId()}`)).toBe(sid);
    for (const header of [undefined, '', 'lang=en', 'sid=', 'sid=short', `sid=${sid}x`, `sid=${sid.slice(0, 42)}+`, `sid="${sid}"`]) {
      expect(sessionIdOf(header)).toBeUndefined();
    }
  });

  it('sets a site-wide HttpOnly SameSite=Lax cookie, Secure over HTTPS, and clears it the same way', () => {
    expect(sessionCookie(sid, false)).toBe(`sid=${sid}; Path=/; HttpOnly; SameSite=Lax`);
    expect(sessionCookie(sid, true)).toBe(`sid=${sid}; Path=/; HttpOnly; SameSite=Lax; Secure`);
    expect(clearedSessionCookie(true)).toBe('sid=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; SameSite=Lax; Secure');
  });
});
