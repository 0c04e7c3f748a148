import { ProjectRole, TokenClaims } from '@wharf/auth';
import { AllowAllAuthorizer, ANONYMOUS_CALLER } from './access';
import { callerNameOf } from './token-authorizer';

const claims = (sub: string): TokenClaims => ({ iss: 'i', sub, aud: 'a', exp: 0, nbf: 0, iat: 0, jti: 'j', access: [] });

describe('callerNameOf (the audit trail operator)', () => {
  it('a token names its subject; an anonymous token (empty subject) is anonymous', () => {
    expect(callerNameOf({ via: 'token', claims: claims('alice') })).toBe('alice');
    expect(callerNameOf({ via: 'token', claims: claims('robot$team+ci') })).toBe('robot$team+ci');
    expect(callerNameOf({ via: 'token', claims: claims('') })).toBe(ANONYMOUS_CALLER);
  });

  it('basic credentials name the verified principal (stored spelling), never the typed name', () => {
    const user = { kind: 'user' as const, id: 1, username: 'bob', sysadmin: false, roles: new Map<number, ProjectRole>() };
    expect(callerNameOf({ via: 'basic', principal: user })).toBe('bob');
    expect(callerNameOf({ via: 'basic', principal: { kind: 'robot', id: 2, name: 'robot$team+ci', level: 'project', permissions: [] } })).toBe('robot$team+ci');
  });

  it('a request the authorizer did not admit has no caller: anonymous', () => {
    expect(callerNameOf(undefined)).toBe(ANONYMOUS_CALLER);
  });

  it('an open registry verifies nobody, so every caller is anonymous whatever it claims', () => {
    expect(new AllowAllAuthorizer().callerName()).toBe(ANONYMOUS_CALLER);
  });
});
