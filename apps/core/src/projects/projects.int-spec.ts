import {
  addTestMember,
  api,
  ApiResponse,
  CoreHarness,
  createTestProject,
  createTestUser,
  errorCode,
  locationId,
  sqlQuery,
  startTestCore,
  TestUser,
} from '../testing';

interface Project {
  project_id: number;
  name: string;
  owner_id: number;
  owner_name: string;
  metadata: Record<string, string>;
  current_user_role_id: number;
  current_user_role_ids: number[];
  repo_count: number;
  togglable: boolean;
  deleted: boolean;
  creation_time: string;
  update_time: string;
  cve_allowlist: { items: { cve_id: string }[]; expires_at?: number | null; project_id: number };
}

describe('projects API', () => {
  let core: CoreHarness;
  let alice: TestUser;
  let bob: TestUser;

  const get = <T = unknown>(path: string, auth?: string, headers?: Record<string, string>) => api<T>(core.url, 'GET', path, { auth, headers });
  const names = (res: ApiResponse<Project[]>) => res.body.map((p) => p.name);
  const projectCount = async () => Number((await sqlQuery<{ n: string }>(core.db.url, 'SELECT count(*) AS n FROM project'))[0].n);
  const addRepository = async (projectId: number, name: string) =>
    // As a push that recorded an artifact leaves it: listed (migration 0015).
    sqlQuery(core.db.url, 'INSERT INTO repository (project_id, name, first_push_time) VALUES ($1, $2, now())', [projectId, name]);

  beforeAll(async () => {
    core = await startTestCore();
    alice = await createTestUser(core.url, core.adminAuth, 'alice');
    bob = await createTestUser(core.url, core.adminAuth, 'bob');
  });
  afterAll(async () => {
    await core.close();
  });

  describe('POST /projects', () => {
    it('creates a private project whose creator is its project admin', async () => {
      const res = await api(core.url, 'POST', '/api/v2.0/projects', { auth: alice.auth, body: { project_name: 'team-a', metadata: { public: 'false', auto_scan: 'true' } } });
      expect(res.status).toBe(201);
      const id = locationId(res);
      expect(res.headers.get('location')).toBe(`/api/v2.0/projects/${id}`);
      const project = await get<Project>(`/api/v2.0/projects/${id}`, alice.auth);
      expect(project.status).toBe(200);
      expect(project.body).toMatchObject({
        project_id: id,
        name: 'team-a',
        owner_id: alice.id,
        owner_name: 'alice',
        deleted: false,
        togglable: true,
        current_user_role_id: 1,
        current_user_role_ids: [1],
        repo_count: 0,
        metadata: { public: 'false', auto_scan: 'true' },
        cve_allowlist: { items: [], project_id: id },
      });
      expect(Date.parse(project.body.creation_time)).not.toBeNaN();
      const byName = await get<Project>('/api/v2.0/projects/team-a', alice.auth);
      expect(byName.body.project_id).toBe(id);
      const members = await get<{ entity_name: string; role_id: number; role_name: string }[]>(`/api/v2.0/projects/${id}/members`, alice.auth);
      expect(members.body.map((m) => [m.entity_name, m.role_id, m.role_name])).toEqual([['alice', 1, 'projectAdmin']]);
    });

    it('names the project in Location when asked to', async () => {
      const res = await api(core.url, 'POST', '/api/v2.0/projects', {
        auth: alice.auth,
        body: { project_name: 'by-name' },
        headers: { 'X-Resource-Name-In-Location': 'true' },
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('location')).toBe('/api/v2.0/projects/by-name');
    });

    it('keeps public and metadata.public in step; metadata.public wins over the deprecated flag', async () => {
      await api(core.url, 'POST', '/api/v2.0/projects', { auth: alice.auth, body: { project_name: 'flag-public', public: true } });
      await api(core.url, 'POST', '/api/v2.0/projects', { auth: alice.auth, body: { project_name: 'meta-wins', public: true, metadata: { public: 'false' } } });
      expect((await get<Project>('/api/v2.0/projects/flag-public')).body.metadata.public).toBe('true');
      expect((await get('/api/v2.0/projects/meta-wins')).status).toBe(401);
      const rows = await sqlQuery<{ name: string; public: boolean; metadata: Record<string, string> }>(
        core.db.url,
        "SELECT name, public, metadata FROM project WHERE name IN ('flag-public', 'meta-wins') ORDER BY name",
      );
      expect(rows.map((r) => [r.name, r.public, r.metadata.public])).toEqual([
        ['flag-public', true, 'true'],
        ['meta-wins', false, 'false'],
      ]);
    });

    it('refuses a taken name with 409', async () => {
      const before = await projectCount();
      const res = await api(core.url, 'POST', '/api/v2.0/projects', { auth: bob.auth, body: { project_name: 'team-a' } });
      expect([res.status, errorCode(res)]).toEqual([409, 'CONFLICT']);
      expect(await projectCount()).toBe(before);
      expect((await get<Project>('/api/v2.0/projects/team-a', core.adminAuth)).body.owner_name).toBe('alice');
    });

    it.each([
      ['an upper-case name', { project_name: 'Team' }],
      ['a name starting with a separator', { project_name: '-team' }],
      ['a doubled separator', { project_name: 'a..b' }],
      ['a slash', { project_name: 'a/b' }],
      ['an empty name', { project_name: '' }],
      ['a 256-character name', { project_name: 'a'.repeat(256) }],
      ['no name', {}],
      ['a numeric name field', { project_name: 5 }],
      ['a boolean metadata value', { project_name: 'ok-name', metadata: { public: true } }],
      ['metadata that is not an object', { project_name: 'ok-name', metadata: 'public' }],
      ['metadata that is a list', { project_name: 'ok-name', metadata: [] }],
      ['a bad severity', { project_name: 'ok-name', metadata: { severity: 'extreme' } }],
      ['public as a string', { project_name: 'ok-name', public: 'yes' }],
      ['storage_limit as a string', { project_name: 'ok-name', storage_limit: '10' }],
      ['storage_limit 0', { project_name: 'ok-name', storage_limit: 0 }],
      ['storage_limit below -1', { project_name: 'ok-name', storage_limit: -5 }],
      ['storage_limit over 1024 TiB', { project_name: 'ok-name', storage_limit: 1125899906842625 }],
      ['a fractional storage_limit', { project_name: 'ok-name', storage_limit: 10.5 }],
      ['a proxy-cache registry', { project_name: 'ok-name', registry_id: 1 }],
      ['allowlist items that are not objects', { project_name: 'ok-name', cve_allowlist: { items: ['CVE-1'] } }],
    ])('refuses %s with 400 and creates nothing', async (_what, body) => {
      const before = await projectCount();
      const res = await api(core.url, 'POST', '/api/v2.0/projects', { auth: alice.auth, body });
      expect([res.status, errorCode(res)]).toEqual([400, 'BAD_REQUEST']);
      expect(await projectCount()).toBe(before);
    });

    it('ignores fields and metadata keys it does not know, as Harbor does', async () => {
      const res = await api(core.url, 'POST', '/api/v2.0/projects', { auth: alice.auth, body: { project_name: 'extras-ignored', owner: 'bob', metadata: { colour: 'red', public: 'true' } } });
      expect(res.status).toBe(201);
      const shown = await get<Project>('/api/v2.0/projects/extras-ignored', alice.auth);
      expect(shown.body.metadata).toEqual({ public: 'true' });
      expect(shown.body.owner_name).toBe('alice');
    });

    it('needs an authenticated user', async () => {
      const res = await api(core.url, 'POST', '/api/v2.0/projects', { body: { project_name: 'anon' } });
      expect([res.status, errorCode(res)]).toEqual([401, 'UNAUTHORIZED']);
      expect((await api(core.url, 'HEAD', '/api/v2.0/projects?project_name=anon', { auth: core.adminAuth })).status).toBe(404);
    });

    it('lets only system administrators set a quota', async () => {
      await api(core.url, 'POST', '/api/v2.0/projects', { auth: alice.auth, body: { project_name: 'quota-user', storage_limit: 1000 } });
      await api(core.url, 'POST', '/api/v2.0/projects', { auth: core.adminAuth, body: { project_name: 'quota-admin', storage_limit: 1000 } });
      const user = await get<{ quota: { hard: { storage: number } } }>('/api/v2.0/projects/quota-user/summary', alice.auth);
      const admin = await get<{ quota: { hard: { storage: number } } }>('/api/v2.0/projects/quota-admin/summary', core.adminAuth);
      expect(user.body.quota.hard.storage).toBe(-1);
      expect(admin.body.quota.hard.storage).toBe(1000);
      // The largest limit there is (1024 TiB) is taken as is; a new project uses nothing yet.
      const max = await api(core.url, 'POST', '/api/v2.0/projects', { auth: core.adminAuth, body: { project_name: 'quota-max', storage_limit: 1125899906842624 } });
      expect(max.status).toBe(201);
      const maxSummary = await get<{ quota: unknown }>('/api/v2.0/projects/quota-max/summary', core.adminAuth);
      expect(maxSummary.body.quota).toEqual({ hard: { storage: 1125899906842624 }, used: { storage: 0 } });
      const rows = await sqlQuery<{ name: string; storage_limit: string }>(
        core.db.url,
        "SELECT name, storage_limit::text FROM project WHERE name IN ('quota-user', 'quota-admin', 'quota-max') ORDER BY name",
      );
      expect(rows.map((r) => [r.name, r.storage_limit])).toEqual([
        ['quota-admin', '1000'],
        ['quota-max', '1125899906842624'],
        ['quota-user', '-1'],
      ]);
    });
  });

  describe('HEAD /projects', () => {
    it('tells whether a name is taken', async () => {
      const taken = await fetch(`${core.url}/api/v2.0/projects?project_name=team-a`, { method: 'HEAD', headers: { Authorization: bob.auth } });
      expect(taken.status).toBe(200);
      const free = await fetch(`${core.url}/api/v2.0/projects?project_name=free-name`, { method: 'HEAD', headers: { Authorization: bob.auth } });
      expect(free.status).toBe(404);
      expect((await fetch(`${core.url}/api/v2.0/projects`, { method: 'HEAD', headers: { Authorization: bob.auth } })).status).toBe(400);
      expect((await fetch(`${core.url}/api/v2.0/projects?project_name=team-a`, { method: 'HEAD' })).status).toBe(401);
    });
  });

  describe('{project_name_or_id}', () => {
    it('reads a number as an id unless X-Is-Resource-Name says it is a name', async () => {
      const id = await createTestProject(core.url, alice.auth, '4242');
      const asName = await get<Project>('/api/v2.0/projects/4242', alice.auth, { 'X-Is-Resource-Name': 'true' });
      expect([asName.status, asName.body.project_id]).toEqual([200, id]);
      const asId = await get<Project>(`/api/v2.0/projects/${id}`, alice.auth);
      expect(asId.body.name).toBe('4242');
      const numberAsId = await get('/api/v2.0/projects/4242', alice.auth);
      expect(numberAsId.status).toBe(404);
      const bad = await get('/api/v2.0/projects/4242', alice.auth, { 'X-Is-Resource-Name': 'maybe' });
      expect([bad.status, errorCode(bad)]).toEqual([400, 'BAD_REQUEST']);
    });

    it('answers 404 for a project that does not exist', async () => {
      for (const path of ['/api/v2.0/projects/nope', '/api/v2.0/projects/999999', '/api/v2.0/projects/nope/summary']) {
        const res = await get(path, core.adminAuth);
        expect([path, res.status, errorCode(res)]).toEqual([path, 404, 'NOT_FOUND']);
      }
    });
  });

  describe('visibility per role', () => {
    let privateId: number;
    const roleUsers: Record<string, TestUser> = {};
    const roles: [string, number][] = [
      ['projectAdmin', 1],
      ['developer', 2],
      ['guest', 3],
      ['maintainer', 4],
      ['limitedGuest', 5],
    ];

    beforeAll(async () => {
      privateId = await createTestProject(core.url, core.adminAuth, 'vis-private');
      await createTestProject(core.url, core.adminAuth, 'vis-public', true);
      await createTestProject(core.url, core.adminAuth, 'vis-other');
      for (const [name, role] of roles) {
        roleUsers[name] = await createTestUser(core.url, core.adminAuth, `vis-${name.toLowerCase()}`);
        await addTestMember(core.url, core.adminAuth, privateId, roleUsers[name].username, role);
      }
    });

    it.each([
      ['projectAdmin', 1],
      ['developer', 2],
      ['guest', 3],
      ['maintainer', 4],
      ['limitedGuest', 5],
    ])('shows a private project to its %s, with the role', async (name, role) => {
      const user = roleUsers[name];
      const res = await get<Project>(`/api/v2.0/projects/${privateId}`, user.auth);
      expect(res.status).toBe(200);
      expect([res.body.current_user_role_id, res.body.current_user_role_ids]).toEqual([role, [role]]);
      expect(res.body.togglable).toBe(role === 1);
      const list = await get<Project[]>('/api/v2.0/projects?name=vis-&page_size=100', user.auth);
      expect(names(list).sort()).toEqual(['vis-private', 'vis-public']);
    });

    it('hides it from non-members (403) and anonymous callers (401), not from administrators', async () => {
      const stranger = await get(`/api/v2.0/projects/${privateId}`, bob.auth);
      expect([stranger.status, errorCode(stranger)]).toEqual([403, 'FORBIDDEN']);
      const anonymous = await get(`/api/v2.0/projects/${privateId}`);
      expect([anonymous.status, errorCode(anonymous)]).toEqual([401, 'UNAUTHORIZED']);
      expect((await get<Project>(`/api/v2.0/projects/${privateId}`, core.adminAuth)).body.current_user_role_id).toBe(1);
      expect((await get('/api/v2.0/projects/vis-public')).status).toBe(200);
      expect((await get('/api/v2.0/projects/vis-public', bob.auth)).status).toBe(200);
    });

    it('lists public projects to everyone, members\' projects to members and everything to administrators', async () => {
      expect(names(await get<Project[]>('/api/v2.0/projects?name=vis-'))).toEqual(['vis-public']);
      expect(names(await get<Project[]>('/api/v2.0/projects?name=vis-', bob.auth))).toEqual(['vis-public']);
      expect(names(await get<Project[]>('/api/v2.0/projects?name=vis-', core.adminAuth))).toEqual(['vis-other', 'vis-private', 'vis-public']);
      const anonymousAll = await get<Project[]>('/api/v2.0/projects?page_size=100');
      expect(anonymousAll.body.every((p) => p.metadata.public === 'true')).toBe(true);
      expect(names(anonymousAll)).toContain('library');
      const publicOnly = await get<Project[]>('/api/v2.0/projects?name=vis-&public=true', core.adminAuth);
      expect(names(publicOnly)).toEqual(['vis-public']);
      const privateOnly = await get<Project[]>('/api/v2.0/projects?name=vis-&public=false', core.adminAuth);
      expect(names(privateOnly)).toEqual(['vis-other', 'vis-private']);
    });
  });

  describe('GET /projects', () => {
    beforeAll(async () => {
      for (const n of ['list-c', 'list-a', 'list-e', 'list-b', 'list-d']) await createTestProject(core.url, bob.auth, n);
    });

    it('pages with X-Total-Count and Link, sorted as asked', async () => {
      const first = await get<Project[]>('/api/v2.0/projects?q=name%3D~list-&page=1&page_size=2', bob.auth);
      expect(first.headers.get('x-total-count')).toBe('5');
      expect(names(first)).toEqual(['list-a', 'list-b']);
      expect(first.headers.get('link')).toBe('</api/v2.0/projects?q=name%3D%7Elist-&page=2&page_size=2>; rel="next"');
      const second = await get<Project[]>('/api/v2.0/projects?q=name%3D~list-&page=2&page_size=2', bob.auth);
      expect(names(second)).toEqual(['list-c', 'list-d']);
      expect(second.headers.get('link')).toBe(
        '</api/v2.0/projects?q=name%3D%7Elist-&page=1&page_size=2>; rel="prev" , </api/v2.0/projects?q=name%3D%7Elist-&page=3&page_size=2>; rel="next"',
      );
      const desc = await get<Project[]>('/api/v2.0/projects?name=list-&sort=-name&page_size=3', bob.auth);
      expect(names(desc)).toEqual(['list-e', 'list-d', 'list-c']);
      const exact = await get<Project[]>('/api/v2.0/projects?q=name%3Dlist-b', bob.auth);
      expect(names(exact)).toEqual(['list-b']);
      const owned = await get<Project[]>('/api/v2.0/projects?owner=bob&page_size=100', core.adminAuth);
      expect(names(owned)).toEqual(['list-a', 'list-b', 'list-c', 'list-d', 'list-e']);
      const none = await get<Project[]>('/api/v2.0/projects?name=zzz', bob.auth);
      expect([none.body, none.headers.get('x-total-count'), none.headers.get('link')]).toEqual([[], '0', null]);
    });

    it('refuses bad queries and flags with 400 and paging out of bounds with 422, as Harbor', async () => {
      for (const qs of ['q=name', 'q=name%3Da&q=name%3Db', 'page=1&page=2', 'public=maybe', 'q=public%3Dyes']) {
        const res = await get(`/api/v2.0/projects?${qs}`, bob.auth);
        expect([qs, res.status, errorCode(res)]).toEqual([qs, 400, 'BAD_REQUEST']);
      }
      for (const qs of ['page_size=0', 'page_size=1000', 'page=x']) {
        const res = await get(`/api/v2.0/projects?${qs}`, bob.auth);
        expect([qs, res.status, errorCode(res)]).toEqual([qs, 422, 'UNPROCESSABLE_ENTITY']);
      }
    });

    it('skips query and sort keys it cannot use and reads page 0 as the first, as Harbor', async () => {
      const plain = await get<Project[]>('/api/v2.0/projects?page_size=100', bob.auth);
      for (const qs of ['q=colour%3Dred', 'sort=owner_id', 'page=0']) {
        const res = await get<Project[]>(`/api/v2.0/projects?page_size=100&${qs}`, bob.auth);
        expect([qs, res.status, res.body.map((p) => p.name)]).toEqual([qs, 200, plain.body.map((p) => p.name)]);
      }
    });
  });

  describe('PUT /projects/{project_name_or_id}', () => {
    let id: number;
    let maintainer: TestUser;

    beforeAll(async () => {
      id = await createTestProject(core.url, alice.auth, 'upd');
      maintainer = await createTestUser(core.url, core.adminAuth, 'upd-maintainer');
      await addTestMember(core.url, alice.auth, id, maintainer.username, 4);
    });

    it('lets the project admin change metadata (public in step) and the allowlist', async () => {
      const res = await api(core.url, 'PUT', `/api/v2.0/projects/${id}`, {
        auth: alice.auth,
        body: { metadata: { public: 'true', severity: 'high' }, cve_allowlist: { items: [{ cve_id: 'CVE-2024-0001' }, { cve_id: 'CVE-2024-0001' }], expires_at: 1900000000 } },
      });
      expect(res.status).toBe(200);
      const project = await get<Project>(`/api/v2.0/projects/${id}`);
      expect(project.status).toBe(200);
      expect(project.body.metadata).toEqual({ public: 'true', severity: 'high' });
      expect(project.body.cve_allowlist).toMatchObject({ items: [{ cve_id: 'CVE-2024-0001' }], expires_at: 1900000000 });
      const row = (await sqlQuery<{ public: boolean }>(core.db.url, 'SELECT public FROM project WHERE id = $1', [id]))[0];
      expect(row.public).toBe(true);
      // The deprecated flag alone works too, and leaves the other metadata alone.
      expect((await api(core.url, 'PUT', `/api/v2.0/projects/upd`, { auth: alice.auth, body: { public: false } })).status).toBe(200);
      expect((await get<Project>(`/api/v2.0/projects/${id}`, alice.auth)).body.metadata).toEqual({ public: 'false', severity: 'high' });
    });

    it('refuses other roles, renames, quota changes by users and bad values, changing nothing', async () => {
      const before = (await get<Project>(`/api/v2.0/projects/${id}`, alice.auth)).body;
      const byMaintainer = await api(core.url, 'PUT', `/api/v2.0/projects/${id}`, { auth: maintainer.auth, body: { metadata: { public: 'true' } } });
      expect([byMaintainer.status, errorCode(byMaintainer)]).toEqual([403, 'FORBIDDEN']);
      const byStranger = await api(core.url, 'PUT', `/api/v2.0/projects/${id}`, { auth: bob.auth, body: { metadata: { public: 'true' } } });
      expect(byStranger.status).toBe(403);
      const anonymous = await api(core.url, 'PUT', `/api/v2.0/projects/${id}`, { body: { metadata: { public: 'true' } } });
      expect(anonymous.status).toBe(401);
      const quota = await api(core.url, 'PUT', `/api/v2.0/projects/${id}`, { auth: alice.auth, body: { storage_limit: 5 } });
      expect([quota.status, errorCode(quota)]).toEqual([403, 'FORBIDDEN']);
      for (const body of [{ project_name: 'renamed' }, { metadata: { public: 'yes' } }, { public: 1 }]) {
        const res = await api(core.url, 'PUT', `/api/v2.0/projects/${id}`, { auth: alice.auth, body });
        expect([JSON.stringify(body), res.status, errorCode(res)]).toEqual([JSON.stringify(body), 400, 'BAD_REQUEST']);
      }
      const missing = await api(core.url, 'PUT', '/api/v2.0/projects/nope', { auth: core.adminAuth, body: {} });
      expect(missing.status).toBe(404);
      expect((await get<Project>(`/api/v2.0/projects/${id}`, alice.auth)).body).toEqual(before);
    });

    it('lets system administrators change the quota', async () => {
      expect((await api(core.url, 'PUT', `/api/v2.0/projects/${id}`, { auth: core.adminAuth, body: { storage_limit: 2048 } })).status).toBe(200);
      const summary = await get<{ quota: { hard: { storage: number } } }>(`/api/v2.0/projects/${id}/summary`, alice.auth);
      expect(summary.body.quota.hard.storage).toBe(2048);
    });
  });

  describe('DELETE /projects/{project_name_or_id}', () => {
    it('refuses with 412 while repositories remain, then deletes', async () => {
      const id = await createTestProject(core.url, alice.auth, 'del-me');
      await addRepository(id, 'del-me/app');
      const refused = await api(core.url, 'DELETE', `/api/v2.0/projects/${id}`, { auth: alice.auth });
      expect([refused.status, errorCode(refused)]).toEqual([412, 'PRECONDITION']);
      expect((await get<Project>(`/api/v2.0/projects/${id}`, alice.auth)).body.repo_count).toBe(1);
      await sqlQuery(core.db.url, 'DELETE FROM repository WHERE project_id = $1', [id]);
      const deleted = await api(core.url, 'DELETE', '/api/v2.0/projects/del-me', { auth: alice.auth });
      expect(deleted.status).toBe(200);
      expect((await get(`/api/v2.0/projects/${id}`, core.adminAuth)).status).toBe(404);
      const again = await api(core.url, 'DELETE', `/api/v2.0/projects/${id}`, { auth: alice.auth });
      expect([again.status, errorCode(again)]).toEqual([404, 'NOT_FOUND']);
    });

    it('is for the project admin and system administrators', async () => {
      const id = await createTestProject(core.url, alice.auth, 'keep-me');
      const maintainer = await createTestUser(core.url, core.adminAuth, 'keep-maintainer');
      await addTestMember(core.url, alice.auth, id, maintainer.username, 4);
      expect((await api(core.url, 'DELETE', `/api/v2.0/projects/${id}`, { auth: maintainer.auth })).status).toBe(403);
      expect((await api(core.url, 'DELETE', `/api/v2.0/projects/${id}`, { auth: bob.auth })).status).toBe(403);
      expect((await api(core.url, 'DELETE', `/api/v2.0/projects/${id}`)).status).toBe(401);
      expect((await get(`/api/v2.0/projects/${id}`, alice.auth)).status).toBe(200);
      expect((await api(core.url, 'DELETE', `/api/v2.0/projects/${id}`, { auth: core.adminAuth })).status).toBe(200);
    });
  });

  describe('GET /projects/{project_name_or_id}/summary', () => {
    it('counts repositories, members per role and stored bytes', async () => {
      const id = await createTestProject(core.url, alice.auth, 'sum');
      const dev = await createTestUser(core.url, core.adminAuth, 'sum-dev');
      const limited = await createTestUser(core.url, core.adminAuth, 'sum-limited');
      await addTestMember(core.url, alice.auth, id, dev.username, 2);
      await addTestMember(core.url, alice.auth, id, limited.username, 5);
      await addRepository(id, 'sum/a');
      await addRepository(id, 'sum/b');
      // One artifact per repository, both referencing blob a; an upload no artifact references
      // (blob c, only linked to the repositories) counts too, once, as the registry charges it.
      await sqlQuery(
        core.db.url,
        `WITH b AS (INSERT INTO blob (digest, size) VALUES ('sha256:' || repeat('a', 64), 100), ('sha256:' || repeat('b', 64), 23), ('sha256:' || repeat('c', 64), 5000)
                    RETURNING id, size),
              a AS (INSERT INTO artifact (repository_id, digest, media_type, manifest_size, total_size)
                    SELECT r.id, 'sha256:' || repeat(CASE WHEN r.name = 'sum/a' THEN 'd' ELSE 'e' END, 64), 'application/vnd.oci.image.manifest.v1+json', 10, 10
                      FROM repository r WHERE r.project_id = $1 RETURNING id, repository_id),
              ab AS (INSERT INTO artifact_blob (artifact_id, blob_id)
                     SELECT a.id, b.id FROM a JOIN repository r ON r.id = a.repository_id, b
                      WHERE b.size = 100 OR (b.size = 23 AND r.name = 'sum/b'))
         INSERT INTO repository_blob (repository_id, blob_id) SELECT r.id, b.id FROM repository r, b WHERE r.project_id = $1`,
        [id],
      );
      const [recomputed] = await sqlQuery<{ n: string }>(core.db.url, 'SELECT quota_recomputed($1)::text AS n', [id]);
      expect(recomputed.n).toBe('5123');
      const summary = await get<Record<string, unknown>>(`/api/v2.0/projects/${id}/summary`, alice.auth);
      expect(summary.body).toEqual({
        repo_count: 2,
        project_admin_count: 1,
        maintainer_count: 0,
        developer_count: 1,
        guest_count: 0,
        limited_guest_count: 1,
        quota: { hard: { storage: -1 }, used: { storage: 5123 } },
      });
      // A limited guest may read the project but not its member list: no member counts.
      const limitedView = await get<Record<string, unknown>>(`/api/v2.0/projects/${id}/summary`, limited.auth);
      expect(limitedView.status).toBe(200);
      expect(limitedView.body['developer_count']).toBeUndefined();
      expect((await get(`/api/v2.0/projects/${id}/summary`, bob.auth)).status).toBe(403);
    });
  });

  describe('audit', () => {
    it('records one row per create, update and delete, readable per project', async () => {
      const id = await createTestProject(core.url, alice.auth, 'audited');
      await api(core.url, 'PUT', `/api/v2.0/projects/${id}`, { auth: alice.auth, body: { metadata: { auto_scan: 'true' } } });
      const guest = await createTestUser(core.url, core.adminAuth, 'audit-guest');
      const limited = await createTestUser(core.url, core.adminAuth, 'audit-limited');
      await addTestMember(core.url, alice.auth, id, guest.username, 3);
      await addTestMember(core.url, alice.auth, id, limited.username, 5);
      type Log = { id: number; username: string; resource: string; resource_type: string; operation: string; op_time: string };
      const logs = await get<Log[]>('/api/v2.0/projects/audited/logs?sort=op_time', guest.auth);
      expect(logs.status).toBe(200);
      expect(logs.headers.get('x-total-count')).toBe('4');
      expect(logs.body.map((l) => [l.operation, l.resource_type, l.resource, l.username])).toEqual([
        ['create', 'project', 'audited', 'alice'],
        ['update', 'project', 'audited', 'alice'],
        ['create', 'project_member', 'audit-guest', 'alice'],
        ['create', 'project_member', 'audit-limited', 'alice'],
      ]);
      expect(Object.keys(logs.body[0]).sort()).toEqual(['id', 'op_time', 'operation', 'resource', 'resource_type', 'username']);
      expect((await get('/api/v2.0/projects/audited/logs', limited.auth)).status).toBe(403);
      expect((await get('/api/v2.0/projects/audited/logs', bob.auth)).status).toBe(403);
      expect((await get('/api/v2.0/projects/audited/logs')).status).toBe(401);
      expect((await get('/api/v2.0/projects/nope/logs', core.adminAuth)).status).toBe(404);
      const paged = await get<Log[]>('/api/v2.0/projects/audited/logs?page=2&page_size=3', guest.auth);
      expect(paged.body).toHaveLength(1);
      expect(paged.headers.get('link')).toContain('rel="prev"');

      await api(core.url, 'DELETE', `/api/v2.0/projects/${id}`, { auth: alice.auth });
      const deletions = await get<Log[]>('/api/v2.0/audit-logs?q=operation%3Ddelete,resource_type%3Dproject,resource%3Daudited', core.adminAuth);
      expect(deletions.body.map((l) => [l.operation, l.resource, l.username])).toEqual([['delete', 'audited', 'alice']]);
    });

    it('shows each user the rows of their own projects only, administrators everything', async () => {
      await createTestProject(core.url, bob.auth, 'bob-audit');
      type Log = { resource: string; resource_type: string };
      const bobs = await get<Log[]>('/api/v2.0/audit-logs?page_size=100&q=resource_type%3Dproject', bob.auth);
      expect(bobs.body.map((l) => l.resource)).toContain('bob-audit');
      expect(bobs.body.map((l) => l.resource)).not.toContain('team-a');
      const admins = await get<Log[]>('/api/v2.0/audit-logs?page_size=100&q=resource_type%3Dproject', core.adminAuth);
      expect(admins.body.map((l) => l.resource)).toEqual(expect.arrayContaining(['bob-audit', 'team-a']));
      expect((await get('/api/v2.0/audit-logs')).status).toBe(401);
    });

    it('filters by fuzzy match and time range, and refuses bad queries', async () => {
      type Log = { resource: string; op_time: string };
      const fuzzy = await get<Log[]>('/api/v2.0/audit-logs?q=resource%3D~bob-aud', core.adminAuth);
      expect(fuzzy.body.map((l) => l.resource)).toEqual(['bob-audit']);
      const future = await get<Log[]>('/api/v2.0/audit-logs?q=op_time%3D%5B2999-01-01%2000%3A00%3A00~%5D', core.adminAuth);
      expect([future.status, future.body]).toEqual([200, []]);
      const now = new Date();
      const from = new Date(now.getTime() - 3600_000).toISOString().slice(0, 19).replace('T', ' ');
      const to = new Date(now.getTime() + 3600_000).toISOString().slice(0, 19).replace('T', ' ');
      const recent = await get<Log[]>(`/api/v2.0/audit-logs?q=${encodeURIComponent(`op_time=[${from}~${to}],resource=bob-audit`)}`, core.adminAuth);
      expect(recent.body.map((l) => l.resource)).toEqual(['bob-audit']);
      for (const q of ['op_time=[soon~later]', 'username=(a b)', 'operation']) {
        const res = await get(`/api/v2.0/audit-logs?q=${encodeURIComponent(q)}`, core.adminAuth);
        expect([q, res.status, errorCode(res)]).toEqual([q, 400, 'BAD_REQUEST']);
      }
      // A key the list cannot filter by is skipped, as Harbor skips it.
      const skipped = await get<Log[]>(`/api/v2.0/audit-logs?q=${encodeURIComponent('password=x,resource=bob-audit')}`, core.adminAuth);
      expect(skipped.body.map((l) => l.resource)).toEqual(['bob-audit']);
    });
  });
});
