import { createHash, generateKeyPairSync } from 'node:crypto';
import { importJWK, type JWK, SignJWT } from 'jose';
import * as client from 'openid-client';
import {
  api,
  basicAuthHeader,
  CoreHarness,
  createTestProject,
  errorCode,
  sqlQuery,
  startTestCore,
  startTestProvider,
  TestBrowser,
  TestProvider,
} from '../testing';
import { parseStoredToken } from './oidc-token';
import { SecretBox } from './secret-box';

const CLIENT_ID = 'wharf';
const CLIENT_SECRET = 'wharf-client-secret';
const CSRF = 'X-Harbor-CSRF-Token';
const DEVELOPER = 2;

interface CurrentUser {
  user_id: number;
  username: string;
  sysadmin_flag: boolean;
  oidc_user_meta?: { id: number; user_id: number; subiss: string; secret: string };
}

const messageOf = (res: { body: unknown }) => (res.body as { errors: { message: string }[] }).errors[0].message;

describe('OIDC authentication (auth_mode oidc_auth) against a real provider', () => {
  let core: CoreHarness;
  let provider: TestProvider;
  const settings = (body: Record<string, unknown>) => api(core.url, 'PUT', '/api/v2.0/configurations', { auth: core.adminAuth, body });
  const bearer = (token: string) => `Bearer ${token}`;
  const current = (auth: string) => api<CurrentUser>(core.url, 'GET', '/api/v2.0/users/current', { auth });
  const csrfToken = async () => (await api(core.url, 'GET', '/api/v2.0/systeminfo')).headers.get(CSRF) ?? '';

  /** A browser that logs in to the console through the provider as `account`; where it ends. */
  async function consoleLogin(account: string, redirectUrl = '/harbor/projects') {
    const browser = new TestBrowser();
    const end = await browser.follow(`${core.url}/c/oidc/login?redirect_url=${encodeURIComponent(redirectUrl)}`, account, core.url);
    return { browser, end, sid: browser.cookie(core.url, 'sid') };
  }

  async function onboard(browser: TestBrowser, username: string) {
    return browser.request(`${core.url}/c/oidc/onboard`, { method: 'POST', body: JSON.stringify({ username }), headers: { 'Content-Type': 'application/json', [CSRF]: await csrfToken() } });
  }

  /** An ID token the provider issues to Wharf's client for `account` (the code flow, run here). */
  async function idTokenOf(account: string): Promise<string> {
    const config = await client.discovery(new URL(provider.issuer), CLIENT_ID, CLIENT_SECRET, undefined, { execute: [client.allowInsecureRequests] });
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: `${core.url}/c/oidc/callback`,
      scope: 'openid profile groups',
      state,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const browser = new TestBrowser();
    const end = await browser.follow(url.href, account, (target) => target.pathname === '/c/oidc/callback');
    const tokens = await client.authorizationCodeGrant(config, new URL(end.url), { pkceCodeVerifier: verifier, expectedState: state });
    if (!tokens.id_token) throw new Error('no ID token');
    return tokens.id_token;
  }

  /** An ID token signed with `key` (the provider's by default) with these claims. */
  async function forged(claims: Record<string, unknown>, key: JWK & { kid?: string } = provider.signingKey as JWK): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: provider.issuer, aud: CLIENT_ID, sub: 'alice', iat: now, exp: now + 600, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid ?? 'test-key' })
      .sign(await importJWK(key, 'RS256'));
  }

  /** The stored token set of a user, decrypted with the installation's key, and a way to store another. */
  async function storedTokenOf(username: string) {
    const [{ value }] = await sqlQuery<{ value: Buffer }>(core.db.url, "SELECT value FROM registry_secret WHERE name = 'oidc_secret'");
    const box = new SecretBox(createHash('sha256').update(value).digest());
    const [row] = await sqlQuery<{ token: string; user_id: number }>(core.db.url, 'SELECT o.token, o.user_id FROM oidc_user o JOIN app_user u ON u.id = o.user_id WHERE u.username = $1', [username]);
    return {
      token: parseStoredToken(box.open(row.token)),
      store: (token: object) => sqlQuery(core.db.url, 'UPDATE oidc_user SET token = $2 WHERE user_id = $1', [row.user_id, box.seal(JSON.stringify(token))]),
    };
  }

  beforeAll(async () => {
    core = await startTestCore();
    provider = await startTestProvider({
      clients: [{ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uris: [`${core.url}/c/oidc/callback`], post_logout_redirect_uris: [`${core.url}/harbor/sign-in`] }],
      groups: { alice: ['dev-team', 'other-team'], root: ['wharf-admins'] },
      names: { alice: 'Alice Liddell', root: 'Root Person' },
    });
    const res = await settings({
      auth_mode: 'oidc_auth',
      oidc_name: 'Test IdP',
      oidc_endpoint: provider.issuer,
      oidc_client_id: CLIENT_ID,
      oidc_client_secret: CLIENT_SECRET,
      oidc_scope: 'openid,profile,email,groups,offline_access',
      oidc_groups_claim: 'groups',
      oidc_admin_group: 'wharf-admins',
      oidc_group_filter: '^(dev|wharf)-',
      oidc_user_claim: 'preferred_username',
    });
    expect(res.status).toBe(200);
  });

  afterAll(async () => {
    await provider?.stop();
    await core?.close();
  });

  describe('settings and ping', () => {
    it('keeps the oidc_* items (the client secret never returned) and tells the console the mode and provider name', async () => {
      const config = await api<Record<string, { value: unknown; editable: boolean }>>(core.url, 'GET', '/api/v2.0/configurations', { auth: core.adminAuth });
      expect(config.body['auth_mode']).toEqual({ value: 'oidc_auth', editable: true });
      expect(config.body['oidc_endpoint'].value).toBe(provider.issuer);
      expect(config.body['oidc_verify_cert']).toEqual({ value: true, editable: true });
      expect(config.body['oidc_extra_redirect_parms'].value).toBe('{}');
      expect(config.body['primary_auth_mode']).toEqual({ value: false, editable: true });
      expect(config.body).not.toHaveProperty('oidc_client_secret');
      const info = await api<Record<string, unknown>>(core.url, 'GET', '/api/v2.0/systeminfo');
      expect(info.body).toMatchObject({ auth_mode: 'oidc_auth', oidc_provider_name: 'Test IdP' });
    });

    it('refuses values OIDC cannot work with (400, nothing changed)', async () => {
      for (const [body, message] of [
        [{ oidc_extra_redirect_parms: '[1]' }, 'oidc_extra_redirect_parms must be a JSON object of strings'],
        [{ oidc_group_filter: '(' }, 'oidc_group_filter must be a valid regular expression'],
        [{ oidc_endpoint: 'ftp://x' }, 'oidc_endpoint must be an http or https URL'],
        [{ oidc_scope: 'profile,email' }, 'invalid OIDC settings for oidc_auth: oidc_scope must include openid'],
        [{ oidc_verify_cert: 'yes' }, 'oidc_verify_cert must be a boolean'],
      ] as const) {
        const res = await settings(body);
        expect([res.status, messageOf(res)]).toEqual([400, message]);
      }
      expect((await settings({ oidc_extra_redirect_parms: '{"prompt":"login"}' })).status).toBe(200);
      expect((await settings({ oidc_extra_redirect_parms: '{}' })).status).toBe(200);
    });

    it('pings an endpoint by its discovery document: 200 for the provider, 400 for anything else, admins only', async () => {
      const ping = (body: unknown, auth?: string) => api(core.url, 'POST', '/api/v2.0/system/oidc/ping', { auth: auth ?? core.adminAuth, body });
      expect((await ping({ url: provider.issuer, verify_cert: true })).status).toBe(200);
      const wrong = await ping({ url: `${core.url}/nothing-here`, verify_cert: false });
      expect([wrong.status, errorCode(wrong), messageOf(wrong)]).toEqual([400, 'BAD_REQUEST', 'failed to verify connection']);
      expect((await ping({ url: 'not a url' })).status).toBe(400);
      expect((await ping({ url: provider.issuer, verify_cert: 'no' })).status).toBe(400);
      const anonymous = await api(core.url, 'POST', '/api/v2.0/system/oidc/ping', { body: { url: provider.issuer } });
      expect(anonymous.status).toBe(401);
      const robot = await api<{ name: string; secret: string }>(core.url, 'POST', '/api/v2.0/robots', {
        auth: core.adminAuth,
        body: { name: 'ping-bot', level: 'system', duration: -1, permissions: [{ kind: 'project', namespace: '*', access: [{ resource: 'repository', action: 'pull' }] }] },
      });
      expect((await ping({ url: provider.issuer }, basicAuthHeader(robot.body.name, robot.body.secret))).status).toBe(403);
    });
  });

  describe('console login', () => {
    it('sends a new user to the onboarding page, where the user picks a name; groups come from the claim, filtered', async () => {
      await settings({ oidc_auto_onboard: false });
      const { browser, end, sid } = await consoleLogin('alice');
      expect(end.response.status).toBe(302);
      expect(end.url).toBe(`${core.url}/harbor/oidc-onboard?username=alice&redirect_url=%2Fharbor%2Fprojects`);
      expect(sid).toBeUndefined();
      // PKCE went along: the provider was asked with an S256 challenge, and Wharf's callback was reached.
      const authorize = new URL(browser.visited.find((url) => url.startsWith(`${provider.issuer}/auth?`)) ?? 'http://none');
      expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
      expect(authorize.searchParams.get('nonce')).toMatch(/.{20,}/);
      expect(browser.lastCallback()).toContain('code=');

      const illegal = await onboard(browser, 'alice,x');
      expect(illegal.status).toBe(400);
      const noCsrf = await browser.request(`${core.url}/c/oidc/onboard`, { method: 'POST', body: JSON.stringify({ username: 'alice' }), headers: { 'Content-Type': 'application/json' } });
      expect(noCsrf.status).toBe(403);
      const created = await onboard(browser, 'alice');
      expect(created.status).toBe(200);
      const session = browser.cookie(core.url, 'sid');
      expect(session).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const me = await api<CurrentUser>(core.url, 'GET', '/api/v2.0/users/current', { headers: { Cookie: `sid=${session}` } });
      expect(me.body).toMatchObject({ username: 'alice', sysadmin_flag: false, oidc_user_meta: { subiss: `alice${provider.issuer}`, user_id: me.body.user_id } });
      expect(me.body.oidc_user_meta?.secret).toMatch(/^(?=.*[a-z])(?=.*[A-Z])(?=.*[0-9]).{8,128}$/);
      const groups = await api<{ group_name: string; group_type: number }[]>(core.url, 'GET', '/api/v2.0/usergroups', { auth: core.adminAuth });
      expect(groups.body.map((g) => [g.group_name, g.group_type])).toEqual([['dev-team', 3]]);
      // The onboarding is used up.
      expect((await onboard(browser, 'alice2')).status).toBe(400);
      // What the database keeps of the secret and the tokens is sealed.
      const [row] = await sqlQuery<{ secret: string; token: string }>(core.db.url, 'SELECT secret, token FROM oidc_user');
      expect(row.secret).not.toContain(me.body.oidc_user_meta?.secret);
      expect(row.secret.startsWith('v1:')).toBe(true);
      expect(row.token).not.toContain('refresh_token');
    });

    it('refuses a replayed callback, a mismatched state and a callback of a login another browser started', async () => {
      const { browser } = await consoleLogin('alice');
      const callback = browser.lastCallback() as string;
      const replay = await browser.request(callback);
      expect([replay.status, messageOf({ body: await replay.json() })]).toEqual([400, 'State mismatch']);

      const started = new TestBrowser();
      const begin = await started.request(`${core.url}/c/oidc/login`);
      expect(begin.status).toBe(302);
      const state = new URL(begin.headers.get('location') as string).searchParams.get('state') as string;
      expect((await started.request(`${core.url}/c/oidc/callback?code=x&state=forged`)).status).toBe(400);
      // The failed attempt used the login up: the right state no longer works either.
      expect((await started.request(`${core.url}/c/oidc/callback?code=x&state=${state}`)).status).toBe(400);
      const other = await new TestBrowser().request(`${core.url}/c/oidc/callback?code=x&state=${state}`);
      expect(other.status).toBe(400);
      expect((await new TestBrowser().request(`${core.url}/c/oidc/login?redirect_url=${encodeURIComponent('//evil.example/')}`)).status).toBe(400);
    });

    it('logs a known user in at once, and onboards new users by the user claim when auto onboarding is on; the admin group makes admins', async () => {
      const again = await consoleLogin('alice', '/harbor/users');
      expect(again.end.url).toBe(`${core.url}/harbor/users`);
      expect((await api<CurrentUser>(core.url, 'GET', '/api/v2.0/users/current', { headers: { Cookie: `sid=${again.sid}` } })).body.username).toBe('alice');

      await settings({ oidc_auto_onboard: true });
      const root = await consoleLogin('root');
      expect(root.end.url).toBe(`${core.url}/harbor/projects`);
      const me = await api<CurrentUser>(core.url, 'GET', '/api/v2.0/users/current', { headers: { Cookie: `sid=${root.sid}` } });
      expect(me.body).toMatchObject({ username: 'root', sysadmin_flag: true });
      // Out of the admin group at the provider: no longer an administrator at the next login.
      await provider.setGroups('root', []);
      const later = await consoleLogin('root');
      expect((await api<CurrentUser>(core.url, 'GET', '/api/v2.0/users/current', { headers: { Cookie: `sid=${later.sid}` } })).body.sysadmin_flag).toBe(false);
      await provider.setGroups('root', ['wharf-admins']);
    });
  });

  describe('console logout', () => {
    it('ends the session, and with oidc_logout on sends the browser to end the provider session too', async () => {
      const plain = await consoleLogin('alice');
      const out = await plain.browser.request(`${core.url}/c/oidc/logout`);
      expect([out.status, out.headers.get('location')]).toEqual([302, '/harbor/sign-in']);
      expect((await api(core.url, 'GET', '/api/v2.0/users/current', { headers: { Cookie: `sid=${plain.sid}` } })).status).toBe(401);

      await settings({ oidc_logout: true });
      const { browser, sid } = await consoleLogin('alice');
      const res = await browser.request(`${core.url}/c/oidc/logout`);
      const location = new URL(res.headers.get('location') as string);
      expect(`${location.origin}${location.pathname}`).toBe(`${provider.issuer}/session/end`);
      expect(location.searchParams.get('post_logout_redirect_uri')).toBe(`${core.url}/harbor/sign-in`);
      expect(location.searchParams.get('id_token_hint')).toMatch(/^ey/);
      expect((await api(core.url, 'GET', '/api/v2.0/users/current', { headers: { Cookie: `sid=${sid}` } })).status).toBe(401);
      // The provider takes the hint: it asks to confirm the logout, then comes back to the sign-in page.
      const page = await browser.request(location.href);
      expect(page.status).toBe(200);
      await settings({ oidc_logout: false });
    });
  });

  describe('ID tokens as bearer tokens', () => {
    it('takes the provider ID token of an onboarded user, with the groups it names', async () => {
      const me = await current(bearer(await idTokenOf('alice')));
      expect([me.status, me.body.username]).toEqual([200, 'alice']);
    });

    it('refuses forged, expired, foreign-audience, unknown-subject and malformed tokens (401)', async () => {
      const now = Math.floor(Date.now() / 1000);
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const stranger = { ...(privateKey.export({ format: 'jwk' }) as JWK), kid: 'test-key' };
      expect((await current(bearer(await forged({})))).status).toBe(200);
      for (const token of [
        await forged({ exp: now - 120, iat: now - 720 }),
        await forged({ aud: 'another-client' }),
        await forged({ iss: 'http://127.0.0.1:1' }),
        await forged({ sub: 'nobody' }),
        await forged({}, stranger),
        'not.a.token',
      ]) {
        const res = await current(bearer(token));
        expect([res.status, errorCode(res)]).toEqual([401, 'UNAUTHORIZED']);
      }
    });
  });

  describe('CLI secrets', () => {
    let secret: string;
    const token = (auth: string, scope: string) =>
      api<{ token: string }>(core.url, 'GET', `/service/token?service=${encodeURIComponent(core.config.token.service)}&scope=${encodeURIComponent(scope)}`, { auth });
    const grantedActions = (jwt: string) => (JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as { access: { actions: string[] }[] }).access[0].actions;

    beforeAll(async () => {
      secret = (await current(bearer(await idTokenOf('alice')))).body.oidc_user_meta?.secret as string;
      await createTestProject(core.url, core.adminAuth, 'devproj');
      const member = await api(core.url, 'POST', '/api/v2.0/projects/devproj/members', { auth: core.adminAuth, body: { role_id: DEVELOPER, member_group: { group_name: 'dev-team', group_type: 3 } } });
      expect(member.status).toBe(201);
    });

    it('stand in for the password at the token service (with the rights of the user groups) and on the API calls Harbor allows them on', async () => {
      const granted = await token(basicAuthHeader('alice', secret), 'repository:devproj/app:push,pull');
      expect(granted.status).toBe(200);
      expect(grantedActions(granted.body.token).sort()).toEqual(['pull', 'push']);
      expect((await api(core.url, 'GET', '/api/v2.0/projects', { auth: basicAuthHeader('alice', secret) })).status).toBe(200);
      // Not a password: the console's own calls need a session or an ID token.
      expect((await current(basicAuthHeader('alice', secret))).status).toBe(401);
      expect((await token(basicAuthHeader('alice', `${secret}x`), 'repository:devproj/app:pull')).status).toBe(401);
      // The administrator still logs in with a password.
      expect((await current(core.adminAuth)).body.username).toBe('admin');
    });

    it('refreshes an expired provider token on use, and stops working once the provider refuses the refresh', async () => {
      const before = await storedTokenOf('alice');
      expect(before.token.refresh_token).toBeTruthy();
      await before.store({ ...before.token, expires_at: Date.now() - 60_000 });
      expect((await token(basicAuthHeader('alice', secret), 'repository:devproj/app:pull')).status).toBe(200);
      const refreshed = await storedTokenOf('alice');
      expect(refreshed.token.access_token).not.toBe(before.token.access_token);
      expect(refreshed.token.expires_at).toBeGreaterThan(Date.now());

      // The provider ends the grant (revocation of the refresh token): the secret is refused.
      const revoke = await fetch(`${provider.issuer}/token/revocation`, {
        method: 'POST',
        headers: { Authorization: basicAuthHeader(CLIENT_ID, CLIENT_SECRET), 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: refreshed.token.refresh_token as string, token_type_hint: 'refresh_token' }).toString(),
      });
      expect(revoke.status).toBe(200);
      await refreshed.store({ ...refreshed.token, expires_at: Date.now() - 60_000 });
      expect((await token(basicAuthHeader('alice', secret), 'repository:devproj/app:pull')).status).toBe(401);
      // A new console login brings a new grant, and the secret works again.
      await consoleLogin('alice');
      expect((await token(basicAuthHeader('alice', secret), 'repository:devproj/app:pull')).status).toBe(200);
    });

    it('is changed by its user or an administrator, under Harbor rules; 412 for users not onboarded through OIDC', async () => {
      const alice = bearer(await idTokenOf('alice'));
      const { user_id: aliceId } = (await current(alice)).body;
      const put = (id: number, auth: string, body: unknown) => api(core.url, 'PUT', `/api/v2.0/users/${id}/cli_secret`, { auth, body });
      for (const weak of ['Short1', 'alllowercase1', 'ALLUPPERCASE1', 'NoDigitsHere', `Aa1${'x'.repeat(126)}`]) {
        const res = await put(aliceId, alice, { secret: weak });
        expect([res.status, messageOf(res)]).toEqual([400, 'the password or secret must be 8-128, inclusively, characters long with at least 1 uppercase letter, 1 lowercase letter and 1 number']);
      }
      expect((await put(aliceId, alice, { secret: 'NewSecret123' })).status).toBe(200);
      expect((await token(basicAuthHeader('alice', 'NewSecret123'), 'repository:devproj/app:pull')).status).toBe(200);
      expect((await token(basicAuthHeader('alice', secret), 'repository:devproj/app:pull')).status).toBe(401);
      // Empty: a random one, which the user reads back.
      expect((await put(aliceId, core.adminAuth, {})).status).toBe(200);
      const generated = (await current(alice)).body.oidc_user_meta?.secret as string;
      expect(generated).not.toBe('NewSecret123');
      expect((await token(basicAuthHeader('alice', generated), 'repository:devproj/app:pull')).status).toBe(200);
      // root is not an administrator now (out of the admin group), so may not change alice's.
      await provider.setGroups('root', []);
      const root = bearer(await idTokenOf('root'));
      expect((await put(aliceId, root, { secret: 'RootSays123' })).status).toBe(403);
      const admin = await current(core.adminAuth);
      const notOidc = await put(admin.body.user_id, core.adminAuth, { secret: 'Admin12345' });
      expect([notOidc.status, errorCode(notOidc)]).toEqual([412, 'PRECONDITION']);
      expect((await put(9999, core.adminAuth, { secret: 'Admin12345' })).status).toBe(404);
    });
  });
});

describe('OIDC routes outside oidc_auth', () => {
  let core: CoreHarness;
  beforeAll(async () => {
    core = await startTestCore();
  });
  afterAll(async () => {
    await core?.close();
  });

  it('answers 412 for the console login and for CLI secrets, and takes no bearer token', async () => {
    expect((await fetch(`${core.url}/c/oidc/login`, { redirect: 'manual' })).status).toBe(412);
    const put = await api(core.url, 'PUT', '/api/v2.0/users/1/cli_secret', { auth: core.adminAuth, body: { secret: 'Admin12345' } });
    expect([put.status, errorCode(put)]).toEqual([412, 'PRECONDITION']);
    expect((await api(core.url, 'GET', '/api/v2.0/users/current', { auth: 'Bearer a.b.c' })).status).toBe(401);
  });
});
