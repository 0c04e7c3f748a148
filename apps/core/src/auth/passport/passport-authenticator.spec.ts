import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { Principal } from '@wharf/auth';
import { AuthBackendUnavailableError, type IdentityStore, type LoginThrottle } from '@wharf/identity';
import type { FastifyRequest } from 'fastify';
import { SignJWT } from 'jose';
import type { CoreConfig } from '../../config';
import { HarborError } from '../../http/harbor-error';
import type { IdTokenVerifier } from '../../oidc/id-token-verifier';
import type { OidcAuthentication } from '../../oidc/oidc-authentication';
import type { ConsoleSession, ConsoleSessions } from '../../session/console-sessions';
import { ApiAuthenticator } from '../api-authenticator';
import { basicAuthHeader } from '../basic-auth';
import { API_STRATEGIES, PassportAuthenticator, type StrategyName } from './passport-authenticator';
import { ConsoleSessionStrategy, OidcIdTokenStrategy, RobotSecretStrategy, STRATEGY, UserPasswordStrategy } from './strategies';

const ALICE: Principal = { kind: 'user', id: 7, username: 'alice', sysadmin: false, roles: new Map() };
const BOB: Principal = { kind: 'user', id: 8, username: 'bob', sysadmin: false, roles: new Map() };
const ROBOT: Principal = { kind: 'robot', id: 9, name: 'robot$ci', level: 'project', permissions: [] };
const ISSUER = 'https://idp.example';
const CLIENT = 'wharf';

/** The identity store's password check, recorded; an unreachable directory when told so. */
class FakeIdentity {
  asked: string[] = [];
  down = false;
  async authenticate(login: string, password: string): Promise<Principal | undefined> {
    this.asked.push(login);
    if (this.down) throw new AuthBackendUnavailableError('ldap', 'connect ECONNREFUSED');
    if (login === 'alice' && password === 'Right1234') return ALICE;
    if (login === 'robot$ci' && password === 'Robot-Secret-1') return ROBOT;
    return undefined;
  }
}

class FakeThrottle {
  events: string[] = [];
  lockedNames = new Set<string>();
  async locked(user: string): Promise<boolean> {
    return this.lockedNames.has(user);
  }
  async failed(user: string, address: string): Promise<void> {
    this.events.push(`failed ${user}@${address}`);
  }
  async succeeded(user: string, address: string): Promise<void> {
    this.events.push(`succeeded ${user}@${address}`);
  }
}

/** OIDC on or off (the auth mode); the key ID tokens are signed with; the CLI secret of alice. */
class FakeOidc {
  on = false;
  async activeSettings() {
    return this.on ? { clientId: CLIENT } : undefined;
  }
  async principalForIdToken(claims: Record<string, unknown>): Promise<Principal | undefined> {
    return claims.iss === ISSUER && claims.aud === CLIENT && claims.sub === 'alice-sub' ? ALICE : undefined;
  }
  async checkCliSecret(username: string, secret: string) {
    if (!this.on || username !== 'alice') return { kind: 'not-oidc' as const };
    return secret === 'Cli-Secret-1' ? { kind: 'user' as const, principal: ALICE } : { kind: 'refused' as const };
  }
}

/** A session for the cookie `sid=bob`. */
class FakeSessions {
  async resume(request: FastifyRequest): Promise<ConsoleSession | undefined> {
    return request.headers.cookie === 'sid=bob' ? { digest: 'd', userId: 8, principal: BOB } : undefined;
  }
}

const provider = generateKeyPairSync('rsa', { modulusLength: 2048 });
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });

function idToken(claims: Record<string, unknown>, key: KeyObject = provider.privateKey, expiresIn = '5m'): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuedAt().setExpirationTime(expiresIn).sign(key);
}

function setUp() {
  const identity = new FakeIdentity();
  const throttle = new FakeThrottle();
  const oidc = new FakeOidc();
  const verifier = { keyFor: async () => provider.publicKey } as unknown as IdTokenVerifier;
  const login = new ApiAuthenticator(identity as unknown as IdentityStore, throttle as unknown as LoginThrottle, oidc as unknown as OidcAuthentication);
  const config = { robotPrefix: 'robot$' } as CoreConfig;
  const passport = new PassportAuthenticator(
    new OidcIdTokenStrategy(oidc as unknown as OidcAuthentication, verifier),
    new RobotSecretStrategy(config, login),
    new UserPasswordStrategy(login),
    new ConsoleSessionStrategy(new FakeSessions() as unknown as ConsoleSessions),
  );
  const request = (headers: Record<string, string>, url = '/api/v2.0/users/current') => ({ headers, ip: '10.0.0.1', method: 'GET', url }) as unknown as FastifyRequest;
  const who = (headers: Record<string, string>, strategies: readonly StrategyName[] = API_STRATEGIES, url?: string) => passport.authenticate(request(headers, url), undefined, strategies);
  return { identity, throttle, oidc, who };
}

/** The principal's name, or the refusal's status and message. */
async function outcome(promise: Promise<Principal | undefined>): Promise<string> {
  try {
    const principal = await promise;
    if (!principal) return 'anonymous';
    return principal.kind === 'robot' ? principal.name : principal.kind === 'user' ? principal.username : principal.kind;
  } catch (err) {
    if (err instanceof HarborError) return `${err.getStatus()} ${err.message}`;
    throw err;
  }
}

