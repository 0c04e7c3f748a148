import { api, basicAuthHeader, CoreHarness, createTestUser, errorCode, startTestCore, TestUser } from '../testing';

describe('API authentication', () => {
  let core: CoreHarness;
  let alice: TestUser;
  let bob: TestUser;
  const current = (auth?: string, headers?: Record<string, string>) => api(core.url, 'GET', '/api/v2.0/users/current', { auth, headers });

  beforeAll(async () => {
    core = await startTestCore();
    alice = await createTestUser(core.url, core.adminAuth, 'alice', 'Alice1234');
    bob = await createTestUser(core.url, core.adminAuth, 'bob', 'Bob123456');
  });
  afterAll(async () => {
    await core.close();
  });

  it('treats requests without credentials as anonymous and bad credentials as 401', async () => {
    expect((await api(core.url, 'GET', '/api/v2.0/projects')).status).toBe(200);
    for (const header of [basicAuthHeader('bob', 'Wrong1234'), basicAuthHeader('nobody', 'Whatever1'), 'Bearer abc.def.ghi', 'Basic !!!', 'Basic ' + Buffer.from('no-colon').toString('base64')]) {
      const res = await api(core.url, 'GET', '/api/v2.0/projects', { auth: header });
      expect([header, res.status, errorCode(res)]).toEqual([header, 401, 'UNAUTHORIZED']);
    }
    expect((await current(bob.auth)).status).toBe(200);
  });

  it('authenticates however the path is spelled', async () => {
    const res = await api(core.url, 'GET', '/%61pi/v2.0/projects', { auth: basicAuthHeader('bob', 'Wrong1234') });
    expect(res.status).not.toBe(200);
    expect([401, 404]).toContain(res.status);
  });

  it('locks a user name for an address after five wrong passwords, even for the right one', async () => {
    for (let i = 0; i < 5; i++) expect((await current(basicAuthHeader('alice', `Wrong${i}xyz`))).status).toBe(401);
    const locked = await current(alice.auth);
    expect([locked.status, errorCode(locked)]).toEqual([401, 'UNAUTHORIZED']);
    expect((locked.body as { errors: { message: string }[] }).errors[0].message).toBe('too many failed attempts; try again later');
    // The lock is for that user from that address: others log in, and so does alice elsewhere.
    expect((await current(bob.auth)).status).toBe(200);
    expect((await current(alice.auth, { 'X-Forwarded-For': '203.0.113.7' })).status).toBe(200);
    expect((await current(alice.auth)).status).toBe(401);
  });

  it('never refuses the right password from an address that has not failed, whatever other addresses did', async () => {
    const erin = await createTestUser(core.url, core.adminAuth, 'erin', 'Erin12345');
    // Twenty addresses, five wrong passwords each: 100 failures for erin.
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        for (let n = 0; n < 5; n++) await current(basicAuthHeader('erin', `Guess${n}abc`), { 'X-Forwarded-For': `198.51.100.${i}` });
      }),
    );
    expect((await current(erin.auth, { 'X-Forwarded-For': '203.0.113.50' })).status).toBe(200);
    expect((await current(erin.auth)).status).toBe(200);
    // The guessing addresses are locked for erin, and told so.
    const locked = await current(erin.auth, { 'X-Forwarded-For': '198.51.100.7' });
    expect([locked.status, (locked.body as { errors: { message: string }[] }).errors[0].message]).toEqual([401, 'too many failed attempts; try again later']);
  }, 120_000);

  it('an administrator unlocks a user (DELETE /users/{id}/login-failures) or resets the password', async () => {
    const frank = await createTestUser(core.url, core.adminAuth, 'frank', 'Frank1234');
    const lock = async () => {
      for (let i = 0; i < 5; i++) await current(basicAuthHeader('frank', `Wrong${i}xyz`));
      expect((await current(frank.auth)).status).toBe(401);
    };
    await lock();
    const unlock = (auth: string, id = frank.id) => api(core.url, 'DELETE', `/api/v2.0/users/${id}/login-failures`, { auth });
    const denied = await unlock(bob.auth);
    expect([denied.status, errorCode(denied)]).toEqual([403, 'FORBIDDEN']);
    expect((await current(frank.auth)).status).toBe(401);
    expect((await unlock(core.adminAuth, 999_999)).status).toBe(404);
    expect((await unlock(core.adminAuth)).status).toBe(200);
    expect((await current(frank.auth)).status).toBe(200);
    const audit = await api<{ operation: string; resource: string }[]>(core.url, 'GET', '/api/v2.0/audit-logs?q=resource=frank', { auth: core.adminAuth });
    expect(audit.body.map((a) => a.operation)).toContain('update');
    // A password reset by an administrator unlocks too.
    await lock();
    const reset = await api(core.url, 'PUT', `/api/v2.0/users/${frank.id}/password`, { auth: core.adminAuth, body: { new_password: 'Frank5678' } });
    expect(reset.status).toBe(200);
    expect((await current(basicAuthHeader('frank', 'Frank5678'))).status).toBe(200);
  });

  it('an administrator unlocks a robot (DELETE /robots/{id}/login-failures)', async () => {
    const created = await api<{ id: number; name: string; secret: string }>(core.url, 'POST', '/api/v2.0/robots', {
      auth: core.adminAuth,
      body: { name: 'locked-bot', level: 'system', duration: -1, permissions: [{ kind: 'project', namespace: '*', access: [{ resource: 'repository', action: 'pull' }] }] },
    });
    expect(created.status).toBe(201);
    const { id, name, secret } = created.body;
    for (let i = 0; i < 5; i++) await current(basicAuthHeader(name, `Wrong${i}xyz`));
    const projects = () => api(core.url, 'GET', '/api/v2.0/projects', { auth: basicAuthHeader(name, secret) });
    expect((await projects()).status).toBe(401);
    expect((await api(core.url, 'DELETE', `/api/v2.0/robots/${id}/login-failures`, { auth: bob.auth })).status).toBe(403);
    expect((await api(core.url, 'DELETE', `/api/v2.0/robots/${id}/login-failures`, { auth: core.adminAuth })).status).toBe(200);
    expect((await projects()).status).toBe(200);
  });

  it('counts failures per user name whatever its case', async () => {
    const carol = await createTestUser(core.url, core.adminAuth, 'carol', 'Carol1234');
    for (let i = 0; i < 5; i++) await current(basicAuthHeader(i % 2 ? 'CAROL' : 'carol', 'Bad12345x'));
    expect((await current(carol.auth)).status).toBe(401);
  });

  it('clears the count on a successful login', async () => {
    const dave = await createTestUser(core.url, core.adminAuth, 'dave', 'Dave12345');
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) expect((await current(basicAuthHeader('dave', 'Nope12345'))).status).toBe(401);
      expect((await current(dave.auth)).status).toBe(200);
    }
  });
});
