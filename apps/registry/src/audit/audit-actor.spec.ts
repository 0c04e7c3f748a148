import { ANONYMOUS, auditUsername } from './audit-actor';

const jwt = (claims: unknown) =>
  [{ alg: 'RS256', typ: 'JWT' }, claims].map((part) => Buffer.from(JSON.stringify(part)).toString('base64url')).join('.') + '.c2lnbmF0dXJl';
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('auditUsername', () => {
  it('a bearer token names its subject; an anonymous token (empty subject) is anonymous', () => {
    expect(auditUsername(`Bearer ${jwt({ sub: 'alice', access: [] })}`, true)).toBe('alice');
    expect(auditUsername(`bearer ${jwt({ sub: 'robot$team+ci' })}`, true)).toBe('robot$team+ci');
    expect(auditUsername(`Bearer ${jwt({ sub: '' })}`, true)).toBe(ANONYMOUS);
  });

  it('basic credentials name their user, the password never matters', () => {
    expect(auditUsername(basic('bob', 'pass:with:colons'), true)).toBe('bob');
  });

  it('no credentials, or none it can read, is anonymous', () => {
    expect(auditUsername(undefined, true)).toBe(ANONYMOUS);
    expect(auditUsername('Bearer not-a-jwt', true)).toBe(ANONYMOUS);
    expect(auditUsername(`Bearer a.${Buffer.from('{"sub": 42}').toString('base64url')}.c`, true)).toBe(ANONYMOUS);
    expect(auditUsername(`Bearer a.${Buffer.from('not json').toString('base64url')}.c`, true)).toBe(ANONYMOUS);
    expect(auditUsername('Digest abc', true)).toBe(ANONYMOUS);
  });

  it('without authentication nothing is verified, so every caller is anonymous whatever it claims', () => {
    expect(auditUsername(basic('admin', 'x'), false)).toBe(ANONYMOUS);
    expect(auditUsername(`Bearer ${jwt({ sub: 'admin' })}`, false)).toBe(ANONYMOUS);
  });
});
