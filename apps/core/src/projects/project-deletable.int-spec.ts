import { api, CoreHarness, createRoleCast, createTestProject, errorCode, sqlQuery, startTestCore, TestUser } from '../testing';

type Cast = Record<'alice' | 'maria' | 'dave' | 'gina' | 'lena' | 'mallory', TestUser>;

describe('GET /projects/{project_name_or_id}/_deletable', () => {
  let core: CoreHarness;
  let teamId: number;
  let users: Cast;

  const call = <T = unknown>(path: string, auth?: string, headers?: Record<string, string>) => api<T>(core.url, 'GET', `/api/v2.0/projects${path}`, { auth, headers });
  const addRepository = (projectId: number, name: string, listed = true) =>
    sqlQuery(core.db.url, `INSERT INTO repository (project_id, name, first_push_time) VALUES ($1, $2, ${listed ? 'now()' : 'NULL'})`, [projectId, name]);

  beforeAll(async () => {
    core = await startTestCore();
    teamId = await createTestProject(core.url, core.adminAuth, 'team');
    users = await createRoleCast(core.url, core.adminAuth, 'team');
  });

  afterAll(async () => {
    await core?.close();
  });

  it('says an empty project is deletable, one with repositories not, and why', async () => {
    expect(await call('/team/_deletable', users.alice.auth)).toMatchObject({ status: 200, body: { deletable: true } });
    expect((await call<Record<string, unknown>>(`/${teamId}/_deletable`, users.alice.auth)).body).not.toHaveProperty('message');
    // A push that never recorded an artifact leaves no repository anyone sees: still deletable.
    await addRepository(teamId, 'team/half', false);
    expect((await call<{ deletable: boolean }>('/team/_deletable', users.alice.auth)).body.deletable).toBe(true);
    await addRepository(teamId, 'team/app');
    const full = await call('/team/_deletable', users.alice.auth);
    expect(full).toMatchObject({ status: 200, body: { deletable: false, message: 'the project still holds repositories: delete them first' } });
    // The answer agrees with DELETE, and asking changes nothing.
    expect((await api(core.url, 'DELETE', '/api/v2.0/projects/team', { auth: users.alice.auth })).status).toBe(412);
    await sqlQuery(core.db.url, 'DELETE FROM repository WHERE project_id = $1', [teamId]);
    expect((await call<{ deletable: boolean }>('/team/_deletable', users.alice.auth)).body.deletable).toBe(true);
  });

  it('reads a numeric name as a name with X-Is-Resource-Name, and 404s unknown projects', async () => {
    await createTestProject(core.url, core.adminAuth, '777');
    expect((await call('/777/_deletable', core.adminAuth, { 'X-Is-Resource-Name': 'true' })).status).toBe(200);
    const missing = await call('/777/_deletable', core.adminAuth);
    expect([missing.status, errorCode(missing)]).toEqual([404, 'NOT_FOUND']);
    const bad = await call('/team/_deletable', core.adminAuth, { 'X-Is-Resource-Name': 'maybe' });
    expect([bad.status, errorCode(bad)]).toEqual([400, 'BAD_REQUEST']);
  });

  // The project's delete permission: project admins and system administrators.
  it.each([
    ['alice', 200],
    ['maria', 403],
    ['dave', 403],
    ['gina', 403],
    ['lena', 403],
    ['mallory', 403],
  ] as const)('%s: %i', async (who, status) => {
    expect((await call('/team/_deletable', users[who].auth)).status).toBe(status);
  });

  it('answers anonymous callers 401, even for a public project', async () => {
    await createTestProject(core.url, core.adminAuth, 'open', true);
    expect((await call('/team/_deletable')).status).toBe(401);
    expect((await call('/open/_deletable')).status).toBe(401);
  });
});
