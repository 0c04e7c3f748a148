import type { Principal } from '@wharf/auth';
import { AuthBackendUnavailableError, IdentityStore, LoginThrottle } from '@wharf/identity';
import { HarborError } from '../http/harbor-error';
import { ApiAuthenticator } from './api-authenticator';
import type { OidcAuthentication } from '../oidc/oidc-authentication';
import { basicAuthHeader } from './basic-auth';

const ALICE: Principal = { kind: 'user', id: 7, username: 'alice', sysadmin: false, roles: new Map() };

/** The two methods the authenticator uses, recorded; everything else of the real classes is unused. */
class FakeIdentity {
  calls = 0;
  constructor(private readonly answer: (login: string, password: string) => Promise<Principal | undefined>) {}
  authenticate(login: string, password: string): Promise<Principal | undefined> {
    this.calls++;
    return this.answer(login, password);
  }
}

class FakeThrottle {
  events: string[] = [];
  constructor(private readonly isLocked = false) {}
  async locked(): Promise<boolean> {
    return this.isLocked;
  }
  async failed(user: string, address: string): Promise<void> {
    this.events.push(`failed ${user}@${address}`);
  }
  async succeeded(user: string, address: string): Promise<void> {
    this.events.push(`succeeded ${user}@${address}`);
  }
}

/** The OIDC side: on or off (the auth mode), an ID token and CLI secret it takes, what it was asked. */
class FakeOidc {
  asked: string[] = [];
  constructor(private readonly on: boolean) {}
  async activeSettings() {
    return this.on ? {} : undefined;
  }
  async bearer(token: string): Promise<Principal | undefined> {
    this.asked.push(`bearer ${token}`);
    return token === 'good.id.token' ? ALICE : undefined;
  }
  async checkCliSecret(username: string, secret: string) {
    this.asked.push(`cli ${username}`);
    if (!this.on || username !== 'alice') return { kind: 'not-oidc' as const };
    return secret === 'Cli-Secret-1' ? { kind: 'user' as const, principal: ALICE } : { kind: 'refused' as const };
  }
}

function make(identity: FakeIdentity, throttle: FakeThrottle, oidc?: FakeOidc): ApiAuthenticator {
  return new ApiAuthenticator(identity as unknown as IdentityStore, throttle as unknown as LoginThrottle, oidc as unknown as OidcAuthentication);
}

async function status(promise: Promise<unknown>): Promise<number | string> {
  try {
    await promise;
    return 'ok';
  } catch (err) {
    return err instanceof HarborError ? err.getStatus() : String(err);
  }
}

describe('ApiAuthenticator', () => {
  const correct = new FakeIdentity(async (login, password) => (login === 'alice' && password === 'Right1234' ? ALICE : undefined));

  it('is anonymous without credentials and 401 for malformed ones', async () => {
    const throttle = new FakeThrottle();
    const auth = make(correct, throttle);
    expect((await auth.authenticate(undefined, '10.0.0.1')).isAnonymous).toBe(true);
    expect(await status(auth.authenticate('Bearer x', '10.0.0.1'))).toBe(401);
    expect(throttle.events).toEqual([]);
  });

  it('counts wrong passwords and clears on success', async () => {
    const throttle = new FakeThrottle();
    const auth = make(correct, throttle);
    expect(await status(auth.authenticate(basicAuthHeader('alice', 'Wrong1234'), '10.0.0.1'))).toBe(401);
    const access = await auth.authenticate(basicAuthHeader('alice', 'Right1234'), '10.0.0.1');
    expect(access.principal).toBe(ALICE);
    expect(throttle.events).toEqual(['failed alice@10.0.0.1', 'succeeded alice@10.0.0.1']);
  });

  it('refuses without checking while locked', async () => {
    const identity = new FakeIdentity(async () => ALICE);
    const auth = make(identity, new FakeThrottle(true));
    expect(await status(auth.authenticate(basicAuthHeader('alice', 'Right1234'), '10.0.0.1'))).toBe(401);
    expect(identity.calls).toBe(0);
  });

  it('answers an unreachable directory with 503 and does not count it as a failure', async () => {
    const throttle = new FakeThrottle();
    const down = new FakeIdentity(async () => {
      throw new AuthBackendUnavailableError('ldap', 'connect ECONNREFUSED');
    });
    expect(await status(make(down, throttle).authenticate(basicAuthHeader('alice', 'Right1234'), '10.0.0.1'))).toBe(503);
    expect(throttle.events).toEqual([]);
  });

  it('takes ID tokens and, where allowed, CLI secrets in auth_mode oidc_auth only, behind the same throttle', async () => {
    const throttle = new FakeThrottle();
    const oidc = new FakeOidc(true);
    const auth = make(correct, throttle, oidc);
    expect((await auth.authenticate('Bearer good.id.token', '10.0.0.1')).principal).toBe(ALICE);
    expect(await status(auth.authenticate('Bearer bad.id.token', '10.0.0.1'))).toBe(401);
    expect((await auth.authenticate(basicAuthHeader('alice', 'Cli-Secret-1'), '10.0.0.1', { cliSecret: true })).principal).toBe(ALICE);
    // Where a CLI secret is not taken, it is only a (wrong) password.
    expect(await status(auth.authenticate(basicAuthHeader('alice', 'Cli-Secret-1'), '10.0.0.1'))).toBe(401);
    expect(await status(auth.authenticate(basicAuthHeader('alice', 'Cli-Secret-2'), '10.0.0.1', { cliSecret: true }))).toBe(401);
    expect(throttle.events).toEqual(['succeeded alice@10.0.0.1', 'failed alice@10.0.0.1', 'failed alice@10.0.0.1']);

    const off = new FakeOidc(false);
    const dbMode = make(correct, new FakeThrottle(), off);
    expect(await status(dbMode.authenticate('Bearer good.id.token', '10.0.0.1'))).toBe(401);
    expect((await dbMode.authenticate(basicAuthHeader('alice', 'Right1234'), '10.0.0.1', { cliSecret: true })).principal).toBe(ALICE);
    expect(off.asked).toEqual(['cli alice']);
  });
});
