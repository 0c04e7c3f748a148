import { createHash, randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { captureOutput, expectLoggedOnce, type PrivateRedis, startPrivateRedis } from '@wharf/outage/testing';
import Redis from 'ioredis';
import { closeCore, createCoreApp, listeningPort } from '../server';
import { api, ApiResponse, basicAuthHeader, CoreHarness, createTestUser, errorCode, startTestCore, TestUser } from '../testing';

const CSRF = 'X-Harbor-CSRF-Token';
const SESSION_KEYS = 'wharf:session:';

const messageOf = (res: ApiResponse) => (res.body as { errors: { message: string }[] }).errors[0].message;

/** A response header that must be there. */
function headerOf(res: ApiResponse, name: string): string {
  const value = res.headers.get(name);
  if (value === null) throw new Error(`no ${name} on a ${res.status} answer`);
  return value;
}

/** The session id a response's Set-Cookie gives (throws when it sets none). */
function sidOf(res: ApiResponse): string {
  const match = /^sid=([A-Za-z0-9_-]{43});/.exec(res.headers.get('set-cookie') ?? '');
  if (!match) throw new Error(`no session cookie in ${res.status} ${res.headers.get('set-cookie')}`);
  return match[1];
}

/** Calls against one core: the console's login form and requests carrying a session cookie. */
class Console {
  constructor(readonly url: string) {}

  /** The token any API answer carries; without a session, the one the login form needs. */
  async token(headers: Record<string, string> = {}): Promise<string> {
    return headerOf(await api(this.url, 'GET', '/api/v2.0/systeminfo', { headers }), CSRF);
  }

  async login(principal: string, password: string, headers: Record<string, string> = {}): Promise<ApiResponse> {
    const body = new URLSearchParams({ principal, password }).toString();
    return api(this.url, 'POST', '/c/login', { body, headers: { 'Content-Type': 'application/x-www-form-urlencoded', [CSRF]: await this.token(), ...headers } });
  }

  /** Logs in (which must succeed); the session id and its CSRF token. */
  async session(user: { username: string; password: string }): Promise<{ sid: string; token: string }> {
    const res = await this.login(user.username, user.password);
    if (res.status !== 200) throw new Error(`login of ${user.username} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return { sid: sidOf(res), token: headerOf(res, CSRF) };
  }

  call<T = unknown>(method: string, path: string, sid: string, headers: Record<string, string> = {}, body?: unknown): Promise<ApiResponse<T>> {
    return api<T>(this.url, method, path, { headers: { Cookie: `lang=en; sid=${sid}`, ...headers }, body });
  }

  current(sid: string, headers: Record<string, string> = {}) {
    return this.call<{ username: string }>('GET', '/api/v2.0/users/current', sid, headers);
  }

  logout(sid?: string) {
    return api(this.url, 'GET', '/c/log_out', { headers: sid ? { Cookie: `sid=${sid}` } : {} });
  }
}

describe('console sessions', () => {
  let core: CoreHarness;
  let web: Console;
  let redis: Redis;
  let replica: NestFastifyApplication | undefined;
  let alice: TestUser;
  const prefix = `wharf-test:${randomBytes(6).toString('hex')}:`;
  const sessionKey = (sid: string) => `${prefix}${SESSION_KEYS}${createHash('sha256').update(sid).digest('hex')}`;
  const record = async (sid: string) => {
    const raw = await redis.get(sessionKey(sid));
    if (raw === null) throw new Error('no session in redis');
    return JSON.parse(raw) as { userId: number; renewedAt: number };
  };
  const setTimeoutMinutes = async (minutes: number) =>
    expect((await api(core.url, 'PUT', '/api/v2.0/configurations', { auth: core.adminAuth, body: { session_timeout: minutes } })).status).toBe(200);
  const auditOf = async (username: string) =>
    (await api<{ operation: string; resource: string; resource_type: string }[]>(core.url, 'GET', `/api/v2.0/audit-logs?q=username=${username}`, { auth: core.adminAuth })).body;

  beforeAll(async () => {
    core = await startTestCore({}, { redisKeyPrefix: prefix });
    web = new Console(core.url);
    redis = new Redis(core.config.redisUrl);
    alice = await createTestUser(core.url, core.adminAuth, 'alice', 'Alice-1234');
  });
  afterAll(async () => {
    if (replica) await closeCore(replica);
    redis?.disconnect();
    await core?.close();
  });

  it('logs a user in: 200, no body, an HttpOnly SameSite=Lax cookie whose id Redis never sees, and the session token', async () => {
    const res = await web.login('alice', 'Alice-1234');
    expect(res.status).toBe(200);
    expect(res.body).toBeUndefined();
    const sid = sidOf(res);
    expect(res.headers.get('set-cookie')).toBe(`sid=${sid}; Path=/; HttpOnly; SameSite=Lax`);
    const token = res.headers.get(CSRF);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(token).not.toBe(await web.token());

    const current = await web.current(sid);
    expect([current.status, current.body.username]).toEqual([200, 'alice']);
    expect(current.headers.get(CSRF)).toBe(token);
    // Redis holds the hash of the id: the key and the value both lack the id itself.
    expect(await record(sid)).toMatchObject({ userId: alice.id });
    const keys = await redis.keys(`${prefix}*`);
    expect(keys).toContain(sessionKey(sid));
    for (const key of keys) {
      expect(key).not.toContain(sid);
      if ((await redis.type(key)) === 'string') expect(await redis.get(key)).not.toContain(sid);
    }
    // Harbor's default session_timeout: an hour.
    const ttl = await redis.pttl(sessionKey(sid));
    expect(ttl).toBeGreaterThan(59 * 60_000);
    expect(ttl).toBeLessThanOrEqual(60 * 60_000);
    expect(await auditOf('alice')).toEqual([expect.objectContaining({ operation: 'login', resource_type: 'user', resource: 'alice' })]);
  });

  it('marks the cookie Secure when the request came over HTTPS through a trusted proxy', async () => {
    const res = await web.login('alice', 'Alice-1234', { 'X-Forwarded-Proto': 'https' });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toBe(`sid=${sidOf(res)}; Path=/; HttpOnly; SameSite=Lax; Secure`);
    const out = await api(core.url, 'GET', '/c/log_out', { headers: { Cookie: `sid=${sidOf(res)}`, 'X-Forwarded-Proto': 'https' } });
    expect(out.headers.get('set-cookie')).toMatch(/^sid=; Path=\/; .*Max-Age=0; HttpOnly; SameSite=Lax; Secure$/);
  });

  it('refuses wrong passwords and robots (401), a form without the CSRF token (403), other bodies (415) and missing fields (400)', async () => {
    const wrong = await web.login('alice', 'Wrong-1234');
    expect([wrong.status, errorCode(wrong), messageOf(wrong)]).toEqual([401, 'UNAUTHORIZED', 'invalid username or password']);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect((await web.login('nobody', 'Whatever-1')).status).toBe(401);

    const robot = await api<{ name: string; secret: string }>(core.url, 'POST', '/api/v2.0/robots', {
      auth: core.adminAuth,
      body: { name: 'console-bot', level: 'system', duration: -1, permissions: [{ kind: 'project', namespace: '*', access: [{ resource: 'repository', action: 'pull' }] }] },
    });
    expect(robot.status).toBe(201);
    const refused = await web.login(robot.body.name, robot.body.secret);
    expect([refused.status, errorCode(refused), messageOf(refused)]).toEqual([401, 'UNAUTHORIZED', 'robot accounts cannot log in to the web console']);
    // The robot's own credentials still work where robots belong.
    expect((await api(core.url, 'GET', '/api/v2.0/projects', { auth: basicAuthHeader(robot.body.name, robot.body.secret) })).status).toBe(200);

    const form = new URLSearchParams({ principal: 'alice', password: 'Alice-1234' }).toString();
    const formHeaders = { 'Content-Type': 'application/x-www-form-urlencoded' };
    const noToken = await api(core.url, 'POST', '/c/login', { body: form, headers: formHeaders });
    expect([noToken.status, errorCode(noToken), messageOf(noToken)]).toEqual([403, 'FORBIDDEN', 'CSRF token not found in request']);
    // The refusal hands out the token the form needs, as Harbor's does.
    expect(noToken.headers.get(CSRF)).toBe(await web.token());
    const badToken = await api(core.url, 'POST', '/c/login', { body: form, headers: { ...formHeaders, [CSRF]: 'x'.repeat(43) } });
    expect([badToken.status, messageOf(badToken)]).toEqual([403, 'CSRF token invalid']);
    expect((await api(core.url, 'POST', '/c/login', { body: form, headers: { ...formHeaders, [CSRF]: headerOf(noToken, CSRF) } })).status).toBe(200);

    const json = await api(core.url, 'POST', '/c/login', { body: { principal: 'alice', password: 'Alice-1234' }, headers: { [CSRF]: await web.token() } });
    expect([json.status, errorCode(json)]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const missing = await api(core.url, 'POST', '/c/login', { body: 'principal=alice', headers: { ...formHeaders, [CSRF]: await web.token() } });
    expect([missing.status, errorCode(missing)]).toEqual([400, 'BAD_REQUEST']);
  });

  it('goes through the login throttle Basic credentials go through, and tells a locked user why', async () => {
    const erin = await createTestUser(core.url, core.adminAuth, 'erin', 'Erin-12345');
    for (let i = 0; i < 5; i++) expect((await web.login('erin', `Wrong-${i}xyz`)).status).toBe(401);
    const locked = await web.login('erin', erin.password);
    expect([locked.status, messageOf(locked)]).toEqual([401, 'too many failed attempts; try again later']);
    // The same counters: Basic credentials from this address are locked too, others are not.
    expect((await api(core.url, 'GET', '/api/v2.0/users/current', { auth: erin.auth })).status).toBe(401);
    expect((await web.login('erin', erin.password, { 'X-Forwarded-For': '203.0.113.9' })).status).toBe(200);
  });

  it('state-changing calls made with the cookie need the session token; Basic clients and anonymous callers are not asked for one', async () => {
    const { sid, token } = await web.session(alice);
    const other = await web.session(alice);
    const create = (name: string, headers: Record<string, string> = {}) => web.call('POST', '/api/v2.0/projects', sid, headers, { project_name: name });

    const none = await create('no-token');
    expect([none.status, errorCode(none), messageOf(none)]).toEqual([403, 'FORBIDDEN', 'CSRF token not found in request']);
    expect(none.headers.get(CSRF)).toBe(token);
    for (const wrong of [await web.token(), other.token, token.slice(1) + 'A']) {
      const res = await create('wrong-token', { [CSRF]: wrong });
      expect([res.status, messageOf(res)]).toEqual([403, 'CSRF token invalid']);
    }
    expect((await create('with-token', { [CSRF]: token })).status).toBe(201);
    expect((await web.call('DELETE', '/api/v2.0/projects/with-token', sid)).status).toBe(403);
    expect((await web.call('DELETE', '/api/v2.0/projects/with-token', sid, { [CSRF]: token })).status).toBe(200);
    // Reading needs no token.
    expect((await web.call('GET', '/api/v2.0/projects', sid)).status).toBe(200);

    // An Authorization header wins over the cookie, and such clients send no token.
    const basic = await api(core.url, 'POST', '/api/v2.0/projects', { auth: alice.auth, body: { project_name: 'basic-client' } });
    expect(basic.status).toBe(201);
    const basicWithCookie = await api(core.url, 'POST', '/api/v2.0/projects', { auth: core.adminAuth, headers: { Cookie: `sid=${sid}` }, body: { project_name: 'basic-cookie' } });
    expect(basicWithCookie.status).toBe(201);
    expect((await api<{ owner_name: string }>(core.url, 'GET', '/api/v2.0/projects/basic-cookie', { auth: core.adminAuth })).body.owner_name).toBe('admin');
    // No session: anonymous, refused for who it is, not for a token.
    const anonymous = await api(core.url, 'POST', '/api/v2.0/projects', { headers: { Cookie: `sid=${'A'.repeat(43)}` }, body: { project_name: 'anon' } });
    expect([anonymous.status, errorCode(anonymous)]).toEqual([401, 'UNAUTHORIZED']);
  });

  it('logging out ends the session and clears the cookie', async () => {
    const { sid } = await web.session(alice);
    const out = await web.logout(sid);
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toBe('sid=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; SameSite=Lax');
    expect(out.headers.get(CSRF)).toBe(await web.token());
    expect(await redis.exists(sessionKey(sid))).toBe(0);
    const after = await web.current(sid);
    expect([after.status, errorCode(after)]).toEqual([401, 'UNAUTHORIZED']);
    expect((await auditOf('alice')).map((a) => a.operation)).toContain('logout');
    // Without a session there is nothing to end: still 200.
    expect((await web.logout()).status).toBe(200);
    expect((await web.logout(sid)).status).toBe(200);
  });

  it('a session lives session_timeout minutes after its last use, renewed at most once a minute', async () => {
    await setTimeoutMinutes(5);
    try {
      const { sid } = await web.session(alice);
      const key = sessionKey(sid);
      expect(await redis.pttl(key)).toBeGreaterThan(4.5 * 60_000);
      expect(await redis.pttl(key)).toBeLessThanOrEqual(5 * 60_000);
      // Used right after login: nothing is written.
      const renewedAt = (await record(sid)).renewedAt;
      expect((await web.current(sid)).status).toBe(200);
      expect((await record(sid)).renewedAt).toBe(renewedAt);

      // Unused for a while (its lifetime shortened to stand for that), then used: a full lifetime again.
      await redis.pexpire(key, 100_000);
      expect((await web.current(sid)).status).toBe(200);
      expect(await redis.pttl(key)).toBeGreaterThan(4.5 * 60_000);
      expect((await record(sid)).renewedAt).toBeGreaterThan(renewedAt);
      // Harbor's no-renewal header (the console's polling) keeps the session from being renewed.
      await redis.pexpire(key, 100_000);
      expect((await web.current(sid, { 'X-Harbor-No-Session-Renewal': 'true' })).status).toBe(200);
      expect(await redis.pttl(key)).toBeLessThanOrEqual(100_000);

      // A shorter timeout applies to sessions already running at their next use.
      await setTimeoutMinutes(2);
      expect((await web.current(sid)).status).toBe(200);
      expect(await redis.pttl(key)).toBeLessThanOrEqual(2 * 60_000);
      expect(await redis.pttl(key)).toBeGreaterThan(60_000);

      // Once Redis lets it expire, the cookie is worth nothing.
      await redis.pexpire(key, 1);
      await new Promise((r) => setTimeout(r, 20));
      expect((await web.current(sid)).status).toBe(401);
    } finally {
      await setTimeoutMinutes(60);
    }
    const refused = await api(core.url, 'PUT', '/api/v2.0/configurations', { auth: core.adminAuth, body: { session_timeout: 0 } });
    expect([refused.status, messageOf(refused)]).toEqual([400, 'session_timeout must be between 1 and 9999999999 minutes']);
    expect((await api<Record<string, unknown>>(core.url, 'GET', '/api/v2.0/configurations', { auth: core.adminAuth })).body['session_timeout']).toEqual({ value: 60, editable: true });
  });

  it('a new password ends the user’s sessions (but the one that changed it), and so does deleting the user', async () => {
    const bob = await createTestUser(core.url, core.adminAuth, 'bob', 'Bob-123456');
    const changer = await web.session(bob);
    const elsewhere = await web.session(bob);
    const change = await web.call('PUT', `/api/v2.0/users/${bob.id}/password`, changer.sid, { [CSRF]: changer.token }, { old_password: 'Bob-123456', new_password: 'Bob-654321' });
    expect(change.status).toBe(200);
    expect((await web.current(changer.sid)).status).toBe(200);
    expect((await web.current(elsewhere.sid)).status).toBe(401);
    expect(await redis.exists(sessionKey(elsewhere.sid))).toBe(0);

    // An administrator's reset ends them all.
    const reset = await api(core.url, 'PUT', `/api/v2.0/users/${bob.id}/password`, { auth: core.adminAuth, body: { new_password: 'Bob-111111' } });
    expect(reset.status).toBe(200);
    expect((await web.current(changer.sid)).status).toBe(401);
    const fresh = await web.session({ username: 'bob', password: 'Bob-111111' });
    expect((await web.current(fresh.sid)).body.username).toBe('bob');

    expect((await api(core.url, 'DELETE', `/api/v2.0/users/${bob.id}`, { auth: core.adminAuth })).status).toBe(200);
    expect((await web.current(fresh.sid)).status).toBe(401);
    // A user of the same name later is someone else: the old cookie does not become theirs.
    await createTestUser(core.url, core.adminAuth, 'bob', 'Bob-123456');
    expect((await web.current(fresh.sid)).status).toBe(401);
  });

  it('a session started on one replica is served, checked and ended by another', async () => {
    // The second replica trusts no proxy on loopback: X-Forwarded-Proto from here is ignored.
    replica = await createCoreApp({ ...core.config, port: 0, trustedProxies: ['10.0.0.0/8'] }, { redisKeyPrefix: prefix });
    await replica.listen(0, '127.0.0.1');
    const other = new Console(`http://127.0.0.1:${listeningPort(replica)}`);
    const { sid, token } = await web.session(alice);

    const current = await other.current(sid);
    expect([current.status, current.body.username]).toEqual([200, 'alice']);
    expect(current.headers.get(CSRF)).toBe(token);
    expect(await other.token()).toBe(await web.token());
    expect((await other.call('POST', '/api/v2.0/projects', sid, { [CSRF]: token }, { project_name: 'via-replica' })).status).toBe(201);
    expect((await other.call('POST', '/api/v2.0/projects', sid, {}, { project_name: 'via-replica-2' })).status).toBe(403);

    const plain = await other.login('alice', 'Alice-1234', { 'X-Forwarded-Proto': 'https' });
    expect(plain.headers.get('set-cookie')).toBe(`sid=${sidOf(plain)}; Path=/; HttpOnly; SameSite=Lax`);
    expect((await web.current(sidOf(plain))).status).toBe(200);

    expect((await other.logout(sid)).status).toBe(200);
    expect((await web.current(sid)).status).toBe(401);
  });
});

