import { bearerChallenge, scopeOf, unauthorized } from './challenge';

describe('bearer challenges', () => {
  const realm = 'https://harbor.example.com/service/token';

  it('names realm and service, every needed scope in one parameter, and the error', () => {
    expect(bearerChallenge(realm, 'harbor-registry', [])).toBe(`Bearer realm="${realm}",service="harbor-registry"`);
    expect(
      bearerChallenge(realm, 'harbor-registry', [
        { type: 'repository', name: 'team/app', actions: ['pull', 'push'] },
        { type: 'repository', name: 'team/base', actions: ['pull'] },
      ]),
    ).toBe(`Bearer realm="${realm}",service="harbor-registry",scope="repository:team/app:pull,push repository:team/base:pull"`);
    expect(bearerChallenge(realm, 's', [{ type: 'registry', name: 'catalog', actions: ['*'] }], 'insufficient_scope')).toBe(
      `Bearer realm="${realm}",service="s",scope="registry:catalog:*",error="insufficient_scope"`,
    );
  });

  it('escapes quotes in configured values', () => {
    expect(bearerChallenge('http://x/"a"', 'b\\c', [])).toBe('Bearer realm="http://x/\\"a\\"",service="b\\\\c"');
  });

  it('401 UNAUTHORIZED carrying the challenge and, per action, what was needed', () => {
    const access = [{ type: 'repository' as const, name: 'team/app', actions: ['pull' as const, 'push' as const] }];
    const err = unauthorized('Bearer realm="r"', 'authentication required', access);
    expect(err.status).toBe(401);
    expect(err.code).toBe('UNAUTHORIZED');
    expect(err.headers).toEqual({ 'WWW-Authenticate': 'Bearer realm="r"' });
    expect(err.toEntry()).toEqual({
      code: 'UNAUTHORIZED',
      message: 'authentication required',
      detail: [
        { Type: 'repository', Name: 'team/app', Action: 'pull' },
        { Type: 'repository', Name: 'team/app', Action: 'push' },
      ],
    });
    expect(unauthorized('Bearer realm="r"', 'm', []).toEntry()).toEqual({ code: 'UNAUTHORIZED', message: 'm' });
    expect(scopeOf(access[0])).toBe('repository:team/app:pull,push');
  });
});
