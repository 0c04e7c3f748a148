import { ArtifactRow, RegistryRows } from '@wharf/testing';
import { api, ApiResponse, basicAuthHeader, CoreHarness, createRoleCast, createTestProject, errorCode, locationId, startTestCore, TestUser } from '../testing';

interface Label {
  id: number;
  name: string;
  description: string;
  color: string;
  scope: string;
  project_id: number;
  creation_time: string;
  update_time: string;
}

interface ArtifactView {
  id: number;
  digest: string;
  labels?: Label[];
}

type Who = 'alice' | 'maria' | 'dave' | 'gina' | 'lena' | 'mallory';

describe('labels (/labels and /projects/{p}/repositories/{r}/artifacts/{ref}/labels)', () => {
  let core: CoreHarness;
  let rows: RegistryRows;
  let teamId: number;
  let otherId: number;
  let pubId: number;
  const users = {} as Record<Who, TestUser>;
  const robots = {} as Record<'labeller' | 'puller' | 'system', string>;
  const art = {} as Record<'image' | 'plain' | 'foreign', ArtifactRow>;

  const call = <T = unknown>(method: string, path: string, auth?: string, body?: unknown) => api<T>(core.url, method, `/api/v2.0${path}`, { auth, body });
  const IMAGE = '/projects/team/repositories/app/artifacts';
  const labelCount = async (where = 'true', values: unknown[] = []) => (await rows.query<{ n: number }>(`SELECT count(*)::int AS n FROM harbor_label WHERE ${where}`, values))[0].n;
  const referenceCount = async (where = 'true', values: unknown[] = []) =>
    (await rows.query<{ n: number }>(`SELECT count(*)::int AS n FROM label_reference WHERE ${where}`, values))[0].n;
  const labelsOf = async (artifact: ArtifactRow) =>
    (await rows.query<{ name: string }>('SELECT l.name FROM label_reference r JOIN harbor_label l ON l.id = r.label_id WHERE r.artifact_id = $1 ORDER BY l.name', [artifact.id])).map(
      (r) => r.name,
    );

  /** Creates a label as `auth` and insists it worked; returns its id. */
  async function createLabel(auth: string, body: Record<string, unknown>): Promise<number> {
    const res = await call('POST', '/labels', auth, body);
    if (res.status !== 201) throw new Error(`create label failed: ${res.status} ${JSON.stringify(res.body)}`);
    return locationId(res);
  }

  async function createRobot(body: Record<string, unknown>): Promise<string> {
    const res = await call<{ name: string; secret: string }>('POST', '/robots', core.adminAuth, body);
    if (res.status !== 201) throw new Error(`create robot failed: ${res.status} ${JSON.stringify(res.body)}`);
    return basicAuthHeader(res.body.name, res.body.secret);
  }

  const statusAndCode = (res: ApiResponse) => [res.status, errorCode(res)];

  beforeAll(async () => {
    core = await startTestCore();
    rows = RegistryRows.open(core.db.url);
    teamId = await createTestProject(core.url, core.adminAuth, 'team');
    otherId = await createTestProject(core.url, core.adminAuth, 'other');
    pubId = await createTestProject(core.url, core.adminAuth, 'pub', true);
    Object.assign(users, await createRoleCast(core.url, core.adminAuth, 'team'));
    const app = await rows.repository('team/app');
    art.image = await rows.artifact(app);
    await rows.tag(app, art.image.id, 'v1');
    art.plain = await rows.artifact(app);
    art.foreign = await rows.artifact(await rows.repository('other/app'));
    const team = (access: [string, string][]) => [{ kind: 'project', namespace: 'team', access: access.map(([resource, action]) => ({ resource, action })) }];
    robots.labeller = await createRobot({
      name: 'labeller',
      level: 'project',
      duration: -1,
      permissions: team([
        ['label', 'create'],
        ['label', 'read'],
        ['label', 'update'],
        ['label', 'delete'],
        ['label', 'list'],
        ['artifact-label', 'create'],
        ['artifact-label', 'delete'],
      ]),
    });
    robots.puller = await createRobot({ name: 'puller', level: 'project', duration: -1, permissions: team([['repository', 'pull']]) });
    robots.system = await createRobot({
      name: 'global-labels',
      level: 'system',
      duration: -1,
      permissions: [{ kind: 'system', namespace: '/', access: ['create', 'read', 'update', 'delete', 'list'].map((action) => ({ resource: 'label', action })) }],
    });
  });

  afterAll(async () => {
    await rows?.close();
    await core?.close();
  });

  describe('global labels', () => {
    it('are created, read, listed, changed and deleted by a system administrator', async () => {
      const created = await call('POST', '/labels', core.adminAuth, { name: 'release', description: 'shipped', color: '#48960C', scope: 'g', project_id: teamId });
      expect(created.status).toBe(201);
      const id = locationId(created);
      expect(created.headers.get('location')).toBe(`/api/v2.0/labels/${id}`);

      const one = await call<Label>('GET', `/labels/${id}`, core.adminAuth);
      expect(one.status).toBe(200);
      // A global label belongs to no project, whatever the body said.
      expect(one.body).toEqual({
        id,
        name: 'release',
        description: 'shipped',
        color: '#48960C',
        scope: 'g',
        project_id: 0,
        creation_time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        update_time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      });
      const list = await call<Label[]>('GET', '/labels?scope=g', core.adminAuth);
      expect(list.status).toBe(200);
      expect(list.headers.get('x-total-count')).toBe('1');
      expect(list.body).toEqual([one.body]);

      // Harbor's update: name, description and colour replaced; scope and project stay.
      const put = await call('PUT', `/labels/${id}`, core.adminAuth, { name: 'released', color: '#000000', scope: 'p', project_id: teamId });
      expect(put.status).toBe(200);
      const changed = (await call<Label>('GET', `/labels/${id}`, core.adminAuth)).body;
      expect(changed).toMatchObject({ name: 'released', description: '', color: '#000000', scope: 'g', project_id: 0, creation_time: one.body.creation_time });
      expect(Date.parse(changed.update_time)).toBeGreaterThanOrEqual(Date.parse(one.body.update_time));

      expect((await call('DELETE', `/labels/${id}`, core.adminAuth)).status).toBe(200);
      expect(statusAndCode(await call('GET', `/labels/${id}`, core.adminAuth))).toEqual([404, 'NOT_FOUND']);
      expect(statusAndCode(await call('DELETE', `/labels/${id}`, core.adminAuth))).toEqual([404, 'NOT_FOUND']);
      expect(statusAndCode(await call('PUT', `/labels/${id}`, core.adminAuth, { name: 'x' }))).toEqual([404, 'NOT_FOUND']);
    });

    it('takes back a whole Label object as Harbor answers it', async () => {
      const id = await createLabel(core.adminAuth, { name: 'roundtrip', scope: 'g' });
      const label = (await call<Label>('GET', `/labels/${id}`, core.adminAuth)).body;
      expect((await call('PUT', `/labels/${id}`, core.adminAuth, { ...label, description: 'again', id: 999 })).status).toBe(200);
      expect((await call<Label>('GET', `/labels/${id}`, core.adminAuth)).body).toMatchObject({ id, name: 'roundtrip', description: 'again' });
      const copy = await call('POST', '/labels', core.adminAuth, { ...label, name: 'roundtrip-2' });
      expect(copy.status).toBe(201);
      expect(locationId(copy)).not.toBe(id);
      for (const x of [id, locationId(copy)]) expect((await call('DELETE', `/labels/${x}`, core.adminAuth)).status).toBe(200);
    });

    it('are managed by robots holding the system label permission, and by no one else', async () => {
      const id = await createLabel(robots.system, { name: 'robot-made', scope: 'g' });
      expect((await call('GET', `/labels/${id}`, robots.system)).status).toBe(200);
      expect((await call('PUT', `/labels/${id}`, robots.system, { name: 'robot-made-2' })).status).toBe(200);

      const before = await labelCount();
      const cases: [string | undefined, number][] = [
        [users.alice.auth, 403],
        [users.maria.auth, 403],
        [users.mallory.auth, 403],
        [robots.labeller, 403],
        [undefined, 401],
      ];
      for (const [auth, status] of cases) {
        expect(statusAndCode(await call('POST', '/labels', auth, { name: 'nope', scope: 'g' }))).toEqual([status, status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN']);
        expect((await call('GET', `/labels/${id}`, auth)).status).toBe(status);
        expect((await call('PUT', `/labels/${id}`, auth, { name: 'nope' })).status).toBe(status);
        expect((await call('DELETE', `/labels/${id}`, auth)).status).toBe(status);
      }
      expect(await labelCount()).toBe(before);
      expect((await call<Label>('GET', `/labels/${id}`, core.adminAuth)).body.name).toBe('robot-made-2');
      expect((await call('DELETE', `/labels/${id}`, robots.system)).status).toBe(200);
      expect(await labelCount()).toBe(before - 1);
    });

    it('are listed to everyone, anonymous callers included (each project picks from them)', async () => {
      const id = await createLabel(core.adminAuth, { name: 'for-all', scope: 'g' });
      for (const auth of [users.lena.auth, users.mallory.auth, robots.puller, undefined]) {
        const res = await call<Label[]>('GET', '/labels?scope=g', auth);
        expect(res.status).toBe(200);
        expect(res.body.map((l) => l.id)).toContain(id);
      }
      expect((await call('DELETE', `/labels/${id}`, core.adminAuth)).status).toBe(200);
    });
  });

  describe('project labels', () => {
    it('are created, read, listed, changed and deleted by the project administrator', async () => {
      const created = await call('POST', '/labels', users.alice.auth, { name: 'qa', description: 'tested', color: '#FF0000', scope: 'p', project_id: teamId });
      expect(created.status).toBe(201);
      const id = locationId(created);
      const one = await call<Label>('GET', `/labels/${id}`, users.alice.auth);
      expect(one.body).toMatchObject({ id, name: 'qa', description: 'tested', color: '#FF0000', scope: 'p', project_id: teamId });
      const list = await call<Label[]>('GET', `/labels?scope=p&project_id=${teamId}`, users.alice.auth);
      expect(list.body).toEqual([one.body]);
      // The project's labels are not global ones, nor another project's.
      expect((await call<Label[]>('GET', '/labels?scope=g', users.alice.auth)).body.map((l) => l.id)).not.toContain(id);
      expect((await call<Label[]>('GET', `/labels?scope=p&project_id=${otherId}`, core.adminAuth)).body).toEqual([]);

      expect((await call('PUT', `/labels/${id}`, users.alice.auth, { name: 'qa-passed', description: 'tested twice', color: '#00FF00', project_id: otherId })).status).toBe(200);
      expect((await call<Label>('GET', `/labels/${id}`, users.alice.auth)).body).toMatchObject({ name: 'qa-passed', description: 'tested twice', scope: 'p', project_id: teamId });
      expect((await call('DELETE', `/labels/${id}`, users.alice.auth)).status).toBe(200);
      expect(await labelCount('id = $1', [id])).toBe(0);
    });

    it('keep names unique per scope and project (409), case-sensitively', async () => {
      const global = await createLabel(core.adminAuth, { name: 'dup', scope: 'g' });
      const inTeam = await createLabel(users.alice.auth, { name: 'dup', scope: 'p', project_id: teamId });
      const inOther = await createLabel(core.adminAuth, { name: 'dup', scope: 'p', project_id: otherId });
      const upper = await createLabel(users.alice.auth, { name: 'DUP', scope: 'p', project_id: teamId });
      const before = await labelCount();
      const twiceGlobal = await call('POST', '/labels', core.adminAuth, { name: 'dup', scope: 'g' });
      expect(statusAndCode(twiceGlobal)).toEqual([409, 'CONFLICT']);
      expect(statusAndCode(await call('POST', '/labels', users.alice.auth, { name: 'dup', scope: 'p', project_id: teamId }))).toEqual([409, 'CONFLICT']);
      expect(statusAndCode(await call('PUT', `/labels/${upper}`, users.alice.auth, { name: 'dup' }))).toEqual([409, 'CONFLICT']);
      expect(await labelCount()).toBe(before);
      expect((await call<Label>('GET', `/labels/${upper}`, users.alice.auth)).body.name).toBe('DUP');
      for (const id of [global, inTeam, inOther, upper]) expect((await call('DELETE', `/labels/${id}`, core.adminAuth)).status).toBe(200);
    });

    it('follow the matrix: administrators and maintainers manage them, developers and guests read them', async () => {
      const id = await createLabel(core.adminAuth, { name: 'matrix', scope: 'p', project_id: teamId });
      const may = (who: Who | 'labeller' | 'puller' | 'anonymous') => {
        const auth = who === 'anonymous' ? undefined : who === 'labeller' || who === 'puller' ? robots[who] : users[who].auth;
        return {
          list: () => call('GET', `/labels?scope=p&project_id=${teamId}`, auth),
          read: () => call('GET', `/labels/${id}`, auth),
          create: () => call('POST', '/labels', auth, { name: `by-${who}`, scope: 'p', project_id: teamId }),
          update: () => call('PUT', `/labels/${id}`, auth, { name: 'matrix', description: `by ${who}` }),
        };
      };
      const expected: [Who | 'labeller' | 'puller' | 'anonymous', { list: number; read: number; create: number; update: number }][] = [
        ['alice', { list: 200, read: 200, create: 201, update: 200 }],
        ['maria', { list: 200, read: 200, create: 201, update: 200 }],
        ['dave', { list: 200, read: 200, create: 403, update: 403 }],
        ['gina', { list: 200, read: 200, create: 403, update: 403 }],
        ['lena', { list: 403, read: 403, create: 403, update: 403 }],
        ['mallory', { list: 403, read: 403, create: 403, update: 403 }],
        ['labeller', { list: 200, read: 200, create: 201, update: 200 }],
        ['puller', { list: 403, read: 403, create: 403, update: 403 }],
        ['anonymous', { list: 401, read: 401, create: 401, update: 401 }],
      ];
      for (const [who, statuses] of expected) {
        const actions = may(who);
        const got = { list: (await actions.list()).status, read: (await actions.read()).status, create: (await actions.create()).status, update: (await actions.update()).status };
        expect([who, got]).toEqual([who, statuses]);
      }
      expect(
        (await rows.query<{ name: string }>('SELECT name FROM harbor_label WHERE project_id = $1 ORDER BY name', [teamId])).map((r) => r.name),
      ).toEqual(['by-alice', 'by-labeller', 'by-maria', 'matrix']);

      // Deleting: the same split.
      const victims = await rows.query<{ id: number; name: string }>("SELECT id, name FROM harbor_label WHERE project_id = $1 AND name LIKE 'by-%' ORDER BY name", [teamId]);
      for (const who of ['dave', 'gina', 'lena', 'mallory'] as const) expect((await call('DELETE', `/labels/${victims[0].id}`, users[who].auth)).status).toBe(403);
      expect((await call('DELETE', `/labels/${victims[0].id}`, robots.puller)).status).toBe(403);
      expect((await call('DELETE', `/labels/${victims[0].id}`)).status).toBe(401);
      expect((await call('DELETE', `/labels/${victims[0].id}`, users.alice.auth)).status).toBe(200);
      expect((await call('DELETE', `/labels/${victims[1].id}`, robots.labeller)).status).toBe(200);
      expect((await call('DELETE', `/labels/${victims[2].id}`, users.maria.auth)).status).toBe(200);
      expect((await call('DELETE', `/labels/${id}`, core.adminAuth)).status).toBe(200);
      expect(await labelCount('project_id = $1', [teamId])).toBe(0);
    });

    it('of a public project are read by anyone, managed by its members only', async () => {
      const id = await createLabel(core.adminAuth, { name: 'public-one', scope: 'p', project_id: pubId });
      expect((await call<Label[]>('GET', `/labels?scope=p&project_id=${pubId}`)).body.map((l) => l.id)).toEqual([id]);
      expect((await call('GET', `/labels/${id}`, users.mallory.auth)).status).toBe(200);
      expect((await call('POST', '/labels', undefined, { name: 'anon', scope: 'p', project_id: pubId })).status).toBe(401);
      expect((await call('POST', '/labels', users.mallory.auth, { name: 'mal', scope: 'p', project_id: pubId })).status).toBe(403);
      expect((await call('DELETE', `/labels/${id}`, users.mallory.auth)).status).toBe(403);
      expect((await call('DELETE', `/labels/${id}`, core.adminAuth)).status).toBe(200);
    });

    it('go with their project', async () => {
      const doomed = await createTestProject(core.url, core.adminAuth, 'doomed');
      await createLabel(core.adminAuth, { name: 'short-lived', scope: 'p', project_id: doomed });
      expect(await labelCount('project_id = $1', [doomed])).toBe(1);
      expect((await call('DELETE', `/projects/${doomed}`, core.adminAuth)).status).toBe(200);
      expect(await labelCount('project_id = $1', [doomed])).toBe(0);
    });
  });

  describe('listing', () => {
    const ids: number[] = [];

    beforeAll(async () => {
      for (const name of ['alpha', 'beta', 'gamma', 'delta', 'alphabet']) ids.push(await createLabel(core.adminAuth, { name, description: `${name} label`, scope: 'p', project_id: otherId }));
    });

    afterAll(async () => {
      for (const id of ids) await call('DELETE', `/labels/${id}`, core.adminAuth);
    });

    const names = (res: ApiResponse) => (res.body as Label[]).map((l) => l.name);
    const list = (query: string) => call<Label[]>('GET', `/labels?scope=p&project_id=${otherId}${query}`, core.adminAuth);

    it('pages with X-Total-Count and Link', async () => {
      const first = await list('&page=1&page_size=2');
      expect(names(first)).toEqual(['alpha', 'beta']);
      expect(first.headers.get('x-total-count')).toBe('5');
      expect(first.headers.get('link')).toBe(`</api/v2.0/labels?scope=p&project_id=${otherId}&page=2&page_size=2>; rel="next"`);
      const last = await list('&page=3&page_size=2');
      expect(names(last)).toEqual(['alphabet']);
      expect(last.headers.get('link')).toBe(`</api/v2.0/labels?scope=p&project_id=${otherId}&page=2&page_size=2>; rel="prev"`);
      expect(names(await list('&page=4&page_size=2'))).toEqual([]);
    });

    it('filters by name (fuzzy, as Harbor) and by q, and sorts', async () => {
      const byName = await list('&name=ALPHA');
      expect(names(byName)).toEqual(['alpha', 'alphabet']);
      expect(byName.headers.get('x-total-count')).toBe('2');
      expect(names(await list('&name=%25'))).toEqual([]);
      expect(names(await list(`&q=${encodeURIComponent('name=beta')}`))).toEqual(['beta']);
      expect(names(await list(`&q=${encodeURIComponent('description=~mma')}`))).toEqual(['gamma']);
      expect(names(await list(`&q=${encodeURIComponent(`id={${ids[0]} ${ids[2]}}`)}`))).toEqual(['alpha', 'gamma']);
      expect(names(await list('&sort=-name'))).toEqual(['gamma', 'delta', 'beta', 'alphabet', 'alpha']);
    });

    it('refuses bad parameters with 400 (404 for a missing project)', async () => {
      const cases: [string, number][] = [
        ['/labels', 400],
        ['/labels?scope=x', 400],
        ['/labels?scope=p', 400],
        ['/labels?scope=p&project_id=0', 400],
        ['/labels?scope=p&project_id=abc', 400],
        ['/labels?scope=g&page_size=101', 422],
        ['/labels?scope=g&page=x', 422],
        ['/labels?scope=g&scope=p', 400],
        ['/labels?scope=p&project_id=999999', 404],
      ];
      for (const [path, status] of cases) {
        const res = await call('GET', path, core.adminAuth);
        expect([path, res.status, errorCode(res)]).toEqual([path, status, { 400: 'BAD_REQUEST', 404: 'NOT_FOUND', 422: 'UNPROCESSABLE_ENTITY' }[status]]);
      }
      // Keys it cannot filter or sort by are skipped, and page 0 is the first, as in Harbor.
      const all = await call<unknown[]>('GET', '/labels?scope=g&page_size=100', core.adminAuth);
      for (const extra of ['page=0', 'q=owner%3Dx', 'sort=owner']) {
        expect([extra, (await call<unknown[]>('GET', `/labels?scope=g&page_size=100&${extra}`, core.adminAuth)).body]).toEqual([extra, all.body]);
      }
    });
  });

  describe('bad input', () => {
    it('is refused with 4xx and changes nothing', async () => {
      const id = await createLabel(core.adminAuth, { name: 'steady', description: 'as it was', color: '#111111', scope: 'p', project_id: teamId });
      const before = await labelCount();
      const posts: [unknown, number][] = [
        [{ name: 'x' }, 400],
        [{ name: 'x', scope: 'x' }, 400],
        [{ name: 'x', scope: 'G' }, 400],
        [{ scope: 'g' }, 400],
        [{ name: '', scope: 'g' }, 400],
        [{ name: 'n'.repeat(129), scope: 'g' }, 400],
        [{ name: 5, scope: 'g' }, 400],
        [{ name: 'x', scope: 'g', color: 'c'.repeat(17) }, 400],
        [{ name: 'x', scope: 'g', description: ['x'] }, 400],
        [{ name: 'x', scope: 'p' }, 400],
        [{ name: 'x', scope: 'p', project_id: 0 }, 400],
        [{ name: 'x', scope: 'p', project_id: '1' }, 400],
        [{ name: 'x', scope: 'p', project_id: 1.5 }, 400],
        [{ name: 'x', scope: 'p', project_id: -1 }, 400],
        [{ name: 'x', scope: 1 }, 400],
        ['not json', 400],
        [[], 400],
        [{ name: 'x', scope: 'p', project_id: 999999 }, 404],
      ];
      for (const [body, status] of posts) {
        const res = await call('POST', '/labels', core.adminAuth, body);
        expect([JSON.stringify(body), res.status, errorCode(res)]).toEqual([JSON.stringify(body), status, status === 400 ? 'BAD_REQUEST' : 'NOT_FOUND']);
      }
      const puts: unknown[] = [{}, { name: '' }, { name: 'n'.repeat(129) }, { name: null }, { name: 'x', color: 7 }, { name: 'x', color: 'c'.repeat(17) }];
      for (const body of puts) {
        const res = await call('PUT', `/labels/${id}`, core.adminAuth, body);
        expect([JSON.stringify(body), res.status, errorCode(res)]).toEqual([JSON.stringify(body), 400, 'BAD_REQUEST']);
      }
      for (const path of ['/labels/abc', '/labels/0', '/labels/-1', '/labels/99999999999']) {
        expect([path, (await call('GET', path, core.adminAuth)).status]).toEqual([path, 400]);
        expect([path, (await call('DELETE', path, core.adminAuth)).status]).toEqual([path, 400]);
      }
      expect(await labelCount()).toBe(before);
      expect((await call<Label>('GET', `/labels/${id}`, core.adminAuth)).body).toMatchObject({ name: 'steady', description: 'as it was', color: '#111111' });
      // 128 characters is still a name.
      const longest = await createLabel(core.adminAuth, { name: 'n'.repeat(128), scope: 'g' });
      for (const x of [id, longest]) expect((await call('DELETE', `/labels/${x}`, core.adminAuth)).status).toBe(200);
    });
  });

  describe('on artifacts', () => {
    let global: number;
    let teamLabel: number;
    let otherLabel: number;
    const attach = (auth: string | undefined, labelId: unknown, path = `${IMAGE}/v1`) => call('POST', `${path}/labels`, auth, { id: labelId });
    const detach = (auth: string | undefined, labelId: number | string, path = `${IMAGE}/v1`) => call('DELETE', `${path}/labels/${labelId}`, auth);

    beforeAll(async () => {
      global = await createLabel(core.adminAuth, { name: 'g-approved', color: '#00AA00', scope: 'g' });
      teamLabel = await createLabel(core.adminAuth, { name: 'team-only', scope: 'p', project_id: teamId });
      otherLabel = await createLabel(core.adminAuth, { name: 'other-only', scope: 'p', project_id: otherId });
    });

    afterEach(async () => {
      await rows.query('DELETE FROM label_reference');
    });

    it('attaches global labels anywhere and project labels in their project, once', async () => {
      expect((await attach(users.dave.auth, global)).status).toBe(200);
      expect((await attach(users.dave.auth, teamLabel, `${IMAGE}/${art.image.digest}`)).status).toBe(200);
      expect((await attach(core.adminAuth, global, `/projects/other/repositories/app/artifacts/${art.foreign.digest}`)).status).toBe(200);
      expect((await attach(core.adminAuth, otherLabel, `/projects/other/repositories/app/artifacts/${art.foreign.digest}`)).status).toBe(200);
      expect(await labelsOf(art.image)).toEqual(['g-approved', 'team-only']);
      expect(await labelsOf(art.foreign)).toEqual(['g-approved', 'other-only']);

      const before = await referenceCount();
      expect(statusAndCode(await attach(users.dave.auth, global))).toEqual([409, 'CONFLICT']);
      // Another project's label is not found from here, even for an administrator.
      expect(statusAndCode(await attach(core.adminAuth, otherLabel))).toEqual([404, 'NOT_FOUND']);
      expect(statusAndCode(await attach(core.adminAuth, teamLabel, `/projects/other/repositories/app/artifacts/${art.foreign.digest}`))).toEqual([404, 'NOT_FOUND']);
      expect(await referenceCount()).toBe(before);
    });

    it('detaches them; a label the artifact does not carry is 404', async () => {
      expect((await attach(users.alice.auth, global)).status).toBe(200);
      expect((await attach(users.alice.auth, teamLabel)).status).toBe(200);
      expect((await detach(users.dave.auth, global, `${IMAGE}/${art.image.digest}`)).status).toBe(200);
      expect(await labelsOf(art.image)).toEqual(['team-only']);
      expect(statusAndCode(await detach(users.dave.auth, global))).toEqual([404, 'NOT_FOUND']);
      expect(statusAndCode(await detach(users.dave.auth, otherLabel))).toEqual([404, 'NOT_FOUND']);
      expect(statusAndCode(await detach(users.dave.auth, 999999))).toEqual([404, 'NOT_FOUND']);
      expect(await labelsOf(art.image)).toEqual(['team-only']);
    });

    it('refuses bad input and missing things with 4xx, attaching nothing', async () => {
      const cases: [string, unknown, number][] = [
        [`${IMAGE}/v1`, { id: 'x' }, 400],
        [`${IMAGE}/v1`, {}, 400],
        [`${IMAGE}/v1`, { id: 0 }, 400],
        [`${IMAGE}/v1`, { id: 1.5 }, 400],
        [`${IMAGE}/v1`, 'text', 400],
        [`${IMAGE}/v1`, { id: 999999 }, 404],
        [`${IMAGE}/nope`, { id: global }, 404],
        [`${IMAGE}/sha256:${'0'.repeat(64)}`, { id: global }, 404],
        ['/projects/team/repositories/none/artifacts/v1', { id: global }, 404],
        ['/projects/none/repositories/app/artifacts/v1', { id: global }, 404],
      ];
      for (const [path, body, status] of cases) {
        const res = await call('POST', `${path}/labels`, core.adminAuth, body);
        expect([path, JSON.stringify(body), res.status, errorCode(res)]).toEqual([path, JSON.stringify(body), status, status === 400 ? 'BAD_REQUEST' : 'NOT_FOUND']);
      }
      expect((await detach(core.adminAuth, 'abc')).status).toBe(400);
      expect((await detach(core.adminAuth, global, `${IMAGE}/nope`)).status).toBe(404);
      expect(await referenceCount()).toBe(0);
    });

    it('follows the matrix: administrators, maintainers and developers attach and detach', async () => {
      const expected: [string, string | undefined, number][] = [
        ['alice', users.alice.auth, 200],
        ['maria', users.maria.auth, 200],
        ['dave', users.dave.auth, 200],
        ['gina', users.gina.auth, 403],
        ['lena', users.lena.auth, 403],
        ['mallory', users.mallory.auth, 403],
        ['labeller', robots.labeller, 200],
        ['puller', robots.puller, 403],
        ['anonymous', undefined, 401],
      ];
      for (const [who, auth, status] of expected) {
        expect([who, 'attach', (await attach(auth, global)).status]).toEqual([who, 'attach', status]);
        if (status !== 200) await attach(core.adminAuth, global);
        expect([who, 'detach', (await detach(auth, global)).status]).toEqual([who, 'detach', status]);
        expect([who, await labelsOf(art.image)]).toEqual([who, status === 200 ? [] : ['g-approved']]);
        await rows.query('DELETE FROM label_reference');
      }
    });

    it('are shown in artifact views with with_label=true', async () => {
      expect((await attach(users.alice.auth, teamLabel)).status).toBe(200);
      expect((await attach(users.alice.auth, global)).status).toBe(200);
      const globalView = (await call<Label>('GET', `/labels/${global}`, core.adminAuth)).body;
      const teamView = (await call<Label>('GET', `/labels/${teamLabel}`, core.adminAuth)).body;

      const list = await call<ArtifactView[]>('GET', `${IMAGE}?with_label=true`, users.gina.auth);
      expect(list.status).toBe(200);
      expect(list.body.find((a) => a.digest === art.image.digest)?.labels).toEqual([globalView, teamView]);
      expect(list.body.find((a) => a.digest === art.plain.digest)?.labels).toEqual([]);
      const one = await call<ArtifactView>('GET', `${IMAGE}/v1?with_label=true`, users.gina.auth);
      expect(one.body.labels).toEqual([globalView, teamView]);
      // Not asked for, not there.
      expect('labels' in (await call<ArtifactView>('GET', `${IMAGE}/v1`, users.gina.auth)).body).toBe(false);
      expect((await call<ArtifactView[]>('GET', IMAGE, users.gina.auth)).body.every((a) => !('labels' in a))).toBe(true);
    });

    it('filter the artifact list with q=labels=(ids), every label required', async () => {
      expect((await attach(users.alice.auth, global)).status).toBe(200);
      expect((await attach(users.alice.auth, teamLabel)).status).toBe(200);
      expect((await attach(users.alice.auth, global, `${IMAGE}/${art.plain.digest}`)).status).toBe(200);
      const digests = async (q: string) => {
        const res = await call<ArtifactView[]>('GET', `${IMAGE}?q=${encodeURIComponent(q)}`, users.gina.auth);
        expect([q, res.status]).toEqual([q, 200]);
        return res.body.map((a) => a.digest).sort();
      };
      expect(await digests(`labels=(${global})`)).toEqual([art.image.digest, art.plain.digest].sort());
      expect(await digests(`labels=(${global} ${teamLabel})`)).toEqual([art.image.digest]);
      expect(await digests(`labels=(${otherLabel})`)).toEqual([]);
      for (const q of [`labels=${global}`, `labels={${global} ${teamLabel}}`, 'labels=(x)', 'labels=~1']) {
        const res = await call('GET', `${IMAGE}?q=${encodeURIComponent(q)}`, users.gina.auth);
        expect([q, res.status, errorCode(res)]).toEqual([q, 400, 'BAD_REQUEST']);
      }
    });

    it('go when the label is deleted, and when the artifact is', async () => {
      const doomed = await createLabel(core.adminAuth, { name: 'doomed', scope: 'g' });
      expect((await attach(users.alice.auth, doomed)).status).toBe(200);
      expect((await attach(users.alice.auth, doomed, `${IMAGE}/${art.plain.digest}`)).status).toBe(200);
      expect((await attach(users.alice.auth, global, `${IMAGE}/${art.plain.digest}`)).status).toBe(200);
      expect((await call('DELETE', `/labels/${doomed}`, core.adminAuth)).status).toBe(200);
      expect(await referenceCount('label_id = $1', [doomed])).toBe(0);
      expect((await call<ArtifactView>('GET', `${IMAGE}/v1?with_label=true`, users.alice.auth)).body.labels).toEqual([]);

      expect((await call('DELETE', `${IMAGE}/${art.plain.digest}`, users.alice.auth)).status).toBe(200);
      expect(await referenceCount('artifact_id = $1', [art.plain.id])).toBe(0);
      expect(await labelCount('id = $1', [global])).toBe(1);
    });
  });

  it('writes no audit records, as Harbor writes none for labels', async () => {
    const audit = async () => (await rows.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log'))[0].n;
    const before = await audit();
    const id = await createLabel(users.alice.auth, { name: 'unaudited', scope: 'p', project_id: teamId });
    expect((await call('PUT', `/labels/${id}`, users.alice.auth, { name: 'unaudited-2' })).status).toBe(200);
    expect((await call('POST', `${IMAGE}/v1/labels`, users.alice.auth, { id })).status).toBe(200);
    expect((await call('DELETE', `${IMAGE}/v1/labels/${id}`, users.alice.auth)).status).toBe(200);
    expect((await call('DELETE', `/labels/${id}`, users.alice.auth)).status).toBe(200);
    expect(await audit()).toBe(before);
  });
});