describe('console sessions without redis', () => {
  let redis: PrivateRedis;
  let core: CoreHarness;
  let web: Console;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    // Warnings shown: the outage's log is one of them.
    core = await startTestCore({ redisUrl: redis.url, jobRedisUrl: redis.url, registryRedisUrl: redis.url, logLevel: 'warn' });
    web = new Console(core.url);
  });
  afterAll(async () => {
    redis?.thaw();
    await core?.close();
    await redis?.stop();
  });

  it('answers logins and session requests 503 while Redis does not answer; Basic credentials keep working', async () => {
    const alice = await createTestUser(core.url, core.adminAuth, 'alice', 'Alice-1234');
    const { sid } = await web.session(alice);
    expect((await web.current(sid)).status).toBe(200);
    // Frozen, as a hung Redis host is: connections stay open and nothing is answered.
    redis.freeze();
    const output = captureOutput();
    try {
      const login = await web.login('alice', 'Alice-1234');
      expect([login.status, errorCode(login)]).toEqual([503, 'SERVICE_UNAVAILABLE']);
      expect(messageOf(login)).toBe('the session store (Redis) cannot be reached; try again later');
      expect(login.headers.get('set-cookie')).toBeNull();
      for (let i = 0; i < 20; i++) {
        const current = await web.current(sid);
        expect([current.status, errorCode(current)]).toEqual([503, 'SERVICE_UNAVAILABLE']);
      }
      // The browser forgets its cookie even though the session could not be ended.
      const out = await web.logout(sid);
      expect(out.status).toBe(503);
      expect(out.headers.get('set-cookie')).toMatch(/^sid=; /);

      const basic = await api<{ username: string }>(core.url, 'GET', '/api/v2.0/users/current', { auth: alice.auth });
      expect([basic.status, basic.body.username]).toEqual([200, 'alice']);
      expect((await api(core.url, 'POST', '/api/v2.0/projects', { auth: alice.auth, body: { project_name: 'during-outage' } })).status).toBe(201);
      // Wrong credentials stay wrong.
      expect((await web.login('alice', 'Wrong-1234')).status).toBe(401);
    } finally {
      output.stop();
      redis.thaw();
    }
    // Said once, not once per answer.
    expectLoggedOnce(output.lines(), 'failed to reach redis for the console sessions', 2);
  });
});
