import { api, basicAuthHeader, CoreHarness, createTestUser, errorCode, startTestCore } from '../testing';

describe('GET /schedules/{job_type}/paused', () => {
  let core: CoreHarness;

  const get = (jobType: string, auth?: string) => api<{ paused: boolean }>(core.url, 'GET', `/api/v2.0/schedules/${jobType}/paused`, { auth });

  beforeAll(async () => {
    core = await startTestCore();
  });

  afterAll(async () => {
    await core?.close();
  });

  it('says the schedules run, to any authenticated caller, for all job types (any case)', async () => {
    const user = await createTestUser(core.url, core.adminAuth, 'someone');
    expect(await get('all', core.adminAuth)).toMatchObject({ status: 200, body: { paused: false } });
    expect(await get('ALL', user.auth)).toMatchObject({ status: 200, body: { paused: false } });
    const robot = await api<{ name: string; secret: string }>(core.url, 'POST', '/api/v2.0/robots', {
      auth: core.adminAuth,
      body: { name: 'sched', level: 'system', duration: -1, permissions: [{ kind: 'system', namespace: '/', access: [{ resource: 'audit-log', action: 'list' }] }] },
    });
    expect((await get('all', basicAuthHeader(robot.body.name, robot.body.secret))).status).toBe(200);
  });

  it('refuses another job type with 400 and anonymous callers with 401', async () => {
    const other = await get('GARBAGE_COLLECTION', core.adminAuth);
    expect([other.status, errorCode(other)]).toEqual([400, 'BAD_REQUEST']);
    const anonymous = await get('all');
    expect([anonymous.status, errorCode(anonymous)]).toEqual([401, 'UNAUTHORIZED']);
  });
});
