import { ArtifactRow, RegistryRows } from '@wharf/testing';
import { api, ApiResponse, CoreHarness, createRoleCast, createTestProject, errorCode, locationId, sqlQuery, startTestCore, TestUser } from '../testing';

interface Selector {
  kind: string;
  decoration: string;
  pattern: string;
  extras: string;
}

interface Rule {
  id: number;
  priority: number;
  disabled: boolean;
  action: string;
  template: string;
  params: Record<string, unknown>;
  tag_selectors: Selector[];
  scope_selectors: { repository: Selector[] };
}

const tagSel = (pattern: string, decoration = 'matches') => ({ kind: 'doublestar', decoration, pattern });
const repoSel = (pattern: string, decoration = 'repoMatches') => ({ kind: 'doublestar', decoration, pattern });
const ruleBody = (tags: string, repos = '**', extra: Record<string, unknown> = {}) => ({
  action: 'immutable',
  template: 'immutable_template',
  tag_selectors: [tagSel(tags)],
  scope_selectors: { repository: [repoSel(repos)] },
  ...extra,
});

describe('immutable tag rules (/projects/{p}/immutabletagrules)', () => {
  let core: CoreHarness;
  const users = {} as Record<'alice' | 'maria' | 'dave' | 'gina' | 'lena' | 'mallory', TestUser>;
  let teamId: number;

  const call = <T = unknown>(method: string, path: string, auth?: string, body?: unknown, headers?: Record<string, string>) =>
    api<T>(core.url, method, `/api/v2.0${path}`, { auth, body, headers });
  /** The stored rules of a project, straight from the table: what a refused request must leave alone. */
  const stored = (projectId: number) =>
    sqlQuery(core.db.url, 'SELECT id, priority, disabled, params, tag_selectors, scope_selectors, update_time FROM immutable_tag_rule WHERE project_id = $1 ORDER BY id', [projectId]);
  const clear = (projectId: number) => sqlQuery(core.db.url, 'DELETE FROM immutable_tag_rule WHERE project_id = $1', [projectId]);
  const message = (res: ApiResponse) => (res.body as { errors: { message: string }[] }).errors[0].message;

  beforeAll(async () => {
    core = await startTestCore();
    teamId = await createTestProject(core.url, core.adminAuth, 'team');
    Object.assign(users, await createRoleCast(core.url, core.adminAuth, 'team'));
  });

  afterAll(async () => {
    await core?.close();
  });

  describe('create, list, update, delete', () => {
    afterAll(() => clear(teamId));

    it('creates rules by project name or id and lists them as Harbor does', async () => {
      const first = await call('POST', '/projects/team/immutabletagrules', users.alice.auth, ruleBody('v*', 'app/**', { priority: 2, params: { note: 'x' } }));
      expect(first.status).toBe(201);
      const firstId = locationId(first);
      expect(first.headers.get('location')).toBe(`/api/v2.0/projects/team/immutabletagrules/${firstId}`);
      // Harbor's console also sends project_id; a minimal body takes the defaults.
      const second = await call('POST', `/projects/${teamId}/immutabletagrules`, users.maria.auth, {
        project_id: teamId,
        tag_selectors: [{ ...tagSel('latest', 'excludes'), extras: '' }],
        scope_selectors: { repository: [repoSel('tmp/**', 'repoExcludes')] },
      });
      expect(second.status).toBe(201);
      expect(second.headers.get('location')).toBe(`/api/v2.0/projects/${teamId}/immutabletagrules/${locationId(second)}`);

      const list = await call<Rule[]>('GET', '/projects/team/immutabletagrules', users.alice.auth);
      expect(list.status).toBe(200);
      expect(list.headers.get('x-total-count')).toBe('2');
      expect(list.body).toEqual([
        {
          id: firstId,
          priority: 2,
          disabled: false,
          action: 'immutable',
          template: 'immutable_template',
          params: { note: 'x' },
          tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: 'v*', extras: '' }],
          scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: 'app/**', extras: '' }] },
        },
        {
          id: locationId(second),
          priority: 0,
          disabled: false,
          action: 'immutable',
          template: 'immutable_template',
          params: {},
          tag_selectors: [{ kind: 'doublestar', decoration: 'excludes', pattern: 'latest', extras: '' }],
          scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoExcludes', pattern: 'tmp/**', extras: '' }] },
        },
      ]);
      expect(await stored(teamId)).toHaveLength(2);
    });

    it('pages, filters and sorts the list', async () => {
      await call('POST', '/projects/team/immutabletagrules', users.alice.auth, ruleBody('rc-*', '**', { disabled: true }));
      const page = await call<Rule[]>('GET', '/projects/team/immutabletagrules?page=2&page_size=2', users.alice.auth);
      expect(page.body.map((r) => r.tag_selectors[0].pattern)).toEqual(['rc-*']);
      expect(page.headers.get('x-total-count')).toBe('3');
      expect(page.headers.get('link')).toBe('</api/v2.0/projects/team/immutabletagrules?page=1&page_size=2>; rel="prev"');
      const firstPage = await call('GET', '/projects/team/immutabletagrules?page_size=2', users.alice.auth);
      expect(firstPage.headers.get('link')).toBe('</api/v2.0/projects/team/immutabletagrules?page_size=2&page=2>; rel="next"');
      const disabled = await call<Rule[]>('GET', '/projects/team/immutabletagrules?q=disabled=true', users.alice.auth);
      expect(disabled.body.map((r) => r.tag_selectors[0].pattern)).toEqual(['rc-*']);
      const byPriority = await call<Rule[]>('GET', '/projects/team/immutabletagrules?sort=-priority', users.alice.auth);
      expect(byPriority.body[0].tag_selectors[0].pattern).toBe('v*');
      // Keys it cannot filter or sort by are skipped, as Harbor skips them.
      expect((await call<Rule[]>('GET', '/projects/team/immutabletagrules?q=pattern=x', users.alice.auth)).body).toHaveLength(byPriority.body.length);
      expect((await call('GET', '/projects/team/immutabletagrules?sort=pattern', users.alice.auth)).status).toBe(200);
      expect((await call('GET', '/projects/team/immutabletagrules?page_size=101', users.alice.auth)).status).toBe(422);
    });

    it('toggles a rule from the whole rule as GET gave it (Harbor console) or from {"disabled": ...} alone', async () => {
      const [rule] = (await call<Rule[]>('GET', '/projects/team/immutabletagrules', users.alice.auth)).body;
      const flipped = await call('PUT', `/projects/team/immutabletagrules/${rule.id}`, users.maria.auth, { ...rule, project_id: teamId, disabled: true });
      expect(flipped.status).toBe(200);
      const [after] = (await call<Rule[]>('GET', '/projects/team/immutabletagrules', users.alice.auth)).body;
      expect(after).toEqual({ ...rule, disabled: true });
      expect((await call('PUT', `/projects/${teamId}/immutabletagrules/${rule.id}`, users.alice.auth, { disabled: false })).status).toBe(200);
      const [back] = (await call<Rule[]>('GET', '/projects/team/immutabletagrules', users.alice.auth)).body;
      expect(back).toEqual(rule);
    });

    it('replaces selectors on update', async () => {
      const [rule] = (await call<Rule[]>('GET', '/projects/team/immutabletagrules', users.alice.auth)).body;
      const res = await call('PUT', `/projects/team/immutabletagrules/${rule.id}`, users.alice.auth, {
        tag_selectors: [tagSel('release-{1,2}.*')],
        scope_selectors: { repository: [repoSel('app'), repoSel('app-*')] },
      });
      expect(res.status).toBe(200);
      const [after] = (await call<Rule[]>('GET', '/projects/team/immutabletagrules', users.alice.auth)).body;
      expect(after.tag_selectors.map((s) => s.pattern)).toEqual(['release-{1,2}.*']);
      expect(after.scope_selectors.repository.map((s) => s.pattern)).toEqual(['app', 'app-*']);
      expect(after).toMatchObject({ priority: rule.priority, disabled: rule.disabled, params: rule.params });
    });

    it('deletes a rule; a rule of another project or a gone one is 404', async () => {
      const otherId = await createTestProject(core.url, core.adminAuth, 'other');
      const foreign = locationId(await call('POST', '/projects/other/immutabletagrules', core.adminAuth, ruleBody('**')));
      const before = await stored(teamId);
      for (const [method, body] of [
        ['PUT', { disabled: true }],
        ['DELETE', undefined],
      ] as const) {
        const res = await call(method, `/projects/team/immutabletagrules/${foreign}`, users.alice.auth, body);
        expect([res.status, errorCode(res)]).toEqual([404, 'NOT_FOUND']);
      }
      expect(await stored(otherId)).toHaveLength(1);
      const victim = before[before.length - 1].id as number;
      expect((await call('DELETE', `/projects/team/immutabletagrules/${victim}`, users.maria.auth)).status).toBe(200);
      expect((await stored(teamId)).map((r) => r.id)).toEqual(before.slice(0, -1).map((r) => r.id));
      const again = await call('DELETE', `/projects/team/immutabletagrules/${victim}`, users.maria.auth);
      expect([again.status, errorCode(again)]).toEqual([404, 'NOT_FOUND']);
      expect((await call('PUT', `/projects/team/immutabletagrules/${victim}`, users.maria.auth, { disabled: true })).status).toBe(404);
    });

    it('reads a numeric project as a name when X-Is-Resource-Name says so', async () => {
      const numericId = await createTestProject(core.url, core.adminAuth, '4242');
      const asName = await call('POST', '/projects/4242/immutabletagrules', core.adminAuth, ruleBody('v*'), { 'X-Is-Resource-Name': 'true' });
      expect(asName.status).toBe(201);
      expect(await stored(numericId)).toHaveLength(1);
      // Without the header 4242 is an id, and no project has it.
      expect((await call('GET', '/projects/4242/immutabletagrules', core.adminAuth)).status).toBe(404);
      const listed = await call<Rule[]>('GET', '/projects/4242/immutabletagrules', core.adminAuth, undefined, { 'X-Is-Resource-Name': 'true' });
      expect(listed.body.map((r) => r.id)).toEqual([locationId(asName)]);
      const bad = await call('GET', '/projects/4242/immutabletagrules', core.adminAuth, undefined, { 'X-Is-Resource-Name': 'maybe' });
      expect(bad.status).toBe(400);
    });
  });

  describe('validation', () => {
    let ruleId: number;
    beforeAll(async () => {
      await clear(teamId);
      ruleId = locationId(await call('POST', '/projects/team/immutabletagrules', users.alice.auth, ruleBody('v*', 'app')));
    });
    afterAll(() => clear(teamId));

    const selectors = { tag_selectors: [tagSel('**')], scope_selectors: { repository: [repoSel('**')] } };
    it('ignores fields it does not know, at every level, as Harbor does', async () => {
      const body = {
        ...ruleBody('ignored-*', 'ignored'),
        retention: true,
        tag_selectors: [{ ...tagSel('ignored-*'), regex: true }],
        scope_selectors: { repository: [repoSel('ignored')], namespace: [repoSel('**')] },
      };
      const res = await call('POST', '/projects/team/immutabletagrules', users.alice.auth, body);
      expect(res.status).toBe(201);
      const [row] = (await stored(teamId)).filter((r) => Number(r['id']) === locationId(res));
      expect(JSON.stringify(row)).not.toMatch(/regex|namespace|retention/);
      expect((await call('DELETE', `/projects/team/immutabletagrules/${locationId(res)}`, users.alice.auth)).status).toBe(200);
    });

    it.each([
      ['another action', { ...selectors, action: 'retain' }, /action must be "immutable"/],
      ['another template', { ...selectors, template: 'always' }, /template must be "immutable_template"/],
      ['no tag selectors', { scope_selectors: selectors.scope_selectors }, /tag_selectors is required/],
      ['an empty tag selector list', { ...selectors, tag_selectors: [] }, /tag_selectors needs at least one selector/],
      ['tag selectors that are not a list', { ...selectors, tag_selectors: tagSel('**') }, /tag_selectors must be an array/],
      ['a tag selector that is not an object', { ...selectors, tag_selectors: ['v*'] }, /must be an object/],
      ['a selector without a pattern', { ...selectors, tag_selectors: [{ kind: 'doublestar', decoration: 'matches' }] }, /pattern must be a string/],
      ['a tag selector with a repository decoration', { ...selectors, tag_selectors: [tagSel('**', 'repoMatches')] }, /tag_selectors\[0\]: tag selector decoration "repoMatches"/],
      ['a selector kind other than doublestar', { ...selectors, tag_selectors: [{ ...tagSel('**'), kind: 'regex' }] }, /kind "regex" is not supported/],
      ['a broken pattern', { ...selectors, tag_selectors: [tagSel('[abc')] }, /unclosed "\["/],
      ['too many selectors', { ...selectors, tag_selectors: Array.from({ length: 11 }, (_, i) => tagSel(`v${i}`)) }, /at most 10 selectors/],
      ['no scope selectors', { tag_selectors: selectors.tag_selectors }, /scope_selectors is required/],
      ['scope selectors that are a list', { ...selectors, scope_selectors: [repoSel('**')] }, /scope_selectors must be an object/],
      ['an empty repository selector list', { ...selectors, scope_selectors: { repository: [] } }, /scope_selectors.repository needs at least one selector/],
      ['a repository selector with a tag decoration', { ...selectors, scope_selectors: { repository: [repoSel('**', 'matches')] } }, /scope_selectors\.repository\[0\]: .*repoMatches, repoExcludes/],
      ['disabled as a string', { ...selectors, disabled: 'true' }, /disabled must be a boolean/],
      ['priority as a string', { ...selectors, priority: '1' }, /priority must be an integer/],
      ['params that are not an object', { ...selectors, params: 'x' }, /params must be an object/],
      ['another project', { ...selectors, project_id: 999999 }, /project_id \d+ is not the project of the path/],
    ])('refuses %s with 400, storing nothing', async (_label, body, reason) => {
      const before = await stored(teamId);
      const res = await call('POST', '/projects/team/immutabletagrules', users.alice.auth, body);
      expect([res.status, errorCode(res)]).toEqual([400, 'BAD_REQUEST']);
      expect(message(res)).toMatch(reason);
      expect(await stored(teamId)).toEqual(before);
    });

    it.each([
      ['not JSON', '{"tag_selectors": ['],
      ['an array', '[]'],
      ['a string', '"rule"'],
      ['a number', '7'],
    ])('refuses a body that is %s, on create and on update', async (_label, body) => {
      const before = await stored(teamId);
      const created = await call('POST', '/projects/team/immutabletagrules', users.alice.auth, body);
      expect([created.status, errorCode(created)]).toEqual([400, 'BAD_REQUEST']);
      const updated = await call('PUT', `/projects/team/immutabletagrules/${ruleId}`, users.alice.auth, body);
      expect([updated.status, errorCode(updated)]).toEqual([400, 'BAD_REQUEST']);
      expect(await stored(teamId)).toEqual(before);
    });

    it.each([
      ['bad selectors', { tag_selectors: [tagSel('{')] }, /unclosed "\{"/],
      ['an empty tag selector list', { tag_selectors: [] }, /at least one selector/],
      ['another rule id', { id: 999999, disabled: true }, /id 999999 is not the rule of the path/],
      ['another action', { action: 'retain', disabled: true }, /action must be "immutable"/],
      ['disabled as a number', { disabled: 1 }, /disabled must be a boolean/],
    ])('refuses an update with %s, changing nothing', async (_label, body, reason) => {
      const before = await stored(teamId);
      const res = await call('PUT', `/projects/team/immutabletagrules/${ruleId}`, users.alice.auth, body);
      expect([res.status, errorCode(res)]).toEqual([400, 'BAD_REQUEST']);
      expect(message(res)).toMatch(reason);
      expect(await stored(teamId)).toEqual(before);
    });

    it('refuses a rule id that is not a positive integer', async () => {
      expect((await call('PUT', '/projects/team/immutabletagrules/abc', users.alice.auth, { disabled: true })).status).toBe(400);
      expect((await call('DELETE', '/projects/team/immutabletagrules/0', users.alice.auth)).status).toBe(400);
    });

    it('refuses a second rule with the same selectors (409), on create and on update', async () => {
      const before = await stored(teamId);
      // Same selectors, other flags: still a copy.
      const copy = await call('POST', '/projects/team/immutabletagrules', users.alice.auth, ruleBody('v*', 'app', { disabled: true, priority: 9 }));
      expect([copy.status, errorCode(copy)]).toEqual([409, 'CONFLICT']);
      expect(message(copy)).toContain(`rule ${ruleId}`);
      expect(await stored(teamId)).toEqual(before);
      const otherId = locationId(await call('POST', '/projects/team/immutabletagrules', users.alice.auth, ruleBody('v*', 'web')));
      const clash = await call('PUT', `/projects/team/immutabletagrules/${otherId}`, users.alice.auth, { scope_selectors: { repository: [repoSel('app')] } });
      expect([clash.status, errorCode(clash)]).toEqual([409, 'CONFLICT']);
      expect((await stored(teamId)).find((r) => r.id === otherId)?.scope_selectors).toEqual({ repository: [{ ...repoSel('web'), extras: '' }] });
      // A rule may be saved unchanged (it is not a duplicate of itself).
      expect((await call('PUT', `/projects/team/immutabletagrules/${otherId}`, users.alice.auth, ruleBody('v*', 'web'))).status).toBe(200);
      // The same selectors in another project are fine.
      await createTestProject(core.url, core.adminAuth, 'twin');
      expect((await call('POST', '/projects/twin/immutabletagrules', core.adminAuth, ruleBody('v*', 'app'))).status).toBe(201);
    });

    it('answers 404 for an unknown project, whoever asks', async () => {
      for (const auth of [core.adminAuth, users.alice.auth, undefined]) {
        const res = await call('POST', '/projects/nowhere/immutabletagrules', auth, ruleBody('**'));
        expect([res.status, errorCode(res)]).toEqual([404, 'NOT_FOUND']);
        expect((await call('GET', '/projects/987654/immutabletagrules', auth)).status).toBe(404);
      }
    });
  });

  describe('the limit of 15 rules per project', () => {
    it('refuses the 16th rule, also when requests race, and takes one again after a delete', async () => {
      const projectId = await createTestProject(core.url, core.adminAuth, 'crowded');
      const create = (i: number) => call('POST', '/projects/crowded/immutabletagrules', core.adminAuth, ruleBody(`v${i}.*`));
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => create(i)));
      expect(results.filter((r) => r.status === 201)).toHaveLength(15);
      const refused = results.filter((r) => r.status !== 201);
      expect(refused.map((r) => [r.status, errorCode(r)])).toEqual(Array(5).fill([400, 'BAD_REQUEST']));
      expect(message(refused[0])).toMatch(/already has 15 immutable tag rules, the most allowed is 15/);
      const rules = await stored(projectId);
      expect(rules).toHaveLength(15);
      const more = await create(99);
      expect(more.status).toBe(400);
      expect(await stored(projectId)).toHaveLength(15);
      expect((await call('DELETE', `/projects/crowded/immutabletagrules/${rules[0].id}`, core.adminAuth)).status).toBe(200);
      expect((await create(99)).status).toBe(201);
      expect(await stored(projectId)).toHaveLength(15);
    });
  });

  describe('permissions', () => {
    let ruleId: number;
    beforeAll(async () => {
      await clear(teamId);
      ruleId = locationId(await call('POST', '/projects/team/immutabletagrules', core.adminAuth, ruleBody('v*')));
    });
    afterAll(() => clear(teamId));

    const who = (name: string) => (name === 'anonymous' ? undefined : name === 'admin' ? core.adminAuth : users[name as keyof typeof users].auth);

    it.each([
      ['developer', 'dave'],
      ['guest', 'gina'],
      ['limited guest', 'lena'],
      ['non-member', 'mallory'],
    ])('refuses every operation to a %s with 403', async (_role, name) => {
      const auth = who(name);
      const before = await stored(teamId);
      const results = [
        await call('GET', '/projects/team/immutabletagrules', auth),
        await call('POST', '/projects/team/immutabletagrules', auth, ruleBody('x-*')),
        await call('PUT', `/projects/team/immutabletagrules/${ruleId}`, auth, { disabled: true }),
        await call('DELETE', `/projects/team/immutabletagrules/${ruleId}`, auth),
      ];
      expect(results.map((r) => [r.status, errorCode(r)])).toEqual(Array(4).fill([403, 'FORBIDDEN']));
      expect(await stored(teamId)).toEqual(before);
    });

    it('refuses anonymous callers with 401, in public projects too', async () => {
      await createTestProject(core.url, core.adminAuth, 'open', true);
      const openRule = locationId(await call('POST', '/projects/open/immutabletagrules', core.adminAuth, ruleBody('v*')));
      for (const [project, id] of [
        ['team', ruleId],
        ['open', openRule],
      ] as const) {
        const results = [
          await call('GET', `/projects/${project}/immutabletagrules`),
          await call('POST', `/projects/${project}/immutabletagrules`, undefined, ruleBody('x-*')),
          await call('PUT', `/projects/${project}/immutabletagrules/${id}`, undefined, { disabled: true }),
          await call('DELETE', `/projects/${project}/immutabletagrules/${id}`),
        ];
        expect(results.map((r) => [r.status, errorCode(r)])).toEqual(Array(4).fill([401, 'UNAUTHORIZED']));
      }
      expect(await stored(teamId)).toHaveLength(1);
    });

    it.each([
      ['project admin', 'alice'],
      ['maintainer', 'maria'],
      ['system admin', 'admin'],
    ])('lets a %s do everything', async (_role, name) => {
      const auth = who(name);
      const list = await call<Rule[]>('GET', '/projects/team/immutabletagrules', auth);
      expect(list.status).toBe(200);
      expect(list.body.map((r) => r.id)).toContain(ruleId);
      const created = await call('POST', '/projects/team/immutabletagrules', auth, ruleBody(`${name}-*`));
      expect(created.status).toBe(201);
      const id = locationId(created);
      expect((await call('PUT', `/projects/team/immutabletagrules/${id}`, auth, { disabled: true })).status).toBe(200);
      expect((await stored(teamId)).find((r) => r.id === id)?.disabled).toBe(true);
      expect((await call('DELETE', `/projects/team/immutabletagrules/${id}`, auth)).status).toBe(200);
      expect((await stored(teamId)).map((r) => r.id)).toEqual([ruleId]);
    });
  });

  describe('deleting tags and artifacts through the API', () => {
    let rows: RegistryRows;
    let app: string;
    let web: string;
    let ruleId: number;
    const a = {} as Record<'released' | 'snapshot' | 'signature' | 'signed' | 'webRelease', ArtifactRow>;
    const APP = '/projects/vault/repositories/app/artifacts';
    const tagsOf = async (artifact: ArtifactRow) =>
      (await rows.query<{ name: string }>('SELECT name FROM tag WHERE artifact_id = $1 ORDER BY name', [artifact.id])).map((t) => t.name);
    const exists = async (artifact: ArtifactRow) => (await rows.count('artifact', 'id = $1', [artifact.id])) === 1;

    beforeAll(async () => {
      rows = RegistryRows.open(core.db.url);
      await createTestProject(core.url, users.alice.auth, 'vault');
      app = await rows.repository('vault/app');
      web = await rows.repository('vault/web');
      a.released = await rows.artifact(app);
      await rows.tag(app, a.released.id, 'v1.0');
      await rows.tag(app, a.released.id, 'latest');
      a.snapshot = await rows.artifact(app);
      await rows.tag(app, a.snapshot.id, 'nightly');
      a.signed = await rows.artifact(app);
      a.signature = await rows.artifact(app, { subjectDigest: a.signed.digest, configMediaType: 'application/vnd.oci.empty.v1+json', artifactType: 'application/vnd.cncf.notary.signature' });
      await rows.tag(app, a.signature.id, 'v2.0-sig');
      a.webRelease = await rows.artifact(web);
      await rows.tag(web, a.webRelease.id, 'v1.0');
      // v* tags of vault/app only, set up through the API: it applies at once.
      ruleId = locationId(await call('POST', '/projects/vault/immutabletagrules', users.alice.auth, ruleBody('v*', 'app')));
    });

    afterAll(async () => {
      await rows?.close();
    });

    it('refuses to delete an immutable tag (412), keeping it', async () => {
      const res = await call('DELETE', `${APP}/${a.released.digest}/tags/v1.0`, users.alice.auth);
      expect([res.status, errorCode(res)]).toEqual([412, 'PRECONDITION']);
      expect(message(res)).toBe('the tag v1.0 of vault/app is immutable and cannot be deleted');
      expect(await tagsOf(a.released)).toEqual(['latest', 'v1.0']);
      expect(await rows.count('audit_log', "resource_type = 'tag' AND operation = 'delete'")).toBe(0);
    });

    it('refuses to delete an artifact carrying an immutable tag (412), by digest or by tag, deleting nothing', async () => {
      for (const reference of [a.released.digest, 'latest', 'v1.0']) {
        const res = await call('DELETE', `${APP}/${reference}`, users.alice.auth);
        expect([res.status, errorCode(res)]).toEqual([412, 'PRECONDITION']);
        expect(message(res)).toBe(`the artifact vault/app@${a.released.digest} carries the immutable tag v1.0 and cannot be deleted`);
      }
      expect(await exists(a.released)).toBe(true);
      expect(await tagsOf(a.released)).toEqual(['latest', 'v1.0']);
    });

    it('refuses to delete an artifact whose accessory, going with it, carries an immutable tag', async () => {
      const res = await call('DELETE', `${APP}/${a.signed.digest}`, users.alice.auth);
      expect([res.status, errorCode(res)]).toEqual([412, 'PRECONDITION']);
      expect(message(res)).toContain(`${a.signature.digest}, which would go with it, carries the immutable tag v2.0-sig`);
      expect(await exists(a.signed)).toBe(true);
      expect(await exists(a.signature)).toBe(true);
    });

    it('shows which tags are immutable when asked', async () => {
      const tags = await call<{ name: string; immutable: boolean }[]>('GET', `${APP}/${a.released.digest}/tags?with_immutable_status=true`, users.alice.auth);
      expect(tags.body.map((t) => [t.name, t.immutable]).sort()).toEqual([
        ['latest', false],
        ['v1.0', true],
      ]);
      const plain = await call<{ immutable: boolean }[]>('GET', `${APP}/${a.released.digest}/tags`, users.alice.auth);
      expect(plain.body.map((t) => t.immutable)).toEqual([false, false]);
      const artifact = await call<{ tags: { name: string; immutable: boolean }[] }>('GET', `${APP}/${a.released.digest}?with_immutable_status=true`, users.alice.auth);
      expect(artifact.body.tags.map((t) => [t.name, t.immutable]).sort()).toEqual([
        ['latest', false],
        ['v1.0', true],
      ]);
    });

    it('refuses to delete a repository holding an immutable tag (412), and deletes one that holds none', async () => {
      const res = await call('DELETE', '/projects/vault/repositories/app', users.alice.auth);
      expect([res.status, errorCode(res)]).toEqual([412, 'PRECONDITION']);
      expect(message(res)).toContain('repository vault/app holds immutable tag');
      expect(await exists(a.released)).toBe(true);
      const other = await rows.repository('vault/other');
      const plain = await rows.artifact(other);
      await rows.tag(other, plain.id, 'v1.0');
      expect((await call('DELETE', '/projects/vault/repositories/other', users.alice.auth)).status).toBe(200);
      expect(await exists(plain)).toBe(false);
    });

    it('deletes tags and artifacts the rules do not select', async () => {
      // Another tag of the protected artifact.
      const latest = await call('DELETE', `${APP}/${a.released.digest}/tags/latest`, users.alice.auth);
      expect(latest.status).toBe(200);
      expect(await tagsOf(a.released)).toEqual(['v1.0']);
      // A tag the rules would protect, but absent: 404, not 412.
      expect((await call('DELETE', `${APP}/${a.snapshot.digest}/tags/v9`, users.alice.auth)).status).toBe(404);
      // An artifact with unselected tags only.
      expect((await call('DELETE', `${APP}/${a.snapshot.digest}`, users.alice.auth)).status).toBe(200);
      expect(await exists(a.snapshot)).toBe(false);
      // The same tag name in a repository the rule does not cover.
      expect((await call('DELETE', `/projects/vault/repositories/web/artifacts/${a.webRelease.digest}/tags/v1.0`, users.alice.auth)).status).toBe(200);
      expect(await tagsOf(a.webRelease)).toEqual([]);
    });

    it('protects nothing while the rule is disabled, and again once it is enabled', async () => {
      expect((await call('PUT', `/projects/vault/immutabletagrules/${ruleId}`, users.alice.auth, { disabled: true })).status).toBe(200);
      const extra = await rows.artifact(app);
      await rows.tag(app, extra.id, 'v3.0');
      expect((await call('DELETE', `${APP}/${extra.digest}/tags/v3.0`, users.alice.auth)).status).toBe(200);
      expect(await tagsOf(extra)).toEqual([]);

      expect((await call('PUT', `/projects/vault/immutabletagrules/${ruleId}`, users.alice.auth, { disabled: false })).status).toBe(200);
      expect((await call('DELETE', `${APP}/${a.released.digest}`, users.alice.auth)).status).toBe(412);

      expect((await call('PUT', `/projects/vault/immutabletagrules/${ruleId}`, users.alice.auth, { disabled: true })).status).toBe(200);
      expect((await call('DELETE', `${APP}/${a.released.digest}`, users.alice.auth)).status).toBe(200);
      expect(await exists(a.released)).toBe(false);
      expect(await rows.count('audit_log', "resource_type = 'artifact' AND operation = 'delete' AND resource = $1", [`vault/app@${a.released.digest}`])).toBe(1);
    });
  });
});