describe('authentication through passport', () => {
  it('leaves a request without credentials anonymous, and takes the console session only when no Authorization header is sent', async () => {
    const { who } = setUp();
    expect(await outcome(who({}))).toBe('anonymous');
    expect(await outcome(who({ cookie: 'sid=nobody' }))).toBe('anonymous');
    expect(await outcome(who({ cookie: 'sid=bob' }))).toBe('bob');
    expect(await outcome(who({ cookie: 'sid=bob', authorization: '' }))).toBe('bob');
    expect(await outcome(who({ cookie: 'sid=bob', authorization: basicAuthHeader('alice', 'Right1234') }))).toBe('alice');
    expect(await outcome(who({ cookie: 'sid=bob', authorization: basicAuthHeader('alice', 'Wrong1234') }))).toMatch(/^401 /);
  });

  it('checks users’ and robots’ Basic credentials behind the login throttle, each by its own strategy', async () => {
    const { who, identity, throttle } = setUp();
    expect(await outcome(who({ authorization: basicAuthHeader('alice', 'Wrong1234') }))).toBe('401 invalid username or password');
    expect(await outcome(who({ authorization: basicAuthHeader('alice', 'Right1234') }))).toBe('alice');
    expect(await outcome(who({ authorization: basicAuthHeader('robot$ci', 'Robot-Secret-1') }))).toBe('robot$ci');
    expect(throttle.events).toEqual(['failed alice@10.0.0.1', 'succeeded alice@10.0.0.1', 'succeeded robot$ci@10.0.0.1']);
    // Only the robot strategy takes robot names: with it left out, the user strategy would still
    // check them (a user cannot be named robot$...), so the split is seen in what is asked.
    identity.asked = [];
    expect(await outcome(who({ authorization: basicAuthHeader('robot$ci', 'Robot-Secret-1') }, [STRATEGY.robot]))).toBe('robot$ci');
    expect(await outcome(who({ authorization: basicAuthHeader('alice', 'Right1234') }, [STRATEGY.robot]))).toBe('anonymous');
    expect(identity.asked).toEqual(['robot$ci']);
  });

  it('refuses while locked without checking, and answers an unreachable directory with 503 that does not count as a failure', async () => {
    const { who, identity, throttle } = setUp();
    throttle.lockedNames.add('alice');
    expect(await outcome(who({ authorization: basicAuthHeader('alice', 'Right1234') }))).toBe('401 too many failed attempts; try again later');
    expect(identity.asked).toEqual([]);
    throttle.lockedNames.clear();
    identity.down = true;
    expect(await outcome(who({ authorization: basicAuthHeader('alice', 'Right1234') }))).toBe('503 the ldap authentication backend is unavailable; try again later');
    expect(throttle.events).toEqual([]);
  });

  it('refuses other schemes and malformed Basic credentials with 401 outside auth_mode oidc_auth', async () => {
    const { who } = setUp();
    for (const authorization of ['Bearer x.y.z', 'Digest abc', 'Basic !!!', `Basic ${Buffer.from('no-colon').toString('base64')}`]) {
      expect(await outcome(who({ authorization }))).toBe('401 invalid authorization header: only Basic credentials are accepted');
    }
    expect(await outcome(who({ authorization: `Bearer ${await idToken({ iss: ISSUER, aud: CLIENT, sub: 'alice-sub' })}` }))).toMatch(/^401 invalid authorization header/);
  });

  it('takes the provider’s ID token as a bearer token in auth_mode oidc_auth, checked by passport-jwt against the provider’s key', async () => {
    const { who, oidc } = setUp();
    oidc.on = true;
    const bearer = async (claims: Record<string, unknown>, key?: KeyObject, expiresIn?: string) => ({ authorization: `Bearer ${await idToken(claims, key, expiresIn)}` });
    expect(await outcome(who(await bearer({ iss: ISSUER, aud: CLIENT, sub: 'alice-sub' })))).toBe('alice');
    expect(await outcome(who(await bearer({ iss: ISSUER, aud: CLIENT, sub: 'alice-sub' }, stranger.privateKey)))).toBe('401 invalid ID token');
    expect(await outcome(who(await bearer({ iss: ISSUER, aud: CLIENT, sub: 'alice-sub' }, undefined, '-5m')))).toBe('401 invalid ID token');
    expect(await outcome(who(await bearer({ iss: 'https://elsewhere.example', aud: CLIENT, sub: 'alice-sub' })))).toBe('401 invalid ID token');
    expect(await outcome(who(await bearer({ iss: ISSUER, aud: 'another-client', sub: 'alice-sub' })))).toBe('401 invalid ID token');
    // An HMAC token keyed with the provider's public key is never taken.
    const hmac = await new SignJWT({ iss: ISSUER, aud: CLIENT, sub: 'alice-sub' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('5m')
      .sign(provider.publicKey.export({ type: 'spki', format: 'der' }));
    expect(await outcome(who({ authorization: `Bearer ${hmac}` }))).toBe('401 invalid ID token');
    expect(await outcome(who({ authorization: 'Bearer not-a-token' }))).toBe('401 invalid ID token');
    // Basic credentials still work beside it.
    expect(await outcome(who({ authorization: basicAuthHeader('alice', 'Right1234') }))).toBe('alice');
  });

  it('takes an OIDC user’s CLI secret in place of the password only where Harbor does', async () => {
    const { who, oidc } = setUp();
    oidc.on = true;
    const secret = { authorization: basicAuthHeader('alice', 'Cli-Secret-1') };
    expect(await outcome(who(secret, API_STRATEGIES, '/api/v2.0/projects'))).toBe('alice');
    expect(await outcome(who(secret, API_STRATEGIES, '/service/token'))).toBe('alice');
    expect(await outcome(who(secret, API_STRATEGIES, '/api/v2.0/users/current'))).toBe('401 invalid username or password');
    expect(await outcome(who({ authorization: basicAuthHeader('alice', 'Cli-Secret-2') }, API_STRATEGIES, '/api/v2.0/projects'))).toBe('401 invalid username or password');
  });
});
