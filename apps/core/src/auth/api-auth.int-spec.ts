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
    expect(JSON.stringify(locked.body)).toMatch(/too many failed login attempts/);
    // The lock is for that user from that address: others log in, and so does alice elsewhere.
    expect((await current(bob.auth)).status).toBe(200);
    expect((await current(alice.auth, { 'X-Forwarded-For': '203.0.113.7' })).status).toBe(200);
    expect((await current(alice.auth)).status).toBe(401);
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
