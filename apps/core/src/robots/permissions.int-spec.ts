import { api, basicAuthHeader, CoreHarness, createRoleCast, createTestProject, createTestUser, errorCode, sqlQuery, startTestCore, TestUser } from '../testing';

interface Pair {
  resource: string;
  action: string;
}
interface Permissions {
  system?: Pair[];
  project?: Pair[];
}

describe('GET /permissions', () => {
  let core: CoreHarness;
  let users: Record<'alice' | 'maria' | 'dave' | 'gina' | 'lena' | 'mallory', TestUser>;

  const get = (auth?: string) => api<Permissions>(core.url, 'GET', '/api/v2.0/permissions', { auth });
  const has = (pairs: Pair[] | undefined, resource: string, action: string) => (pairs ?? []).some((p) => p.resource === resource && p.action === action);

  beforeAll(async () => {
    core = await startTestCore();
    await createTestProject(core.url, core.adminAuth, 'team');
    users = await createRoleCast(core.url, core.adminAuth, 'team');
  });

  afterAll(async () => {
    await core?.close();
  });

  it('gives system administrators both catalogues, each pair once', async () => {
    const res = await get(core.adminAuth);
    expect(res.status).toBe(200);
    const { system, project } = res.body;
    expect(has(system, 'garbage-collection', 'stop')).toBe(true);
    expect(has(system, 'system-volumes', 'read')).toBe(true);
    expect(has(project, 'repository', 'push')).toBe(true);
    expect(has(project, 'metadata', 'list')).toBe(true);
    expect(has(project, 'repository', 'stop')).toBe(false);
    for (const list of [system, project]) expect(new Set(list?.map((p) => `${p.resource}:${p.action}`)).size).toBe(list?.length);
  });

  it('lists exactly what the robot API accepts', async () => {
    const { system, project } = (await get(core.adminAuth)).body;
    const all = {
      name: 'everything',
      level: 'system',
      duration: -1,
      permissions: [
        { kind: 'system', namespace: '/', access: system },
        { kind: 'project', namespace: '*', access: project },
      ],
    };
    expect((await api(core.url, 'POST', '/api/v2.0/robots', { auth: core.adminAuth, body: all })).status).toBe(201);
    const beyond = { ...all, name: 'beyond', permissions: [{ kind: 'project', namespace: '*', access: [{ resource: 'repository', action: 'operate' }] }] };
    expect((await api(core.url, 'POST', '/api/v2.0/robots', { auth: core.adminAuth, body: beyond })).status).toBe(400);
  });

  it.each([
    ['alice', 200],
    ['maria', 403],
    ['dave', 403],
    ['gina', 403],
    ['lena', 403],
    ['mallory', 403],
  ] as const)('%s (project role): %i, never the system catalogue', async (who, status) => {
    const res = await get(users[who].auth);
    expect(res.status).toBe(status);
    if (status === 200) {
      expect(res.body.system).toBeUndefined();
      expect(res.body.project).toEqual((await get(core.adminAuth)).body.project);
    } else {
      expect(errorCode(res)).toBe('FORBIDDEN');
    }
  });

  it('counts a project admin role held through a group', async () => {
    const grace = await createTestUser(core.url, core.adminAuth, 'grace');
    expect((await get(grace.auth)).status).toBe(403);
    const [group] = await sqlQuery<{ id: number }>(core.db.url, "INSERT INTO user_group (group_name, group_type) VALUES ('admins', 3) RETURNING id");
    await sqlQuery(core.db.url, 'INSERT INTO user_group_member (group_id, user_id) VALUES ($1, $2)', [group.id, grace.id]);
    await sqlQuery(core.db.url, "INSERT INTO project_member (project_id, group_id, role) SELECT id, $1, 1 FROM project WHERE name = 'team'", [group.id]);
    expect((await get(grace.auth)).status).toBe(200);
  });

  it('refuses robots (403) and anonymous callers (401)', async () => {
    const created = await api<{ name: string; secret: string }>(core.url, 'POST', '/api/v2.0/robots', {
      auth: core.adminAuth,
      body: { name: 'ci', level: 'project', duration: -1, permissions: [{ kind: 'project', namespace: 'team', access: [{ resource: 'robot', action: 'create' }] }] },
    });
    expect(created.status).toBe(201);
    expect((await get(basicAuthHeader(created.body.name, created.body.secret))).status).toBe(403);
    const anonymous = await get();
    expect([anonymous.status, errorCode(anonymous)]).toEqual([401, 'UNAUTHORIZED']);
  });
});
