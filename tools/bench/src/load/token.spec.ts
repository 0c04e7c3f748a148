import { basicAuthorization, grantedAccess, parseBearerChallenge, repositoryScope, tokenOf, tokenUrl } from './token';

describe('parseBearerChallenge', () => {
  it("reads the realm and service of Wharf's /v2/ challenge", () => {
    expect(parseBearerChallenge('Bearer realm="http://127.0.0.1:8080/service/token",service="harbor-registry"')).toEqual({
      realm: 'http://127.0.0.1:8080/service/token',
      service: 'harbor-registry',
    });
  });

  it('keeps commas, spaces and escaped quotes inside quoted values', () => {
    const header = 'Bearer realm="https://h/token",service="r",scope="repository:a/b:pull,push repository:c/d:pull",error="insufficient_scope"';
    expect(parseBearerChallenge(header)).toEqual({ realm: 'https://h/token', service: 'r', scope: 'repository:a/b:pull,push repository:c/d:pull' });
    expect(parseBearerChallenge('bearer realm="x\\"y", service=plain').realm).toBe('x"y');
    expect(parseBearerChallenge('bearer realm="x\\"y", service=plain').service).toBe('plain');
  });

  it('refuses what a client could not follow', () => {
    expect(() => parseBearerChallenge(undefined)).toThrow(/Bearer challenge/);
    expect(() => parseBearerChallenge('Basic realm="registry"')).toThrow(/Bearer challenge/);
    expect(() => parseBearerChallenge('Bearer service="r"')).toThrow(/no realm/);
    expect(() => parseBearerChallenge('Bearer realm="unterminated')).toThrow(/malformed/);
  });
});

describe('token requests', () => {
  it('asks for one scope per repository and operation, as docker does', () => {
    const url = tokenUrl({ realm: 'http://127.0.0.1:1/service/token', service: 'harbor-registry' }, [repositoryScope('p/r', ['pull', 'push'])]);
    expect(url.toString()).toBe('http://127.0.0.1:1/service/token?service=harbor-registry&scope=repository%3Ap%2Fr%3Apull%2Cpush');
    const mount = tokenUrl({ realm: 'http://h/t' }, [repositoryScope('p/r', ['pull', 'push']), repositoryScope('p/s', ['pull'])]);
    expect(mount.searchParams.getAll('scope')).toEqual(['repository:p/r:pull,push', 'repository:p/s:pull']);
    expect(mount.searchParams.has('service')).toBe(false);
  });

  it('sends basic credentials as RFC 7617 says', () => {
    expect(basicAuthorization({ username: 'alice', password: 'pa:ss' })).toBe(`Basic ${Buffer.from('alice:pa:ss').toString('base64')}`);
  });

  it('takes the token from either field and reads what it grants', () => {
    const claims = { access: [{ type: 'repository', name: 'p/r', actions: ['pull', 'push'] }] };
    const jwt = ['e30', Buffer.from(JSON.stringify(claims)).toString('base64url'), 'sig'].join('.');
    expect(tokenOf(JSON.stringify({ token: jwt }))).toBe(jwt);
    expect(tokenOf(Buffer.from(JSON.stringify({ access_token: jwt })))).toBe(jwt);
    expect(() => tokenOf('{"expires_in":60}')).toThrow(/without a token/);
    expect(grantedAccess(jwt)).toEqual(claims.access);
    expect(grantedAccess(['e30', Buffer.from('{}').toString('base64url'), 's'].join('.'))).toEqual([]);
  });
});
