import { addTestMember, api, CoreHarness, createTestProject, createTestUser, errorCode, locationId, sqlQuery, startTestCore, TestUser } from '../testing';

interface Member {
  id: number;
  project_id: number;
  entity_name: string;
  entity_id: number;
  entity_type: string;
  role_id: number;
  role_name: string;
}

describe('project members API', () => {
  let core: CoreHarness;
  let owner: TestUser;
  let projectId: number;

  const get = <T = unknown>(path: string, auth?: string) => api<T>(core.url, 'GET', path, { auth });
  const membersOf = async (project: number) =>
    (await sqlQuery<{ user_id: number | null; group_id: number | null; role: number }>(core.db.url, 'SELECT user_id, group_id, role FROM project_member WHERE project_id = $1 ORDER BY id', [project]));

  beforeAll(async () => {
    core = await startTestCore();
    owner = await createTestUser(core.url, core.adminAuth, 'owner');
    projectId = await createTestProject(core.url, owner.auth, 'crew');
  });
  afterAll(async () => {
    await core.close();
  });

  describe('adding, reading, changing and removing members', () => {
    it('adds users by id or by name, and reads them back', async () => {
      const dev = await createTestUser(core.url, core.adminAuth, 'dev');
      const guest = await createTestUser(core.url, core.adminAuth, 'Guesty');
      const byId = await api(core.url, 'POST', `/api/v2.0/projects/${projectId}/members`, { auth: owner.auth, body: { role_id: 2, member_user: { user_id: dev.id } } });
      expect(byId.status).toBe(201);
      const devMember = locationId(byId);
      expect(byId.headers.get('location')).toBe(`/api/v2.0/projects/${projectId}/members/${devMember}`);
      const byName = await api(core.url, 'POST', '/api/v2.0/projects/crew/members', { auth: owner.auth, body: { role_id: 3, member_user: { username: 'guesty' } } });
      expect(byName.status).toBe(201);
      expect(byName.headers.get('location')).toMatch(/^\/api\/v2\.0\/projects\/crew\/members\/\d+$/);

      const one = await get<Member>(`/api/v2.0/projects/${projectId}/members/${devMember}`, owner.auth);
      expect(one.body).toEqual({ id: devMember, project_id: projectId, entity_name: 'dev', entity_id: dev.id, entity_type: 'u', role_id: 2, role_name: 'developer' });
      const list = await get<Member[]>(`/api/v2.0/projects/${projectId}/members`, owner.auth);
      expect(list.headers.get('x-total-count')).toBe('3');
      expect(list.body.map((m) => [m.entity_name, m.role_name])).toEqual([
        ['owner', 'projectAdmin'],
        ['dev', 'developer'],
        ['Guesty', 'guest'],
      ]);
      const filtered = await get<Member[]>(`/api/v2.0/projects/${projectId}/members?entityname=uest`, owner.auth);
      expect(filtered.body.map((m) => m.entity_id)).toEqual([guest.id]);
      const paged = await get<Member[]>(`/api/v2.0/projects/${projectId}/members?page=2&page_size=2`, owner.auth);
      expect(paged.body.map((m) => m.entity_name)).toEqual(['Guesty']);
      expect(paged.headers.get('link')).toBe(`</api/v2.0/projects/${projectId}/members?page=1&page_size=2>; rel="prev"`);
    });

    it('changes a role and removes a member', async () => {
      const temp = await createTestUser(core.url, core.adminAuth, 'temp');
      const mid = await addTestMember(core.url, owner.auth, projectId, 'temp', 3);
      expect((await api(core.url, 'PUT', `/api/v2.0/projects/${projectId}/members/${mid}`, { auth: owner.auth, body: { role_id: 4 } })).status).toBe(200);
      expect((await get<Member>(`/api/v2.0/projects/${projectId}/members/${mid}`, owner.auth)).body.role_name).toBe('maintainer');
      // The new role takes effect at once: a maintainer may read the member list.
      expect((await get(`/api/v2.0/projects/${projectId}/members`, temp.auth)).status).toBe(200);
      expect((await api(core.url, 'DELETE', `/api/v2.0/projects/${projectId}/members/${mid}`, { auth: owner.auth })).status).toBe(200);
      expect((await get(`/api/v2.0/projects/${projectId}/members/${mid}`, owner.auth)).status).toBe(404);
      expect((await get(`/api/v2.0/projects/${projectId}`, temp.auth)).status).toBe(403);
      const again = await api(core.url, 'DELETE', `/api/v2.0/projects/${projectId}/members/${mid}`, { auth: owner.auth });
      expect([again.status, errorCode(again)]).toEqual([404, 'NOT_FOUND']);
    });

    it('adds an existing group', async () => {
      const [group] = await sqlQuery<{ id: number }>(core.db.url, "INSERT INTO user_group (group_name, group_type, ldap_dn) VALUES ('devs', 1, 'cn=devs,dc=example') RETURNING id");
      const res = await api(core.url, 'POST', `/api/v2.0/projects/${projectId}/members`, { auth: owner.auth, body: { role_id: 2, member_group: { ldap_group_dn: 'CN=devs,dc=example' } } });
      expect(res.status).toBe(201);
      const member = await get<Member>(`/api/v2.0/projects/${projectId}/members/${locationId(res)}`, owner.auth);
      expect(member.body).toMatchObject({ entity_type: 'g', entity_id: group.id, entity_name: 'devs', role_id: 2 });
      const duplicate = await api(core.url, 'POST', `/api/v2.0/projects/${projectId}/members`, { auth: owner.auth, body: { role_id: 3, member_group: { id: group.id } } });
      expect([duplicate.status, errorCode(duplicate)]).toEqual([409, 'CONFLICT']);
    });

    it('refuses bad input with 4xx and changes nothing', async () => {
      const zed = await createTestUser(core.url, core.adminAuth, 'zed');
      const mid = await addTestMember(core.url, owner.auth, projectId, 'zed', 3);
      const before = await membersOf(projectId);
      const post = (body: unknown) => api(core.url, 'POST', `/api/v2.0/projects/${projectId}/members`, { auth: owner.auth, body });
      const cases: [unknown, number][] = [
        [{ role_id: 0, member_user: { username: 'zed' } }, 400],
        [{ role_id: 6, member_user: { username: 'zed' } }, 400],
        [{ role_id: '1', member_user: { username: 'zed' } }, 400],
        [{ role_id: 1.5, member_user: { username: 'zed' } }, 400],
        [{ member_user: { username: 'nobody-yet' } }, 400],
        [{ role_id: 2 }, 400],
        [{ role_id: 2, member_user: {} }, 400],
        [{ role_id: 2, member_user: { username: 'zed' }, member_group: { id: 1 } }, 400],
        [{ role_id: 2, member_user: { user_id: 'x' } }, 400],
        [{ role_id: 2, member_user: { user_id: zed.id, username: 'owner' } }, 400],
        [{ role_id: 2, member_user: { username: 'nobody' } }, 404],
        [{ role_id: 2, member_user: { user_id: 999999 } }, 404],
        [{ role_id: 2, member_group: { id: 999999 } }, 404],
        [{ role_id: 2, member_user: { username: 'ZED' } }, 409],
        // Fields it does not know are ignored, as Harbor ignores them: zed is simply a member already.
        [{ role_id: 2, member_user: { username: 'zed', admin: true } }, 409],
        [{ role_id: 2, member_user: { username: 'zed' }, extra: 1 }, 409],
      ];
      for (const [body, status] of cases) {
        const res = await post(body);
        expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), status]);
        expect(errorCode(res)).toEqual({ 400: 'BAD_REQUEST', 404: 'NOT_FOUND', 409: 'CONFLICT' }[status]);
      }
      for (const body of [{ role_id: 9 }, { role_id: null }, {}]) {
        const res = await api(core.url, 'PUT', `/api/v2.0/projects/${projectId}/members/${mid}`, { auth: owner.auth, body });
        expect([JSON.stringify(body), res.status, errorCode(res)]).toEqual([JSON.stringify(body), 400, 'BAD_REQUEST']);
      }
      for (const path of [`/api/v2.0/projects/${projectId}/members/abc`, `/api/v2.0/projects/${projectId}/members/0`]) {
        expect((await get(path, owner.auth)).status).toBe(400);
      }
      expect((await get(`/api/v2.0/projects/${projectId}/members/999999`, owner.auth)).status).toBe(404);
      expect((await get('/api/v2.0/projects/no-such/members', core.adminAuth)).status).toBe(404);
      expect((await api(core.url, 'POST', '/api/v2.0/projects/no-such/members', { auth: core.adminAuth, body: { role_id: 2, member_user: { username: 'zed' } } })).status).toBe(404);
      expect(await membersOf(projectId)).toEqual(before);
    });

    it('does not reach members of another project through this one', async () => {
      const otherId = await createTestProject(core.url, owner.auth, 'other-crew');
      const [ownerInOther] = (await get<Member[]>(`/api/v2.0/projects/${otherId}/members`, owner.auth)).body;
      expect((await get(`/api/v2.0/projects/${projectId}/members/${ownerInOther.id}`, owner.auth)).status).toBe(404);
      expect((await api(core.url, 'DELETE', `/api/v2.0/projects/${projectId}/members/${ownerInOther.id}`, { auth: owner.auth })).status).toBe(404);
      expect((await get(`/api/v2.0/projects/${otherId}/members/${ownerInOther.id}`, owner.auth)).status).toBe(200);
    });
  });

  describe('who may do what (the permission matrix)', () => {
    type Who = 'projectAdmin' | 'maintainer' | 'developer' | 'guest' | 'limitedGuest' | 'nonMember' | 'anonymous' | 'sysadmin';
    const auth: Partial<Record<Who, string | undefined>> = {};
    let matrixProject: number;
    let targetMember: number;

    beforeAll(async () => {
      matrixProject = await createTestProject(core.url, core.adminAuth, 'matrix');
      const roles: [Who, number][] = [
        ['projectAdmin', 1],
        ['developer', 2],
        ['guest', 3],
        ['maintainer', 4],
        ['limitedGuest', 5],
      ];
      for (const [who, role] of roles) {
        const user = await createTestUser(core.url, core.adminAuth, `m-${who.toLowerCase()}`);
        await addTestMember(core.url, core.adminAuth, matrixProject, user.username, role);
        auth[who] = user.auth;
      }
      auth.nonMember = (await createTestUser(core.url, core.adminAuth, 'm-stranger')).auth;
      auth.anonymous = undefined;
      auth.sysadmin = core.adminAuth;
      await createTestUser(core.url, core.adminAuth, 'm-target');
      targetMember = await addTestMember(core.url, core.adminAuth, matrixProject, 'm-target', 3);
    });

    // Expected status per caller: list and read need member list/read (projectAdmin, maintainer,
    // developer, guest); changes need projectAdmin; anonymous callers get 401, others 403.
    const expectations: [Who, number, number][] = [
      ['projectAdmin', 200, 200],
      ['maintainer', 200, 403],
      ['developer', 200, 403],
      ['guest', 200, 403],
      ['limitedGuest', 403, 403],
      ['nonMember', 403, 403],
      ['anonymous', 401, 401],
      ['sysadmin', 200, 200],
    ];

    it.each(expectations)('%s: list/read %d, change %d', async (who, read, change) => {
      const a = auth[who];
      const statusOf = async (method: string, path: string, body?: unknown) => {
        const res = await api(core.url, method, path, { auth: a, body });
        if (res.status >= 400) expect(errorCode(res)).toBe(res.status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN');
        return res.status;
      };
      const base = `/api/v2.0/projects/${matrixProject}/members`;
      expect(await statusOf('GET', base)).toBe(read);
      expect(await statusOf('GET', `${base}/${targetMember}`)).toBe(read);
      const countBefore = (await membersOf(matrixProject)).length;
      const update = await statusOf('PUT', `${base}/${targetMember}`, { role_id: 2 });
      expect(update).toBe(change);
      const created = await api(core.url, 'POST', base, { auth: a, body: { role_id: 3, member_user: { username: 'm-target' } } });
      // Allowed callers reach the duplicate check (409); the others are refused before it.
      expect(created.status).toBe(change === 200 ? 409 : change);
      if (change !== 200) {
        const del = await statusOf('DELETE', `${base}/${targetMember}`);
        expect(del).toBe(change);
        expect((await membersOf(matrixProject)).length).toBe(countBefore);
        const [target] = await sqlQuery<{ role: number }>(core.db.url, 'SELECT role FROM project_member WHERE id = $1', [targetMember]);
        expect(target.role).toBe(3);
      } else {
        // Put the target back to guest for the next caller.
        await api(core.url, 'PUT', `${base}/${targetMember}`, { auth: a, body: { role_id: 3 } });
      }
    });

    it('lets the project admin and system administrators remove members', async () => {
      await createTestUser(core.url, core.adminAuth, 'm-gone1');
      await createTestUser(core.url, core.adminAuth, 'm-gone2');
      const one = await addTestMember(core.url, core.adminAuth, matrixProject, 'm-gone1', 3);
      const two = await addTestMember(core.url, core.adminAuth, matrixProject, 'm-gone2', 3);
      expect((await api(core.url, 'DELETE', `/api/v2.0/projects/${matrixProject}/members/${one}`, { auth: auth.projectAdmin })).status).toBe(200);
      expect((await api(core.url, 'DELETE', `/api/v2.0/projects/${matrixProject}/members/${two}`, { auth: core.adminAuth })).status).toBe(200);
    });
  });

  it('records one audit row per member change', async () => {
    const projectIdForAudit = await createTestProject(core.url, owner.auth, 'audit-crew');
    await createTestUser(core.url, core.adminAuth, 'audited-member');
    const mid = await addTestMember(core.url, owner.auth, projectIdForAudit, 'audited-member', 3);
    await api(core.url, 'PUT', `/api/v2.0/projects/${projectIdForAudit}/members/${mid}`, { auth: owner.auth, body: { role_id: 2 } });
    await api(core.url, 'DELETE', `/api/v2.0/projects/${projectIdForAudit}/members/${mid}`, { auth: owner.auth });
    const logs = await get<{ operation: string; resource: string; resource_type: string; username: string }[]>(
      '/api/v2.0/projects/audit-crew/logs?q=resource_type%3Dproject_member&sort=op_time',
      owner.auth,
    );
    expect(logs.body.map((l) => [l.operation, l.resource, l.username])).toEqual([
      ['create', 'audited-member', 'owner'],
      ['update', 'audited-member', 'owner'],
      ['delete', 'audited-member', 'owner'],
    ]);
  });
});
