import { api, CoreHarness, createRoleCast, createTestProject, errorCode, startTestCore, TestUser } from '../testing';
import { RegistryRows } from '@wharf/testing';

interface RepositoryView {
  id: number;
  project_id: number;
  name: string;
  description: string;
  artifact_count: number;
  pull_count: number;
  creation_time: string;
  update_time: string;
}

describe('repositories (/api/v2.0/repositories, /projects/{p}/repositories)', () => {
  let core: CoreHarness;
  let rows: RegistryRows;
  let teamId: number;
  let pubId: number;
  const users = {} as Record<'alice' | 'maria' | 'dave' | 'gina' | 'lena' | 'mallory', TestUser>;

  const call = <T = unknown>(method: string, path: string, auth?: string) => api<T>(core.url, method, `/api/v2.0${path}`, { auth });
  const names = (res: { body: unknown }) => (res.body as RepositoryView[]).map((r) => r.name);

  beforeAll(async () => {
    core = await startTestCore();
    rows = RegistryRows.open(core.db.url);
    teamId = await createTestProject(core.url, core.adminAuth, 'team');
    pubId = await createTestProject(core.url, core.adminAuth, 'pub', true);
    await createTestProject(core.url, core.adminAuth, 'other');
    Object.assign(users, await createRoleCast(core.url, core.adminAuth, 'team'));
    const app = await rows.repository('team/app');
    await rows.artifact(app);
    await rows.artifact(app);
    await rows.repository('team/nested/deep');
    await rows.repository('team/tools');
    await rows.artifact(await rows.repository('pub/web'));
    await rows.repository('other/secret');
  });

  afterAll(async () => {
    await rows?.close();
    await core?.close();
  });

  it('lists a project’s repositories with Harbor’s fields', async () => {
    const res = await call<RepositoryView[]>('GET', '/projects/team/repositories?sort=name', users.alice.auth);
    expect(res.status).toBe(200);
    expect(names(res)).toEqual(['team/app', 'team/nested/deep', 'team/tools']);
    expect(res.headers.get('x-total-count')).toBe('3');
    const app = res.body[0];
    expect(app).toEqual({
      id: expect.any(Number),
      project_id: teamId,
      name: 'team/app',
      description: '',
      artifact_count: 2,
      pull_count: 0,
      creation_time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      update_time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    // The last push counts as the update.
    expect(new Date(app.update_time).getTime()).toBeGreaterThanOrEqual(new Date(app.creation_time).getTime());
  });

  it('pages, filters and sorts', async () => {
    const first = await call<RepositoryView[]>('GET', '/projects/team/repositories?sort=-name&page=1&page_size=2', users.alice.auth);
    expect(names(first)).toEqual(['team/tools', 'team/nested/deep']);
    expect(first.headers.get('x-total-count')).toBe('3');
    expect(first.headers.get('link')).toBe('</api/v2.0/projects/team/repositories?sort=-name&page=2&page_size=2>; rel="next"');
    const second = await call<RepositoryView[]>('GET', '/projects/team/repositories?sort=-name&page=2&page_size=2', users.alice.auth);
    expect(names(second)).toEqual(['team/app']);
    expect(second.headers.get('link')).toContain('rel="prev"');
    const fuzzy = await call('GET', `/projects/team/repositories?q=${encodeURIComponent('name=~nest')}`, users.alice.auth);
    expect(names(fuzzy)).toEqual(['team/nested/deep']);
    const exact = await call('GET', `/projects/team/repositories?q=${encodeURIComponent('name=team/tools')}`, users.alice.auth);
    expect(names(exact)).toEqual(['team/tools']);
  });

  it('refuses bad list parameters with 400, paging out of bounds with 422, and skips unknown keys, as Harbor', async () => {
    for (const query of ['q=name', 'q=id%3Dabc']) {
      const res = await call('GET', `/projects/team/repositories?${query}`, users.alice.auth);
      expect({ query, status: res.status, code: errorCode(res) }).toEqual({ query, status: 400, code: 'BAD_REQUEST' });
    }
    for (const query of ['page_size=101', 'page=x']) {
      const res = await call('GET', `/projects/team/repositories?${query}`, users.alice.auth);
      expect({ query, status: res.status, code: errorCode(res) }).toEqual({ query, status: 422, code: 'UNPROCESSABLE_ENTITY' });
    }
    const plain = await call<{ name: string }[]>('GET', '/projects/team/repositories?page_size=100', users.alice.auth);
    for (const query of ['q=nope%3D1', 'sort=password', 'page=0']) {
      const res = await call<{ name: string }[]>('GET', `/projects/team/repositories?page_size=100&${query}`, users.alice.auth);
      expect({ query, status: res.status, names: res.body.map((r) => r.name) }).toEqual({ query, status: 200, names: plain.body.map((r) => r.name) });
    }
  });

  it.each([
    ['alice', 200],
    ['maria', 200],
    ['dave', 200],
    ['gina', 200],
    ['lena', 200],
    ['mallory', 403],
  ] as const)('lets %s list the private project’s repositories: %i', async (who, status) => {
    expect((await call('GET', '/projects/team/repositories', users[who].auth)).status).toBe(status);
  });

  it('answers anonymous callers per project visibility, and unknown projects with 404', async () => {
    expect((await call('GET', '/projects/team/repositories', undefined)).status).toBe(401);
    const open = await call('GET', '/projects/pub/repositories', undefined);
    expect(open.status).toBe(200);
    expect(names(open)).toEqual(['pub/web']);
    const missing = await call('GET', '/projects/nowhere/repositories', core.adminAuth);
    expect(missing.status).toBe(404);
    expect(errorCode(missing)).toBe('NOT_FOUND');
  });

  it('lists every repository the caller may see', async () => {
    const admin = await call('GET', '/repositories?sort=name&page_size=100', core.adminAuth);
    expect(names(admin)).toEqual(['other/secret', 'pub/web', 'team/app', 'team/nested/deep', 'team/tools']);
    expect(names(await call('GET', '/repositories?sort=name', users.alice.auth))).toEqual(['pub/web', 'team/app', 'team/nested/deep', 'team/tools']);
    expect(names(await call('GET', '/repositories', users.mallory.auth))).toEqual(['pub/web']);
    const anonymous = await call('GET', '/repositories', undefined);
    expect(names(anonymous)).toEqual(['pub/web']);
    expect(anonymous.headers.get('x-total-count')).toBe('1');
    expect(names(await call('GET', `/repositories?q=${encodeURIComponent(`project_id=${pubId}`)}`, core.adminAuth))).toEqual(['pub/web']);
  });

  it('gets one repository by its name, slashes encoded once or twice', async () => {
    const twice = await call<RepositoryView>('GET', '/projects/team/repositories/nested%252Fdeep', users.gina.auth);
    expect(twice.status).toBe(200);
    expect(twice.body.name).toBe('team/nested/deep');
    const once = await call<RepositoryView>('GET', '/projects/team/repositories/nested%2Fdeep', users.gina.auth);
    expect(once.body).toEqual(twice.body);
    // Harbor answers one repository with the list permission: limited guests get it.
    expect((await call('GET', '/projects/team/repositories/app', users.lena.auth)).status).toBe(200);
    expect((await call('GET', '/projects/pub/repositories/web', undefined)).status).toBe(200);
  });

  it('answers missing, hidden and malformed repositories with 404, 401/403 and 400', async () => {
    expect(errorCode(await call('GET', '/projects/team/repositories/ghost', users.alice.auth))).toBe('NOT_FOUND');
    expect((await call('GET', '/projects/nowhere/repositories/app', users.alice.auth)).status).toBe(404);
    expect((await call('GET', '/projects/other/repositories/secret', users.alice.auth)).status).toBe(403);
    expect((await call('GET', '/projects/other/repositories/secret', undefined)).status).toBe(401);
    // A hidden project does not say whether the repository exists.
    expect((await call('GET', '/projects/other/repositories/ghost', users.alice.auth)).status).toBe(403);
    for (const bad of ['UPPER', 'a%252F%252Fb', '%25E0%25A4%25A', 'a%20b']) {
      const res = await call('GET', `/projects/team/repositories/${bad}`, users.alice.auth);
      expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
    }
  });

  describe('deletion', () => {
    it.each([
      ['dave', 403],
      ['gina', 403],
      ['lena', 403],
      ['mallory', 403],
    ] as const)('is refused to %s (%i), changing nothing', async (who, status) => {
      const res = await call('DELETE', '/projects/team/repositories/app', users[who].auth);
      expect(res.status).toBe(status);
      expect(errorCode(res)).toBe('FORBIDDEN');
      expect(await rows.count('repository', "name = 'team/app'")).toBe(1);
    });

    it('refuses anonymous callers with 401', async () => {
      expect((await call('DELETE', '/projects/team/repositories/app', undefined)).status).toBe(401);
    });

    it('removes a repository with its artifacts, tags and index references, keeping the blobs', async () => {
      const repo = await rows.repository('team/doomed');
      const child = await rows.artifact(repo);
      const index = await rows.index(repo, [{ artifact: child, platform: { os: 'linux', architecture: 'amd64' } }]);
      await rows.tag(repo, index.id, 'latest');
      const blobs = await rows.count('blob');
      const res = await call('DELETE', '/projects/team/repositories/doomed', users.maria.auth);
      expect(res.status).toBe(200);
      expect(await rows.count('repository', "name = 'team/doomed'")).toBe(0);
      expect(await rows.count('artifact', 'repository_id = $1', [repo])).toBe(0);
      expect(await rows.count('tag', 'repository_id = $1', [repo])).toBe(0);
      expect(await rows.count('artifact_reference', 'parent_id = $1', [index.id])).toBe(0);
      expect(await rows.count('blob')).toBe(blobs);
      expect(await rows.count('audit_log', "resource_type = 'repository' AND operation = 'delete' AND resource = 'team/doomed' AND username = 'maria'")).toBe(1);
      expect((await call('GET', '/projects/team/repositories/doomed', users.maria.auth)).status).toBe(404);
      expect((await call('DELETE', '/projects/team/repositories/doomed', users.maria.auth)).status).toBe(404);
    });

    it('takes nested names encoded twice', async () => {
      await rows.repository('team/a/b');
      expect((await call('DELETE', '/projects/team/repositories/a%252Fb', users.alice.auth)).status).toBe(200);
      expect(await rows.count('repository', "name = 'team/a/b'")).toBe(0);
    });
  });
});
