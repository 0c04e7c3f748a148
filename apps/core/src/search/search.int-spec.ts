import { RegistryRows } from '@wharf/testing';
import { addTestMember, api, basicAuthHeader, CoreHarness, createTestProject, createTestUser, errorCode, startTestCore, TestUser } from '../testing';

interface SearchView {
  project: { project_id: number; name: string; repo_count: number; metadata: Record<string, string> }[];
  repository: { project_id: number; project_name: string; project_public: boolean; repository_name: string; pull_count: number; artifact_count: number }[];
}

describe('search (/api/v2.0/search)', () => {
  let core: CoreHarness;
  let rows: RegistryRows;
  let member: TestUser;
  let stranger: TestUser;
  let ids: Record<string, number>;

  const search = (q: string | undefined, auth?: string) => api<SearchView>(core.url, 'GET', `/api/v2.0/search${q === undefined ? '' : `?q=${encodeURIComponent(q)}`}`, { auth });
  const projects = (res: { body: SearchView }) => res.body.project.map((p) => p.name).sort();
  const repositories = (res: { body: SearchView }) => res.body.repository.map((r) => r.repository_name).sort();

  beforeAll(async () => {
    core = await startTestCore();
    rows = RegistryRows.open(core.db.url);
    ids = {
      'web-team': await createTestProject(core.url, core.adminAuth, 'web-team'),
      'web-public': await createTestProject(core.url, core.adminAuth, 'web-public', true),
      'secret-web': await createTestProject(core.url, core.adminAuth, 'secret-web'),
      backend: await createTestProject(core.url, core.adminAuth, 'backend'),
    };
    member = await createTestUser(core.url, core.adminAuth, 'member');
    stranger = await createTestUser(core.url, core.adminAuth, 'stranger');
    await addTestMember(core.url, core.adminAuth, 'web-team', 'member', 3);
    const site = await rows.repository('web-team/site');
    await rows.artifact(site);
    await rows.artifact(site);
    await rows.repository('web-public/webapp');
    await rows.repository('secret-web/web-internal');
    await rows.repository('backend/api');
  });

  afterAll(async () => {
    await rows?.close();
    await core?.close();
  });

  it('finds projects and repositories by substring, among those the caller sees', async () => {
    const admin = await search('web', core.adminAuth);
    expect(admin.status).toBe(200);
    expect(projects(admin)).toEqual(['secret-web', 'web-public', 'web-team']);
    expect(repositories(admin)).toEqual(['secret-web/web-internal', 'web-public/webapp', 'web-team/site']);

    const asMember = await search('web', member.auth);
    expect(projects(asMember)).toEqual(['web-public', 'web-team']);
    expect(repositories(asMember)).toEqual(['web-public/webapp', 'web-team/site']);
    const site = asMember.body.repository.find((r) => r.repository_name === 'web-team/site');
    expect(site).toEqual({ project_id: ids['web-team'], project_name: 'web-team', project_public: false, repository_name: 'web-team/site', pull_count: 0, artifact_count: 2 });
    // Projects come as Harbor's Project model.
    expect(asMember.body.project.find((p) => p.name === 'web-team')).toMatchObject({ project_id: ids['web-team'], repo_count: 1, metadata: { public: 'false' } });

    expect(projects(await search('web', stranger.auth))).toEqual(['web-public']);
    const anonymous = await search('web', undefined);
    expect(projects(anonymous)).toEqual(['web-public']);
    expect(repositories(anonymous)).toEqual(['web-public/webapp']);
  });

  it('matches repository names anywhere, projects by their own names', async () => {
    const res = await search('api', core.adminAuth);
    expect(projects(res)).toEqual([]);
    expect(repositories(res)).toEqual(['backend/api']);
    expect(repositories(await search('site', member.auth))).toEqual(['web-team/site']);
    // LIKE wildcards are literal.
    expect(await search('%', core.adminAuth)).toMatchObject({ body: { project: [], repository: [] } });
    expect(repositories(await search('_', core.adminAuth))).toEqual([]);
  });

  it('gives robots what their permissions cover, and the repositories of public projects (visitor rights)', async () => {
    const created = await api<{ name: string; secret: string }>(core.url, 'POST', '/api/v2.0/robots', {
      auth: core.adminAuth,
      body: { name: 'searcher', level: 'system', permissions: [{ kind: 'project', namespace: 'backend', access: [{ resource: 'repository', action: 'list' }] }] },
    });
    expect(created.status).toBe(201);
    const res = await search('', basicAuthHeader(created.body.name, created.body.secret));
    // The project half lists what the grants name, as GET /projects does for robots.
    expect(projects(res)).toEqual(['backend']);
    expect(repositories(res)).toEqual(['backend/api', 'web-public/webapp']);
  });

  it('requires q', async () => {
    const res = await search(undefined, core.adminAuth);
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe('BAD_REQUEST');
    expect((await search('x'.repeat(256), core.adminAuth)).status).toBe(400);
  });
});
