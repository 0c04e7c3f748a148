import { passwordProblem } from '@wharf/auth';
import { RegistryRows } from '@wharf/testing';
import { api, basicAuthHeader, CoreHarness, createRoleCast, createTestProject, errorCode, locationId, startTestCore, TestUser } from '../testing';

interface RobotCreated {
  id: number;
  name: string;
  secret: string;
  creation_time: string;
  expires_at: number;
}

interface RobotView {
  id: number;
  name: string;
  description: string;
  level: string;
  duration: number;
  editable: boolean;
  disable: boolean;
  expires_at: number;
  permissions: { kind: string; namespace: string; access: { resource: string; action: string; effect: string }[] }[];
  creator_type: string;
  creator_ref: number;
  creation_time: string;
  update_time: string;
}

const DAY = 86_400;

function projectPermission(project: string, access: [string, string][]) {
  return [{ kind: 'project', namespace: project, access: access.map(([resource, action]) => ({ resource, action })) }];
}

describe('robot accounts (/api/v2.0/robots)', () => {
  let core: CoreHarness;
  let rows: RegistryRows;
  let teamId: number;
  let otherId: number;
  const users: Record<'alice' | 'maria' | 'dave' | 'gina' | 'lena' | 'mallory', TestUser> = {} as never;

  const call = <T = unknown>(method: string, path: string, auth?: string, body?: unknown) => api<T>(core.url, method, `/api/v2.0${path}`, { auth, body });

  /** Creates a robot as `auth` and insists it worked. */
  async function createRobot(auth: string, body: Record<string, unknown>): Promise<RobotCreated> {
    const res = await call<RobotCreated>('POST', '/robots', auth, body);
    if (res.status !== 201) throw new Error(`create robot failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  const robotCount = () => rows.count('robot');
  const auditRows = (operation: string) =>
    rows.query<{ resource: string; username: string; project_id: number | null }>(
      "SELECT resource, username, project_id FROM audit_log WHERE resource_type = 'robot' AND operation = $1 ORDER BY id",
      [operation],
    );

  beforeAll(async () => {
    core = await startTestCore();
    rows = RegistryRows.open(core.db.url);
    teamId = await createTestProject(core.url, core.adminAuth, 'team');
    otherId = await createTestProject(core.url, core.adminAuth, 'other');
    Object.assign(users, await createRoleCast(core.url, core.adminAuth, 'team'));
    await rows.repository('team/app');
    await rows.repository('other/app');
  });

  afterAll(async () => {
    await rows?.close();
    await core?.close();
  });

  describe('creation', () => {
    it('lets an administrator create a system robot with a default lifetime and shows its secret once', async () => {
      const before = Math.floor(Date.now() / 1000);
      const res = await call<RobotCreated>('POST', '/robots', core.adminAuth, {
        name: 'sys-builder',
        description: 'builds',
        level: 'system',
        permissions: [
          { kind: 'system', namespace: '/', access: [{ resource: 'project', action: 'create' }] },
          { kind: 'project', namespace: '*', access: [{ resource: 'repository', action: 'pull' }] },
        ],
      });
      expect(res.status).toBe(201);
      expect(locationId(res)).toBe(res.body.id);
      expect(res.headers.get('location')).toBe(`/api/v2.0/robots/${res.body.id}`);
      expect(res.body.name).toBe('robot$sys-builder');
      expect(passwordProblem(res.body.secret)).toBeUndefined();
      // Duration 0 / absent: Harbor's default of 30 days.
      expect(res.body.expires_at).toBeGreaterThanOrEqual(before + 30 * DAY - 5);
      expect(res.body.expires_at).toBeLessThanOrEqual(before + 30 * DAY + 5);

      const got = await call<RobotView>('GET', `/robots/${res.body.id}`, core.adminAuth);
      expect(got.status).toBe(200);
      expect(got.body).toMatchObject({
        id: res.body.id,
        name: 'robot$sys-builder',
        description: 'builds',
        level: 'system',
        duration: 30,
        editable: true,
        disable: false,
        expires_at: res.body.expires_at,
        creator_type: 'local',
        creation_time: res.body.creation_time,
      });
      expect(got.body).not.toHaveProperty('secret');
      expect(got.body.permissions).toEqual([
        { kind: 'system', namespace: '/', access: [{ resource: 'project', action: 'create', effect: 'allow' }] },
        { kind: 'project', namespace: '*', access: [{ resource: 'repository', action: 'pull', effect: 'allow' }] },
      ]);
      // The secret is stored hashed only.
      const [stored] = await rows.query<{ secret_hash: string }>('SELECT secret_hash FROM robot WHERE id = $1', [res.body.id]);
      expect(stored.secret_hash).toMatch(/^\$2[aby]\$/);
      expect(stored.secret_hash).not.toContain(res.body.secret);
      expect(await auditRows('create')).toContainEqual({ resource: 'robot$sys-builder', username: 'admin', project_id: null });
    });

    it('lets a project admin create a project robot that works with exactly its permissions', async () => {
      const created = await createRobot(users.alice.auth, {
        name: 'ci',
        level: 'project',
        duration: -1,
        permissions: projectPermission('team', [
          ['repository', 'list'],
          ['repository', 'pull'],
        ]),
      });
      expect(created.name).toBe('robot$team+ci');
      expect(created.expires_at).toBe(-1);
      expect(await auditRows('create')).toContainEqual({ resource: 'robot$team+ci', username: 'alice', project_id: teamId });

      const robot = basicAuthHeader(created.name, created.secret);
      const own = await call<{ name: string }[]>('GET', '/projects/team/repositories', robot);
      expect(own.status).toBe(200);
      expect(own.body.map((r) => r.name)).toEqual(['team/app']);
      // Nothing it was not granted: another project, artifacts of its own, robot management.
      expect((await call('GET', '/projects/other/repositories', robot)).status).toBe(403);
      expect((await call('GET', '/projects/team/repositories/app/artifacts', robot)).status).toBe(403);
      expect((await call('POST', '/robots', robot, { name: 'x', level: 'project', permissions: projectPermission('team', [['repository', 'pull']]) })).status).toBe(403);
      const all = await call<{ name: string }[]>('GET', '/repositories', robot);
      expect(all.body.map((r) => r.name)).toEqual(['team/app']);
      // The wrong secret is refused.
      expect((await call('GET', '/projects/team/repositories', basicAuthHeader(created.name, 'Wrong-secret-1'))).status).toBe(401);
    });

    it('takes the default lifetime from the robot_token_duration setting', async () => {
      expect((await call('PUT', '/configurations', core.adminAuth, { robot_token_duration: 7 })).status).toBe(200);
      try {
        const before = Math.floor(Date.now() / 1000);
        const created = await createRobot(core.adminAuth, { name: 'weekly', level: 'system', duration: 0, permissions: projectPermission('team', [['repository', 'pull']]) });
        expect(created.expires_at).toBeGreaterThanOrEqual(before + 7 * DAY - 5);
        expect(created.expires_at).toBeLessThanOrEqual(before + 7 * DAY + 5);
        expect((await call<RobotView>('GET', `/robots/${created.id}`, core.adminAuth)).body.duration).toBe(7);
      } finally {
        await call('PUT', '/configurations', core.adminAuth, { robot_token_duration: 30 });
      }
    });

    it('accepts a chosen secret that passes the password rule', async () => {
      const created = await createRobot(users.alice.auth, {
        name: 'chosen',
        level: 'project',
        secret: 'Chosen-Secret-42',
        permissions: projectPermission('team', [['repository', 'list']]),
      });
      expect(created.secret).toBe('Chosen-Secret-42');
      expect((await call('GET', '/projects/team/repositories', basicAuthHeader('robot$team+chosen', 'Chosen-Secret-42'))).status).toBe(200);
    });

    it.each([
      ['projectAdmin', 'alice', 201],
      ['maintainer', 'maria', 403],
      ['developer', 'dave', 403],
      ['guest', 'gina', 403],
      ['limitedGuest', 'lena', 403],
      ['a non-member', 'mallory', 403],
    ] as const)('project robot creation by a %s (%s): %i', async (_role, user, status) => {
      const name = `cell-${user}`;
      const res = await call('POST', '/robots', users[user].auth, { name, level: 'project', permissions: projectPermission('team', [['repository', 'pull']]) });
      expect(res.status).toBe(status);
      if (status !== 201) expect(errorCode(res)).toBe('FORBIDDEN');
      expect(await rows.count('robot', 'name = $1', [name])).toBe(status === 201 ? 1 : 0);
    });

    it('refuses anonymous callers (401) and non-administrators for system robots (403)', async () => {
      const body = { name: 'sys-nope', level: 'system', permissions: projectPermission('team', [['repository', 'pull']]) };
      const anonymous = await call('POST', '/robots', undefined, body);
      expect(anonymous.status).toBe(401);
      expect(errorCode(anonymous)).toBe('UNAUTHORIZED');
      const alice = await call('POST', '/robots', users.alice.auth, body);
      expect(alice.status).toBe(403);
      expect(await rows.count('robot', 'name = $1', ['sys-nope'])).toBe(0);
    });

    it('ignores fields it does not know, such as the `editable` Harbor clients send, as Harbor does', async () => {
      const body = {
        name: 'editable-ok',
        level: 'project',
        editable: true,
        surprise: { deep: 1 },
        permissions: [{ kind: 'project', namespace: 'team', access: [{ resource: 'repository', action: 'pull', x: 1 }] }],
      };
      const res = await call<{ id: number; name: string }>('POST', '/robots', users.alice.auth, body);
      expect(res.status).toBe(201);
      const shown = await call<{ permissions: unknown[] }>('GET', `/robots/${res.body.id}`, users.alice.auth);
      expect(shown.body.permissions).toEqual([{ kind: 'project', namespace: 'team', access: [{ resource: 'repository', action: 'pull', effect: expect.anything() }] }]);
      expect((await call('DELETE', `/robots/${res.body.id}`, users.alice.auth)).status).toBe(200);
    });

    it('refuses bad input with 4xx and Harbor’s error body, creating nothing', async () => {
      const base = { name: 'good-name', level: 'project', permissions: projectPermission('team', [['repository', 'pull']]) };
      const cases: [string, unknown, number][] = [
        ['a name that is not a string', { ...base, name: 12 }, 400],
        ['no name', { level: 'project', permissions: base.permissions }, 400],
        ['an upper-case name', { ...base, name: 'Bad' }, 400],
        ['a name with +', { ...base, name: 'a+b' }, 400],
        ['an unknown level', { ...base, level: 'global' }, 400],
        ['duration -2', { ...base, duration: -2 }, 400],
        ['a fractional duration', { ...base, duration: 1.5 }, 400],
        ['a duration given as a string', { ...base, duration: '5' }, 400],
        ['a weak secret', { ...base, secret: 'weakweak' }, 400],
        ['no permissions', { ...base, permissions: [] }, 400],
        ['permissions that are not a list', { ...base, permissions: { kind: 'project' } }, 400],
        ['an unknown resource', { ...base, permissions: projectPermission('team', [['helm-chart', 'read']]) }, 400],
        ['an action the resource does not have', { ...base, permissions: projectPermission('team', [['repository', 'stop']]) }, 400],
        ['a wildcard action', { ...base, permissions: projectPermission('team', [['repository', '*']]) }, 400],
        ['a bad effect', { ...base, permissions: [{ kind: 'project', namespace: 'team', access: [{ resource: 'repository', action: 'pull', effect: 'maybe' }] }] }, 400],
        ['an unknown kind', { ...base, permissions: [{ kind: 'cluster', namespace: 'team', access: [{ resource: 'repository', action: 'pull' }] }] }, 400],
        ['no access entries', { ...base, permissions: [{ kind: 'project', namespace: 'team', access: [] }] }, 400],
        ['two permissions on a project robot', { ...base, permissions: [...projectPermission('team', [['repository', 'pull']]), ...projectPermission('other', [['repository', 'pull']])] }, 400],
        ['"*" on a project robot', { ...base, permissions: projectPermission('*', [['repository', 'pull']]) }, 400],
        ['a system permission on a project robot', { ...base, permissions: [{ kind: 'system', namespace: '/', access: [{ resource: 'project', action: 'create' }] }] }, 400],
        ['an unknown project', { ...base, permissions: projectPermission('nowhere', [['repository', 'pull']]) }, 404],
      ];
      const before = await robotCount();
      for (const [label, body, status] of cases) {
        const res = await call('POST', '/robots', users.alice.auth, body);
        expect({ label, status: res.status }).toEqual({ label, status });
        expect(errorCode(res)).toBe(status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST');
      }
      const systemCases: [string, unknown, number][] = [
        ['a system permission outside "/"', { name: 's1', level: 'system', permissions: [{ kind: 'system', namespace: 'team', access: [{ resource: 'project', action: 'create' }] }] }, 400],
        ['an unknown system resource', { name: 's2', level: 'system', permissions: [{ kind: 'system', namespace: '/', access: [{ resource: 'spaceship', action: 'create' }] }] }, 400],
        ['a namespace listed twice', { name: 's3', level: 'system', permissions: [...projectPermission('team', [['repository', 'pull']]), ...projectPermission('team', [['repository', 'push']])] }, 400],
        ['an unknown project among several', { name: 's4', level: 'system', permissions: [...projectPermission('team', [['repository', 'pull']]), ...projectPermission('ghost', [['repository', 'pull']])] }, 404],
        ['a duration beyond what can be stored', { name: 's5', level: 'system', duration: 2_000_000_000, permissions: projectPermission('team', [['repository', 'pull']]) }, 400],
      ];
      for (const [label, body, status] of systemCases) {
        const res = await call('POST', '/robots', core.adminAuth, body);
        expect({ label, status: res.status }).toEqual({ label, status });
      }
      expect(await robotCount()).toBe(before);
    });

    it('refuses a duplicate name in the same project (409) but allows it elsewhere', async () => {
      const body = { name: 'dup', level: 'project', permissions: projectPermission('team', [['repository', 'pull']]) };
      await createRobot(users.alice.auth, body);
      const again = await call('POST', '/robots', users.alice.auth, body);
      expect(again.status).toBe(409);
      expect(errorCode(again)).toBe('CONFLICT');
      expect(await rows.count('robot', "name = 'dup'")).toBe(1);
      // The same short name in another project, and as a system robot, are other robots.
      await createRobot(core.adminAuth, { ...body, permissions: projectPermission('other', [['repository', 'pull']]) });
      await createRobot(core.adminAuth, { ...body, level: 'system' });
      const sysAgain = await call('POST', '/robots', core.adminAuth, { ...body, level: 'system' });
      expect(sysAgain.status).toBe(409);
      expect(await rows.count('robot', "name = 'dup'")).toBe(3);
    });

    it('never lets a creator grant more than it holds', async () => {
      // A robot that may manage robots of the project and pull, but not push.
      const manager = await createRobot(users.alice.auth, {
        name: 'manager',
        level: 'project',
        permissions: projectPermission('team', [
          ['robot', 'create'],
          ['repository', 'pull'],
        ]),
      });
      const auth = basicAuthHeader(manager.name, manager.secret);
      const escalate = await call('POST', '/robots', auth, {
        name: 'pusher',
        level: 'project',
        permissions: projectPermission('team', [
          ['repository', 'pull'],
          ['repository', 'push'],
        ]),
      });
      expect(escalate.status).toBe(403);
      expect(errorCode(escalate)).toBe('FORBIDDEN');
      expect((escalate.body as { errors: { message: string }[] }).errors[0].message).toContain('repository:push');
      expect(await rows.count('robot', "name = 'pusher'")).toBe(0);

      // Within its own rights it may, and the new robot records who made it.
      const puller = await createRobot(auth, {
        name: 'puller',
        level: 'project',
        permissions: [
          {
            kind: 'project',
            namespace: 'team',
            access: [
              { resource: 'repository', action: 'pull' },
              { resource: 'repository', action: 'push', effect: 'deny' },
            ],
          },
        ],
      });
      const view = await call<RobotView>('GET', `/robots/${puller.id}`, users.alice.auth);
      expect(view.body).toMatchObject({ creator_type: 'robot', creator_ref: manager.id });
    });
  });

  describe('listing and reading', () => {
    let projectRobotId: number;

    beforeAll(async () => {
      projectRobotId = (await createRobot(users.alice.auth, { name: 'listed', level: 'project', permissions: projectPermission('team', [['repository', 'pull']]) })).id;
      for (const name of ['page-a', 'page-b', 'page-c']) {
        await createRobot(core.adminAuth, { name, level: 'system', permissions: projectPermission('other', [['repository', 'pull']]) });
      }
    });

    const projectQuery = () => `/robots?q=${encodeURIComponent(`Level=project,ProjectID=${teamId}`)}&page_size=100`;

    it.each([
      ['admin', 200],
      ['alice', 200],
      ['maria', 200],
      ['dave', 200],
      ['gina', 200],
      ['lena', 403],
      ['mallory', 403],
    ] as const)('lists project robots for %s: %i', async (who, status) => {
      const auth = who === 'admin' ? core.adminAuth : users[who].auth;
      const res = await call<RobotView[]>('GET', projectQuery(), auth);
      expect(res.status).toBe(status);
      if (status === 200) {
        expect(res.body.every((r) => r.level === 'project' && r.name.startsWith('robot$team+'))).toBe(true);
        expect(res.body.map((r) => r.id)).toContain(projectRobotId);
        expect(res.body.every((r) => !('secret' in r))).toBe(true);
      }
    });

    it('lists system robots for administrators only, with pagination headers', async () => {
      const res = await call<RobotView[]>('GET', `/robots?q=${encodeURIComponent('name=~page-')}&sort=name&page=1&page_size=2`, core.adminAuth);
      expect(res.status).toBe(200);
      expect(res.body.map((r) => r.name)).toEqual(['robot$page-a', 'robot$page-b']);
      expect(res.headers.get('x-total-count')).toBe('3');
      expect(res.headers.get('link')).toContain('rel="next"');
      const second = await call<RobotView[]>('GET', `/robots?q=${encodeURIComponent('name=~page-')}&sort=name&page=2&page_size=2`, core.adminAuth);
      expect(second.body.map((r) => r.name)).toEqual(['robot$page-c']);
      expect(second.headers.get('link')).toContain('rel="prev"');
      // Without Level: system robots only.
      const all = await call<RobotView[]>('GET', '/robots?page_size=100', core.adminAuth);
      expect(all.body.every((r) => r.level === 'system')).toBe(true);
      expect((await call('GET', '/robots', users.alice.auth)).status).toBe(403);
      expect((await call('GET', '/robots', undefined)).status).toBe(401);
    });

    it('refuses bad list queries with 400 and unknown projects with 404', async () => {
      for (const q of ['Level=project', 'Level=project,ProjectID=abc', 'Level=galaxy', 'Level=~proj', `Level=system,ProjectID=${teamId}`]) {
        const res = await call('GET', `/robots?q=${encodeURIComponent(q)}`, core.adminAuth);
        expect({ q, status: res.status }).toEqual({ q, status: 400 });
      }
      // Keys it cannot filter or sort by are skipped, as Harbor skips them.
      const all = await call<unknown[]>('GET', '/robots?page_size=100', core.adminAuth);
      expect((await call<unknown[]>('GET', '/robots?page_size=100&q=nope%3D1', core.adminAuth)).body).toEqual(all.body);
      expect((await call<unknown[]>('GET', '/robots?page_size=100&sort=secret_hash', core.adminAuth)).body).toEqual(all.body);
      expect((await call('GET', `/robots?q=${encodeURIComponent('Level=project,ProjectID=999999')}`, core.adminAuth)).status).toBe(404);
    });

    it('reads one robot per the matrix', async () => {
      expect((await call('GET', `/robots/${projectRobotId}`, users.gina.auth)).status).toBe(200);
      expect((await call('GET', `/robots/${projectRobotId}`, users.lena.auth)).status).toBe(403);
      expect((await call('GET', `/robots/${projectRobotId}`, users.mallory.auth)).status).toBe(403);
      expect((await call('GET', `/robots/${projectRobotId}`, undefined)).status).toBe(401);
      expect((await call('GET', '/robots/999999', core.adminAuth)).status).toBe(404);
      expect((await call('GET', '/robots/abc', core.adminAuth)).status).toBe(400);
      const system = (await rows.query<{ id: number }>("SELECT id FROM robot WHERE name = 'page-a'"))[0].id;
      expect((await call('GET', `/robots/${system}`, users.alice.auth)).status).toBe(403);
    });
  });

  describe('changes', () => {
    let robot: RobotCreated;
    const view = async () => (await call<RobotView>('GET', `/robots/${robot.id}`, core.adminAuth)).body;
    const login = () => call('GET', '/projects/team/repositories', basicAuthHeader(robot.name, robot.secret));

    beforeAll(async () => {
      robot = await createRobot(users.alice.auth, {
        name: 'changing',
        level: 'project',
        description: 'before',
        duration: 10,
        permissions: projectPermission('team', [['repository', 'list']]),
      });
    });

    it('updates description, lifetime and permissions; refuses disabled robots at login', async () => {
      const current = await view();
      const res = await call('PUT', `/robots/${robot.id}`, users.alice.auth, {
        ...current,
        description: 'after',
        duration: 20,
        permissions: projectPermission('team', [
          ['repository', 'list'],
          ['artifact', 'list'],
        ]),
      });
      expect(res.status).toBe(200);
      const updated = await view();
      expect(updated.description).toBe('after');
      expect(updated.duration).toBe(20);
      // The lifetime counts from creation, as Harbor.
      expect(updated.expires_at).toBe(Math.floor(new Date(current.creation_time).getTime() / 1000) + 20 * DAY);
      expect(updated.permissions[0].access).toHaveLength(2);
      expect((await call('GET', '/projects/team/repositories/app/artifacts', basicAuthHeader(robot.name, robot.secret))).status).toBe(200);
      expect(await auditRows('update')).toContainEqual({ resource: 'robot$team+changing', username: 'alice', project_id: teamId });

      expect((await call('PUT', `/robots/${robot.id}`, users.alice.auth, { ...updated, disable: true })).status).toBe(200);
      expect((await view()).disable).toBe(true);
      expect((await login()).status).toBe(401);
      expect((await call('PUT', `/robots/${robot.id}`, users.alice.auth, { ...updated, disable: false })).status).toBe(200);
      expect((await login()).status).toBe(200);
    });

    it('refuses changes of name, level or project and bad permissions, changing nothing', async () => {
      const current = await view();
      const cases: [string, unknown, number][] = [
        ['a new name', { ...current, name: 'robot$team+renamed' }, 400],
        ['a new level', { ...current, level: 'system' }, 400],
        ['no level', { ...current, level: undefined }, 400],
        ['another project', { ...current, permissions: projectPermission('other', [['repository', 'list']]) }, 400],
        ['an unknown action', { ...current, permissions: projectPermission('team', [['repository', 'fly']]) }, 400],
        ['no permissions', { ...current, permissions: [] }, 400],
        ['a secret', { ...current, secret: 'Another-Secret-1' }, 400],
        ['a bad duration', { ...current, duration: -5 }, 400],
      ];
      for (const [label, body, status] of cases) {
        const res = await call('PUT', `/robots/${robot.id}`, users.alice.auth, body);
        expect({ label, status: res.status }).toEqual({ label, status });
        expect(errorCode(res)).toBe('BAD_REQUEST');
      }
      expect(await view()).toEqual(current);
    });

    it('lets only those who may update robots change them', async () => {
      const current = await view();
      for (const who of ['maria', 'dave', 'gina', 'lena', 'mallory'] as const) {
        expect((await call('PUT', `/robots/${robot.id}`, users[who].auth, { ...current, description: who })).status).toBe(403);
        expect((await call('PATCH', `/robots/${robot.id}`, users[who].auth, {})).status).toBe(403);
        expect((await call('DELETE', `/robots/${robot.id}`, users[who].auth)).status).toBe(403);
      }
      expect((await call('PUT', '/robots/999999', core.adminAuth, { ...current })).status).toBe(404);
      expect(await view()).toEqual(current);
    });

    it('refreshes the secret: generated (shown once) or chosen (not echoed)', async () => {
      const old = robot.secret;
      const generated = await call<{ secret: string }>('PATCH', `/robots/${robot.id}`, users.alice.auth, {});
      expect(generated.status).toBe(200);
      expect(passwordProblem(generated.body.secret)).toBeUndefined();
      expect((await call('GET', '/projects/team/repositories', basicAuthHeader(robot.name, old))).status).toBe(401);
      robot = { ...robot, secret: generated.body.secret };
      expect((await login()).status).toBe(200);

      const weak = await call('PATCH', `/robots/${robot.id}`, users.alice.auth, { secret: 'short' });
      expect(weak.status).toBe(400);
      expect(errorCode(weak)).toBe('BAD_REQUEST');
      expect((await login()).status).toBe(200);
      expect((await call('PATCH', `/robots/${robot.id}`, users.alice.auth, { secret: 12345678 })).status).toBe(400);

      const chosen = await call('PATCH', `/robots/${robot.id}`, users.alice.auth, { secret: 'My-Own-Secret-9' });
      expect(chosen.status).toBe(200);
      expect(chosen.body).toEqual({});
      robot = { ...robot, secret: 'My-Own-Secret-9' };
      expect((await login()).status).toBe(200);
    });

    it('refuses expired robots at login', async () => {
      const short = await createRobot(users.alice.auth, { name: 'short-lived', level: 'project', duration: 1, permissions: projectPermission('team', [['repository', 'list']]) });
      const auth = basicAuthHeader(short.name, short.secret);
      expect((await call('GET', '/projects/team/repositories', auth)).status).toBe(200);
      await rows.query("UPDATE robot SET expires_at = now() - interval '1 minute' WHERE id = $1", [short.id]);
      expect((await call('GET', '/projects/team/repositories', auth)).status).toBe(401);
    });

    it('deletes robots; they can no longer log in', async () => {
      const res = await call('DELETE', `/robots/${robot.id}`, users.alice.auth);
      expect(res.status).toBe(200);
      expect((await call('GET', `/robots/${robot.id}`, core.adminAuth)).status).toBe(404);
      expect((await login()).status).toBe(401);
      expect((await call('DELETE', `/robots/${robot.id}`, users.alice.auth)).status).toBe(404);
      expect(await auditRows('delete')).toContainEqual({ resource: 'robot$team+changing', username: 'alice', project_id: teamId });
    });
  });

  it('binds a system robot\'s grant to the project it was made on, not to one created again under its name', async () => {
    const token = async (secret: { name: string; secret: string }) => {
      const res = await fetch(`${core.url}/service/token?service=${core.config.token.service}&scope=repository:phoenix/app:pull`, {
        headers: { Authorization: basicAuthHeader(secret.name, secret.secret) },
      });
      expect(res.status).toBe(200);
      const claims = JSON.parse(Buffer.from(((await res.json()) as { token: string }).token.split('.')[1], 'base64url').toString()) as { access: { actions: string[] }[] };
      return claims.access[0].actions;
    };
    const first = await createTestProject(core.url, core.adminAuth, 'phoenix');
    const permissions = projectPermission('phoenix', [['repository', 'pull']]);
    const robot = await createRobot(core.adminAuth, { name: 'phoenix-reader', level: 'system', duration: -1, permissions });
    expect(await token(robot)).toEqual(['pull']);
    expect((await call<RobotView>('GET', `/robots/${robot.id}`, core.adminAuth)).body.permissions).toEqual([
      { kind: 'project', namespace: 'phoenix', access: [{ resource: 'repository', action: 'pull', effect: 'allow' }] },
    ]);

    expect((await call('DELETE', `/projects/${first}`, core.adminAuth)).status).toBe(200);
    // The grant went with the project.
    expect((await call<RobotView>('GET', `/robots/${robot.id}`, core.adminAuth)).body.permissions).toEqual([]);
    await createTestProject(core.url, core.adminAuth, 'phoenix');
    expect(await token(robot)).toEqual([]);
    // An administrator granting it again means the new project.
    const update = await call('PUT', `/robots/${robot.id}`, core.adminAuth, { name: robot.name, level: 'system', duration: -1, permissions });
    expect(update.status).toBe(200);
    expect(await token(robot)).toEqual(['pull']);
  });

  it('keeps robots of other projects apart', async () => {
    const created = await createRobot(core.adminAuth, { name: 'elsewhere', level: 'project', permissions: projectPermission('other', [['repository', 'list']]) });
    // Alice administers team, not other.
    expect((await call('GET', `/robots/${created.id}`, users.alice.auth)).status).toBe(403);
    expect((await call('DELETE', `/robots/${created.id}`, users.alice.auth)).status).toBe(403);
    const listed = await call<RobotView[]>('GET', `/robots?q=${encodeURIComponent(`Level=project,ProjectID=${otherId}`)}`, users.alice.auth);
    expect(listed.status).toBe(403);
    expect((await call<RobotView>('GET', `/robots/${created.id}`, core.adminAuth)).body.name).toBe('robot$other+elsewhere');
  });
});
