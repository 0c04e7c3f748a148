import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { READ_ONLY_CACHE_MS, READ_ONLY_MESSAGE } from '@wharf/db';
import { closeCore, createCoreApp, listeningPort } from '../server';
import { api, ApiResponse, basicAuthHeader, CoreHarness, createRoleCast, createTestProject, sqlQuery, startTestCore, TestUser } from '../testing';

const CSRF = 'X-Harbor-CSRF-Token';
const DENIED = { errors: [{ code: 'DENIED', message: READ_ONLY_MESSAGE }] };

/** Polls `probe` until it returns true or `limitMs` passes; the time it took. */
async function within(limitMs: number, probe: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (!(await probe())) {
    if (Date.now() - started > limitMs) throw new Error(`not seen within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - started;
}

describe('read-only mode (configuration item read_only)', () => {
  let core: CoreHarness;
  let replica: NestFastifyApplication | undefined;
  let replicaUrl: string;
  let cast: Record<'alice' | 'dave' | 'gina', TestUser>;
  let projectId: number;

  /** `auth` '' calls anonymously. */
  const call = (method: string, path: string, auth: string = core.adminAuth, body?: unknown, url = core.url) =>
    api(url, method, `/api/v2.0${path}`, { auth, body });
  const setReadOnly = (on: boolean, auth = core.adminAuth, url = core.url) => call('PUT', '/configurations', auth, { read_only: on }, url);
  const count = async (table: string) => Number((await sqlQuery<{ n: string }>(core.db.url, `SELECT count(*) AS n FROM ${table}`))[0]!.n);
  const expectDenied = (res: ApiResponse, what: string) => expect({ what, status: res.status, body: res.body }).toEqual({ what, status: 403, body: DENIED });

  beforeAll(async () => {
    core = await startTestCore();
    projectId = await createTestProject(core.url, core.adminAuth, 'frozen');
    cast = await createRoleCast(core.url, core.adminAuth, 'frozen', ['alice', 'dave', 'gina']);
    replica = await createCoreApp({ ...core.config, port: 0 }, { redisKeyPrefix: `wharf-test:${randomBytes(6).toString('hex')}:` });
    await replica.listen(0, '127.0.0.1');
    replicaUrl = `http://127.0.0.1:${listeningPort(replica)}`;
  });
  afterAll(async () => {
    if (replica) await closeCore(replica);
    await core?.close();
  });
  afterEach(async () => {
    // Each test starts writable, whatever it left behind.
    await sqlQuery(core.db.url, "DELETE FROM setting WHERE key = 'read_only'");
    await new Promise((r) => setTimeout(r, READ_ONLY_CACHE_MS + 50));
  });

  it('is off by default, shown and stored as a boolean, and switched by system administrators only', async () => {
    const items = await call('GET', '/configurations');
    expect((items.body as Record<string, unknown>)['read_only']).toEqual({ value: false, editable: true });
    expect((await call('GET', '/systeminfo')).body).toMatchObject({ read_only: false });
    // Anonymous callers get Harbor's short systeminfo, without the switch.
    expect((await call('GET', '/systeminfo', '')).body).not.toHaveProperty('read_only');

    const wrongType = await setReadOnly('yes' as never);
    expect([wrongType.status, wrongType.body]).toEqual([400, { errors: [{ code: 'BAD_REQUEST', message: 'read_only must be a boolean' }] }]);
    expect((await setReadOnly(true, cast.alice.auth)).status).toBe(403);
    expect((await setReadOnly(true, '')).status).toBe(401);
    expect(await sqlQuery(core.db.url, "SELECT value FROM setting WHERE key = 'read_only'")).toEqual([]);

    expect((await setReadOnly(true)).status).toBe(200);
    expect(await sqlQuery(core.db.url, "SELECT value FROM setting WHERE key = 'read_only'")).toEqual([{ value: true }]);
    expect((await call('GET', '/configurations')).body).toMatchObject({ read_only: { value: true, editable: true } });
    expect((await call('GET', '/systeminfo', cast.gina.auth)).body).toMatchObject({ read_only: true });
  });

  it('refuses every kind of change with 403 DENIED and Harbor\'s message, whoever asks, and changes nothing', async () => {
    expect((await setReadOnly(true)).status).toBe(200);
    const before = { project: await count('project'), app_user: await count('app_user'), project_member: await count('project_member'), robot: await count('robot'), audit_log: await count('audit_log') };
    const refused: [string, string, string, unknown?][] = [
      ['POST', '/projects', core.adminAuth, { project_name: 'thawed', metadata: { public: 'false' } }],
      ['POST', '/projects', cast.dave.auth, { project_name: 'thawed2' }],
      ['PUT', `/projects/${projectId}`, core.adminAuth, { metadata: { public: 'true' } }],
      ['DELETE', `/projects/${projectId}`, core.adminAuth],
      ['DELETE', '/projects/frozen/repositories/app', cast.alice.auth],
      ['DELETE', '/projects/frozen/repositories/app/artifacts/latest', cast.alice.auth],
      ['DELETE', '/projects/frozen/repositories/app/artifacts/latest/tags/v1', cast.dave.auth],
      ['POST', '/projects/frozen/repositories/app/artifacts/latest/tags', cast.dave.auth, { name: 'v2' }],
      ['POST', '/projects/frozen/members', cast.alice.auth, { role_id: 3, member_user: { username: 'gina' } }],
      ['POST', '/users', core.adminAuth, { username: 'newbie', password: 'Passw0rd!x', email: 'n@example.com', realname: 'n' }],
      ['PUT', `/users/${cast.gina.id}/password`, cast.gina.auth, { old_password: cast.gina.password, new_password: 'Other-Passw0rd' }],
      ['DELETE', `/users/${cast.gina.id}`, core.adminAuth],
      ['POST', '/robots', core.adminAuth, { name: 'ci', level: 'system', duration: 30, permissions: [] }],
      ['POST', '/system/gc/schedule', core.adminAuth, { schedule: { type: 'Manual' } }],
      ['POST', '/ldap/ping', core.adminAuth, {}],
      ['POST', '/projects', '', { project_name: 'anonymous' }],
    ];
    for (const [method, path, auth, body] of refused) expectDenied(await call(method, path, auth, body), `${method} ${path}`);
    expect({ project: await count('project'), app_user: await count('app_user'), project_member: await count('project_member'), robot: await count('robot'), audit_log: await count('audit_log') }).toEqual(before);

    // The refusal is the mode's: switched off, the same calls get their usual answers.
    expect((await setReadOnly(false)).status).toBe(200);
    expect((await call('DELETE', '/projects/frozen/repositories/app', cast.alice.auth)).status).toBe(404);
    expect((await call('POST', '/projects', cast.dave.auth, { project_name: 'thawed2' })).status).toBe(201);
  });

  it('keeps reads, the switch itself, console sign-in and the token service open', async () => {
    expect((await setReadOnly(true)).status).toBe(200);
    expect((await call('GET', '/projects')).status).toBe(200);
    expect((await call('GET', `/projects/${projectId}`, cast.gina.auth)).status).toBe(200);
    expect((await call('HEAD', '/projects?project_name=frozen')).status).toBe(200);
    expect((await call('GET', '/users/current', cast.dave.auth)).status).toBe(200);
    // Other items may be changed too (Harbor lets the whole PUT through).
    expect((await call('PUT', '/configurations', core.adminAuth, { token_expiration: 45, read_only: true })).status).toBe(200);

    // The console's sign-in, with the CSRF token any answer carries.
    const token = (await call('GET', '/systeminfo', '')).headers.get(CSRF)!;
    const login = await api(core.url, 'POST', '/c/login', {
      body: new URLSearchParams({ principal: 'dave', password: cast.dave.password }).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', [CSRF]: token },
    });
    expect(login.status).toBe(200);
    expect((await api(core.url, 'GET', '/c/log_out')).status).toBe(200);

    // Registry tokens are still issued, push included: the registry is what refuses the push.
    const get = await fetch(`${core.url}/service/token?service=harbor-registry&scope=repository:frozen/app:pull,push`, { headers: { Authorization: cast.dave.auth } });
    expect(get.status).toBe(200);
    const claims = JSON.parse(Buffer.from(((await get.json()) as { token: string }).token.split('.')[1]!, 'base64url').toString()) as { access: { actions: string[] }[] };
    expect(claims.access[0]!.actions.sort()).toEqual(['pull', 'push']);
    const post = await fetch(`${core.url}/service/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', username: 'dave', password: cast.dave.password, service: 'harbor-registry', scope: 'repository:frozen/app:pull' }).toString(),
    });
    expect(post.status).toBe(200);

    // And the administrator switches it off again.
    expect((await setReadOnly(false)).status).toBe(200);
    expect((await call('POST', '/projects', core.adminAuth, { project_name: 'after-thaw' })).status).toBe(201);
  });

  it('reaches another replica within a second, both ways, and a replica started later (a restart) finds it on', async () => {
    const replicaRefuses = async () => (await call('POST', '/projects', core.adminAuth, { project_name: 'probe-a' }, replicaUrl)).status === 403;
    const replicaInfo = async () => ((await call('GET', '/systeminfo', core.adminAuth, undefined, replicaUrl)).body as { read_only: boolean }).read_only;
    expect(await replicaInfo()).toBe(false);
    // Read by the replica just before the change: its copy is as fresh as it gets stale.
    expect((await call('GET', '/configurations', core.adminAuth, undefined, replicaUrl)).status).toBe(200);

    expect((await setReadOnly(true)).status).toBe(200);
    // The replica that took the change refuses at once.
    expectDenied(await call('POST', '/projects', core.adminAuth, { project_name: 'probe-b' }), 'POST /projects on the changing replica');
    const onAfter = await within(READ_ONLY_CACHE_MS + 1_000, replicaRefuses);
    expect(onAfter).toBeLessThanOrEqual(READ_ONLY_CACHE_MS + 500);
    expect(await replicaInfo()).toBe(true);

    const restarted = await createCoreApp({ ...core.config, port: 0 }, { redisKeyPrefix: `wharf-test:${randomBytes(6).toString('hex')}:` });
    try {
      await restarted.listen(0, '127.0.0.1');
      const restartedUrl = `http://127.0.0.1:${listeningPort(restarted)}`;
      expectDenied(await call('DELETE', `/projects/${projectId}`, core.adminAuth, undefined, restartedUrl), 'DELETE on a replica started while on');
      // The switch is turned off through another replica than the one that turned it on.
      expect((await setReadOnly(false, basicAuthHeader('admin', core.config.adminPassword), restartedUrl)).status).toBe(200);
    } finally {
      await closeCore(restarted);
    }
    const offAfter = await within(READ_ONLY_CACHE_MS + 1_000, async () => (await call('POST', '/projects', core.adminAuth, { project_name: 'probe-c' }, replicaUrl)).status === 201);
    expect(offAfter).toBeLessThanOrEqual(READ_ONLY_CACHE_MS + 500);
    expect((await call('POST', '/projects', core.adminAuth, { project_name: 'probe-d' })).status).toBe(201);
  });

  it('refuses a cookie session\'s change only after its CSRF check, as Harbor orders them', async () => {
    expect((await setReadOnly(true)).status).toBe(200);
    const token = (await call('GET', '/systeminfo', '')).headers.get(CSRF)!;
    const login = await api(core.url, 'POST', '/c/login', {
      body: new URLSearchParams({ principal: 'alice', password: cast.alice.password }).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', [CSRF]: token },
    });
    const sid = /sid=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')![1]!;
    const sessionToken = login.headers.get(CSRF)!;
    const body = { project_name: 'by-cookie' };
    const noToken = await api(core.url, 'POST', '/api/v2.0/projects', { body, headers: { Cookie: `sid=${sid}` } });
    expect(noToken.status).toBe(403);
    expect((noToken.body as { errors: { code: string }[] }).errors[0]!.code).toBe('FORBIDDEN');
    expectDenied(await api(core.url, 'POST', '/api/v2.0/projects', { body, headers: { Cookie: `sid=${sid}`, [CSRF]: sessionToken } }), 'cookie with token');
  });
});
