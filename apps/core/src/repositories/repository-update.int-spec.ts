import { api, CoreHarness, createRoleCast, createTestProject, errorCode, sqlQuery, startTestCore, TestUser } from '../testing';
import { RegistryRows } from '@wharf/testing';

interface RepositoryView {
  name: string;
  description: string;
  update_time: string;
}

describe('PUT /projects/{project_name}/repositories/{repository_name}', () => {
  let core: CoreHarness;
  let rows: RegistryRows;
  let users: Record<'alice' | 'maria' | 'dave' | 'gina' | 'lena' | 'mallory', TestUser>;

  const put = (path: string, body: unknown, auth?: string) => api(core.url, 'PUT', `/api/v2.0/projects/${path}`, { auth, body });
  const get = (path: string, auth = core.adminAuth) => api<RepositoryView>(core.url, 'GET', `/api/v2.0/projects/${path}`, { auth });
  const stored = async (name: string) => (await sqlQuery<{ description: string }>(core.db.url, 'SELECT description FROM repository WHERE name = $1', [name]))[0]?.description;

  beforeAll(async () => {
    core = await startTestCore();
    rows = RegistryRows.open(core.db.url);
    await createTestProject(core.url, core.adminAuth, 'team');
    await createTestProject(core.url, core.adminAuth, 'pub', true);
    users = await createRoleCast(core.url, core.adminAuth, 'team');
    await rows.artifact(await rows.repository('team/app'));
    await rows.artifact(await rows.repository('team/nested/deep'));
    await rows.artifact(await rows.repository('pub/web'));
    // A push that never recorded a manifest: no repository for the API.
    await rows.query("INSERT INTO repository (name, project_id) SELECT 'team/pending', id FROM project WHERE name = 'team'");
  });

  afterAll(async () => {
    await rows?.close();
    await core?.close();
  });

  it('sets the description, markup escaped, and shows it in the repository and its list', async () => {
    const before = (await get('team/repositories/app')).body;
    const res = await put('team/repositories/app', { description: 'Builds <b>"app"</b> & friends', name: 'ignored', id: 1 }, users.dave.auth);
    expect(res.status).toBe(200);
    const after = (await get('team/repositories/app')).body;
    expect(after.description).toBe('Builds &lt;b&gt;&#34;app&#34;&lt;/b&gt; &amp; friends');
    expect(after.name).toBe('team/app');
    expect(after.update_time).toBe(before.update_time);
    const list = await api<RepositoryView[]>(core.url, 'GET', '/api/v2.0/projects/team/repositories?q=name%3Dteam%2Fapp', { auth: users.gina.auth });
    expect(list.body[0].description).toBe(after.description);
  });

  it('clears the description when the body has none, as Harbor', async () => {
    expect((await put('team/repositories/app', { description: 'x' }, core.adminAuth)).status).toBe(200);
    expect((await put('team/repositories/app', {}, core.adminAuth)).status).toBe(200);
    expect(await stored('team/app')).toBe('');
  });

  it('takes a nested name encoded once or twice', async () => {
    expect((await put('team/repositories/nested%2Fdeep', { description: 'one' }, core.adminAuth)).status).toBe(200);
    expect((await put('team/repositories/nested%252Fdeep', { description: 'two' }, core.adminAuth)).status).toBe(200);
    expect(await stored('team/nested/deep')).toBe('two');
  });

  it('refuses bad input and unknown repositories, changing nothing', async () => {
    expect((await put('team/repositories/app', { description: 'kept' }, core.adminAuth)).status).toBe(200);
    for (const body of [{ description: 5 }, { description: null, id: 'x' }, { pull_count: 'many' }, [], 'text']) {
      const res = await put('team/repositories/app', body, core.adminAuth);
      expect({ body, status: res.status, code: errorCode(res) }).toEqual({ body, status: 400, code: 'BAD_REQUEST' });
    }
    const empty = await api(core.url, 'PUT', '/api/v2.0/projects/team/repositories/app', { auth: core.adminAuth });
    expect(empty.status).toBe(400);
    expect(await stored('team/app')).toBe('kept');
    for (const path of ['team/repositories/nope', 'nowhere/repositories/app', 'team/repositories/pending']) {
      const res = await put(path, { description: 'x' }, core.adminAuth);
      expect({ path, status: res.status, code: errorCode(res) }).toEqual({ path, status: 404, code: 'NOT_FOUND' });
    }
    expect(await stored('team/pending')).toBe('');
  });

  // Harbor's repository update: project admins, maintainers, developers.
  it.each([
    ['alice', 200],
    ['maria', 200],
    ['dave', 200],
    ['gina', 403],
    ['lena', 403],
    ['mallory', 403],
  ] as const)('%s: %i', async (who, status) => {
    const before = await stored('team/app');
    expect((await put('team/repositories/app', { description: `by ${who}` }, users[who].auth)).status).toBe(status);
    expect(await stored('team/app')).toBe(status === 200 ? `by ${who}` : before);
  });

  it('refuses anonymous callers, also on a public project, and writes no audit record', async () => {
    expect((await put('pub/repositories/web', { description: 'x' })).status).toBe(401);
    expect((await put('pub/repositories/web', { description: 'x' }, users.mallory.auth)).status).toBe(403);
    expect(await stored('pub/web')).toBe('');
    expect(await rows.count('audit_log', "resource_type = 'repository'")).toBe(0);
  });
});
