import { buildDirectory, Directory, Slapd, startSlapd } from '@wharf/identity/testing';
import { api, ApiResponse, basicAuthHeader, CoreHarness, createTestProject, createTestUser, errorCode, locationId, sqlQuery, startTestCore, TestUser } from '../testing';

interface UserGroup {
  id: number;
  group_name: string;
  group_type: number;
  ldap_group_dn?: string;
}

interface GroupRow {
  id: number;
  group_name: string;
  group_type: number;
  ldap_dn: string | null;
}

const DEVELOPER = 2;
const statusAndCode = (res: ApiResponse) => [res.status, res.status >= 400 ? errorCode(res) : undefined];
const message = (res: ApiResponse) => (res.body as { errors: { message: string }[] }).errors[0].message;

/** Harbor's /usergroups API: groups managed by administrators, searched by anyone signed in. */
describe('user groups (/usergroups)', () => {
  describe('in database mode', () => {
    let core: CoreHarness;
    let user: TestUser;
    let systemRobot: string;
    const call = <T = unknown>(method: string, path: string, auth: string | undefined, body?: unknown) => api<T>(core.url, method, `/api/v2.0${path}`, { auth, body });
    const groupRows = () => sqlQuery<GroupRow>(core.db.url, 'SELECT id, group_name, group_type, ldap_dn FROM user_group ORDER BY id');

    async function createGroup(body: Record<string, unknown>): Promise<number> {
      const res = await call('POST', '/usergroups', core.adminAuth, body);
      if (res.status !== 201) throw new Error(`create group failed: ${res.status} ${JSON.stringify(res.body)}`);
      return locationId(res);
    }

    beforeAll(async () => {
      core = await startTestCore();
      user = await createTestUser(core.url, core.adminAuth, 'uma');
      const robot = await call<{ name: string; secret: string }>('POST', '/robots', core.adminAuth, {
        name: 'group-reader',
        level: 'system',
        duration: -1,
        permissions: [{ kind: 'system', namespace: '/', access: ['read', 'list'].map((action) => ({ resource: 'user-group', action })) }],
      });
      if (robot.status !== 201) throw new Error(`create robot failed: ${JSON.stringify(robot.body)}`);
      systemRobot = basicAuthHeader(robot.body.name, robot.body.secret);
    }, 60_000);

    afterAll(async () => {
      await core?.close();
    });

    it('creates HTTP and OIDC groups and answers them as Harbor does, ignoring unknown fields and the id', async () => {
      const res = await call('POST', '/usergroups', core.adminAuth, { id: 999, group_name: 'web-team', group_type: 2, color: 'blue' });
      expect(res.status).toBe(201);
      const id = locationId(res);
      expect(res.headers.get('location')).toBe(`/api/v2.0/usergroups/${id}`);
      const got = await call<UserGroup>('GET', `/usergroups/${id}`, core.adminAuth);
      expect(got.status).toBe(200);
      expect(got.body).toEqual({ id, group_name: 'web-team', group_type: 2 });

      const oidc = await createGroup({ group_name: 'oidc-team', group_type: 3, ldap_group_dn: '' });
      expect((await call<UserGroup>('GET', `/usergroups/${oidc}`, core.adminAuth)).body).toEqual({ id: oidc, group_name: 'oidc-team', group_type: 3 });
      expect(await groupRows()).toEqual([
        { id, group_name: 'web-team', group_type: 2, ldap_dn: null },
        { id: oidc, group_name: 'oidc-team', group_type: 3, ldap_dn: null },
      ]);
    });

    it('refuses duplicates with 409: the same name and type, or the name of an HTTP group', async () => {
      const before = await groupRows();
      const sameType = await call('POST', '/usergroups', core.adminAuth, { group_name: 'web-team', group_type: 2 });
      expect(statusAndCode(sameType)).toEqual([409, 'CONFLICT']);
      expect(message(sameType)).toContain('duplicate user group, group name:web-team, group type: 2');
      const httpName = await call('POST', '/usergroups', core.adminAuth, { group_name: 'web-team', group_type: 3 });
      expect(statusAndCode(httpName)).toEqual([409, 'CONFLICT']);
      expect(statusAndCode(await call('POST', '/usergroups', core.adminAuth, { group_name: 'oidc-team', group_type: 3 }))).toEqual([409, 'CONFLICT']);
      expect(await groupRows()).toEqual(before);
      // Names are compared as written, and an OIDC group's name does not block an HTTP group.
      const other = await createGroup({ group_name: 'Web-Team', group_type: 2 });
      const httpTwin = await createGroup({ group_name: 'oidc-team', group_type: 2 });
      await call('DELETE', `/usergroups/${other}`, core.adminAuth);
      await call('DELETE', `/usergroups/${httpTwin}`, core.adminAuth);
    });

    it('refuses an LDAP group outside LDAP mode, there being no directory to find it in', async () => {
      const before = await groupRows();
      const res = await call('POST', '/usergroups', core.adminAuth, { group_name: 'devs', group_type: 1, ldap_group_dn: 'cn=devs,ou=groups,dc=wharf,dc=test' });
      expect(statusAndCode(res)).toEqual([400, 'BAD_REQUEST']);
      expect(message(res)).toBe('LDAP Group DN is not found: DN:cn=devs,ou=groups,dc=wharf,dc=test');
      expect(await groupRows()).toEqual(before);
    });

    it('refuses bad input with 400 and changes nothing', async () => {
      const before = await groupRows();
      const bodies: unknown[] = [
        {},
        { group_type: 2 },
        { group_name: '', group_type: 2 },
        { group_name: 'x'.repeat(256), group_type: 2 },
        { group_name: 'fresh' },
        { group_name: 'fresh', group_type: 0 },
        { group_name: 'fresh', group_type: 4 },
        { group_name: 'fresh', group_type: '2' },
        { group_name: 'fresh', group_type: 2.5 },
        { group_name: 7, group_type: 2 },
        { group_name: 'fresh', group_type: 1 },
        { group_name: 'fresh', group_type: 2, ldap_group_dn: 5 },
        'fresh',
        [],
        null,
      ];
      for (const body of bodies) {
        const res = await call('POST', '/usergroups', core.adminAuth, body);
        expect([JSON.stringify(body), ...statusAndCode(res)]).toEqual([JSON.stringify(body), 400, 'BAD_REQUEST']);
      }
      expect(statusAndCode(await call('POST', '/usergroups', core.adminAuth))).toEqual([400, 'BAD_REQUEST']);
      expect(await groupRows()).toEqual(before);
    });

    it('lists groups by page, filtered by a part of the name in any case', async () => {
      const extra = [await createGroup({ group_name: 'ops-a', group_type: 2 }), await createGroup({ group_name: 'OPS-b', group_type: 3 }), await createGroup({ group_name: 'ops-c', group_type: 2 })];
      try {
        const all = await call<UserGroup[]>('GET', '/usergroups', core.adminAuth);
        expect(all.status).toBe(200);
        expect(all.headers.get('x-total-count')).toBe('5');
        expect(all.body.map((g) => g.group_name)).toEqual(['web-team', 'oidc-team', 'ops-a', 'OPS-b', 'ops-c']);

        const page1 = await call<UserGroup[]>('GET', '/usergroups?group_name=Ops&page_size=2', core.adminAuth);
        expect(page1.body).toEqual([
          { id: extra[0], group_name: 'ops-a', group_type: 2 },
          { id: extra[1], group_name: 'OPS-b', group_type: 3 },
        ]);
        expect(page1.headers.get('x-total-count')).toBe('3');
        expect(page1.headers.get('link')).toBe('</api/v2.0/usergroups?group_name=Ops&page_size=2&page=2>; rel="next"');
        const page2 = await call<UserGroup[]>('GET', '/usergroups?group_name=Ops&page=2&page_size=2', core.adminAuth);
        expect(page2.body.map((g) => g.id)).toEqual([extra[2]]);
        expect(page2.headers.get('link')).toBe('</api/v2.0/usergroups?group_name=Ops&page=1&page_size=2>; rel="prev"');

        // Pattern characters are literal; the DN filter only counts in LDAP mode; q is not read.
        expect((await call<UserGroup[]>('GET', '/usergroups?group_name=%25', core.adminAuth)).body).toEqual([]);
        expect((await call<UserGroup[]>('GET', '/usergroups?ldap_group_dn=cn%3Dx&q=bogus', core.adminAuth)).body).toHaveLength(5);
        for (const query of ['page_size=0', 'page_size=101', 'page=x']) {
          expect(statusAndCode(await call('GET', `/usergroups?${query}`, core.adminAuth))).toEqual([422, 'UNPROCESSABLE_ENTITY']);
        }
      } finally {
        for (const id of extra) await call('DELETE', `/usergroups/${id}`, core.adminAuth);
      }
    });

    it('gets one group; 404 for an unknown id, 400 for a malformed one', async () => {
      const missing = await call('GET', '/usergroups/99999', core.adminAuth);
      expect(statusAndCode(missing)).toEqual([404, 'NOT_FOUND']);
      expect(message(missing)).toBe('the user group with id 99999 is not found');
      for (const id of ['0', '-1', 'abc', '99999999999']) {
        expect(statusAndCode(await call('GET', `/usergroups/${id}`, core.adminAuth))).toEqual([400, 'BAD_REQUEST']);
      }
    });

    it('updates only the name', async () => {
      const id = await createGroup({ group_name: 'renamed-soon', group_type: 2 });
      const res = await call('PUT', `/usergroups/${id}`, core.adminAuth, { group_name: 'renamed', group_type: 3, ldap_group_dn: 'cn=x,dc=y', id: 1 });
      expect(res.status).toBe(200);
      expect((await call<UserGroup>('GET', `/usergroups/${id}`, core.adminAuth)).body).toEqual({ id, group_name: 'renamed', group_type: 2 });

      const before = await groupRows();
      for (const body of [{}, { group_name: '' }, { group_name: 5 }, { group_name: 'y'.repeat(256) }, 'renamed', null]) {
        const bad = await call('PUT', `/usergroups/${id}`, core.adminAuth, body);
        expect([JSON.stringify(body), ...statusAndCode(bad)]).toEqual([JSON.stringify(body), 400, 'BAD_REQUEST']);
      }
      expect(statusAndCode(await call('PUT', '/usergroups/99999', core.adminAuth, { group_name: 'z' }))).toEqual([404, 'NOT_FOUND']);
      expect(statusAndCode(await call('PUT', `/usergroups/${id}`, core.adminAuth, { group_name: 'web-team' }))).toEqual([409, 'CONFLICT']);
      expect(await groupRows()).toEqual(before);
      await call('DELETE', `/usergroups/${id}`, core.adminAuth);
    });

    it('deletes a group with its project memberships; deleting it again still succeeds', async () => {
      const projectId = await createTestProject(core.url, core.adminAuth, 'grouped');
      const id = await createGroup({ group_name: 'leaving', group_type: 2 });
      const member = await call('POST', '/projects/grouped/members', core.adminAuth, { role_id: DEVELOPER, member_group: { id } });
      expect(member.status).toBe(201);
      const members = () => sqlQuery(core.db.url, 'SELECT group_id FROM project_member WHERE project_id = $1 AND group_id IS NOT NULL', [projectId]);
      expect(await members()).toEqual([{ group_id: id }]);

      expect((await call('DELETE', `/usergroups/${id}`, core.adminAuth)).status).toBe(200);
      expect(await members()).toEqual([]);
      expect(await sqlQuery(core.db.url, 'SELECT id FROM user_group WHERE id = $1', [id])).toEqual([]);
      expect((await call('GET', `/usergroups/${id}`, core.adminAuth)).status).toBe(404);
      expect((await call('DELETE', `/usergroups/${id}`, core.adminAuth)).status).toBe(200);
      expect(statusAndCode(await call('DELETE', '/usergroups/0', core.adminAuth))).toEqual([400, 'BAD_REQUEST']);
    });

    it('searches by name for any signed-in user, closest matches first, showing no DN', async () => {
      const ids = [await createGroup({ group_name: 'team-platform', group_type: 2 }), await createGroup({ group_name: 'Team', group_type: 3 })];
      try {
        const res = await call<UserGroup[]>('GET', '/usergroups/search?groupname=team', user.auth);
        expect(res.status).toBe(200);
        expect(res.headers.get('x-total-count')).toBe('4');
        expect(res.body).toEqual([
          { id: ids[1], group_name: 'Team', group_type: 3 },
          { id: expect.any(Number), group_name: 'web-team', group_type: 2 },
          { id: expect.any(Number), group_name: 'oidc-team', group_type: 3 },
          { id: ids[0], group_name: 'team-platform', group_type: 2 },
        ]);
        const page2 = await call<UserGroup[]>('GET', '/usergroups/search?groupname=team&page=2&page_size=2', systemRobot);
        expect(page2.body.map((g) => g.group_name)).toEqual(['oidc-team', 'team-platform']);
        expect(page2.headers.get('link')).toBe('</api/v2.0/usergroups/search?groupname=team&page=1&page_size=2>; rel="prev"');
        expect((await call<UserGroup[]>('GET', '/usergroups/search?groupname=nothing-like-it', user.auth)).body).toEqual([]);

        const missing = await call('GET', '/usergroups/search', user.auth);
        expect(statusAndCode(missing)).toEqual([400, 'BAD_REQUEST']);
        expect(statusAndCode(await call('GET', '/usergroups/search?groupname=', user.auth))).toEqual([400, 'BAD_REQUEST']);
        expect(statusAndCode(await call('GET', '/usergroups/search?groupname=team', undefined))).toEqual([401, 'UNAUTHORIZED']);
      } finally {
        for (const id of ids) await call('DELETE', `/usergroups/${id}`, core.adminAuth);
      }
    });

    it('lets only those with the system user-group permission manage groups: 403 for users, 401 for anonymous callers', async () => {
      const id = (await groupRows())[0].id;
      const before = await groupRows();
      const attempts: [string, string, unknown?][] = [
        ['GET', '/usergroups'],
        ['GET', `/usergroups/${id}`],
        ['POST', '/usergroups', { group_name: 'sneaky', group_type: 2 }],
        ['PUT', `/usergroups/${id}`, { group_name: 'sneaky' }],
        ['DELETE', `/usergroups/${id}`],
      ];
      for (const [method, path, body] of attempts) {
        expect([method, path, ...statusAndCode(await call(method, path, user.auth, body))]).toEqual([method, path, 403, 'FORBIDDEN']);
        expect([method, path, ...statusAndCode(await call(method, path, undefined, body))]).toEqual([method, path, 401, 'UNAUTHORIZED']);
      }
      // A robot granted read and list of user-group may do just that.
      expect((await call('GET', '/usergroups', systemRobot)).status).toBe(200);
      expect((await call('GET', `/usergroups/${id}`, systemRobot)).status).toBe(200);
      for (const [method, path, body] of attempts.slice(2)) {
        expect([method, path, ...statusAndCode(await call(method, path, systemRobot, body))]).toEqual([method, path, 403, 'FORBIDDEN']);
      }
      expect(await groupRows()).toEqual(before);
    });
  });

  describe('in LDAP mode', () => {
    const SUFFIX = 'dc=wharf,dc=test';
    const PW = { alice: 'Alice-Pass-1', bob: 'Bob-Pass-12' };
    let slapd: Slapd;
    let dir: Directory;
    let core: CoreHarness;
    const as = (name: keyof typeof PW) => basicAuthHeader(name, PW[name]);
    const call = <T = unknown>(method: string, path: string, auth: string | undefined, body?: unknown) => api<T>(core.url, method, `/api/v2.0${path}`, { auth, body });
    const groupRows = () => sqlQuery<GroupRow>(core.db.url, 'SELECT id, group_name, group_type, ldap_dn FROM user_group ORDER BY id');
    const grants = async (auth: string, scope: string): Promise<string[]> => {
      const res = await api<{ token: string }>(core.url, 'GET', `/service/token?service=harbor-registry&scope=${encodeURIComponent(scope)}`, { auth });
      expect(res.status).toBe(200);
      const claims = JSON.parse(Buffer.from(res.body.token.split('.')[1], 'base64url').toString()) as { access: { actions: string[] }[] };
      return claims.access[0]?.actions ?? [];
    };

    beforeAll(async () => {
      dir = buildDirectory(
        SUFFIX,
        [
          { uid: 'alice', password: PW.alice },
          { uid: 'bob', password: PW.bob },
        ],
        [
          { cn: 'developers', members: ['alice'] },
          { cn: 'qa', members: ['bob'] },
        ],
      );
      slapd = await startSlapd({ suffix: SUFFIX, ldif: dir.ldif });
      core = await startTestCore();
      const switched = await api(core.url, 'PUT', '/api/v2.0/configurations', {
        auth: core.adminAuth,
        body: {
          auth_mode: 'ldap_auth',
          ldap_url: slapd.url,
          ldap_search_dn: dir.searchDn,
          ldap_search_password: dir.searchPassword,
          ldap_base_dn: dir.peopleDn,
          ldap_filter: '(objectClass=inetOrgPerson)',
          ldap_uid: 'uid',
          ldap_group_base_dn: dir.groupsDn,
          ldap_group_search_filter: 'objectClass=groupOfNames',
        },
      });
      if (switched.status !== 200) throw new Error(`failed to switch to ldap_auth: ${JSON.stringify(switched.body)}`);
      await createTestProject(core.url, core.adminAuth, 'team');
    }, 60_000);

    afterAll(async () => {
      await core?.close();
      await slapd?.stop();
    });

    it('imports an LDAP group the directory holds, under the given name and with its DN in lower case', async () => {
      const dn = dir.groupDn('developers').toUpperCase();
      const res = await call('POST', '/usergroups', core.adminAuth, { group_name: 'Developers', group_type: 1, ldap_group_dn: ` ${dn} ` });
      expect(res.status).toBe(201);
      const id = locationId(res);
      expect((await call<UserGroup>('GET', `/usergroups/${id}`, core.adminAuth)).body).toEqual({ id, group_name: 'Developers', group_type: 1, ldap_group_dn: dn.toLowerCase() });
    });

    it('refuses DNs that are no group of the directory, malformed ones and duplicates, changing nothing', async () => {
      const before = await groupRows();
      const post = (body: Record<string, unknown>) => call('POST', '/usergroups', core.adminAuth, { group_type: 1, ...body });
      for (const dn of [`cn=ghosts,ou=groups,${SUFFIX}`, dir.userDn('alice'), '', 'cn=x,=,ou=groups,dc=wharf,dc=test']) {
        const res = await post({ group_name: 'ghosts', ldap_group_dn: dn });
        expect([dn, ...statusAndCode(res)]).toEqual([dn, 400, 'BAD_REQUEST']);
      }
      expect(statusAndCode(await post({ group_name: 'ghosts' }))).toEqual([400, 'BAD_REQUEST']);
      // The DN is taken already (whatever the name), or the name is.
      const sameDn = await post({ group_name: 'devs-again', ldap_group_dn: dir.groupDn('developers') });
      expect(statusAndCode(sameDn)).toEqual([409, 'CONFLICT']);
      expect(statusAndCode(await post({ group_name: 'Developers', ldap_group_dn: dir.groupDn('qa') }))).toEqual([409, 'CONFLICT']);
      expect(await groupRows()).toEqual(before);
    });

    it('lists only LDAP groups, and filters them by DN in any case', async () => {
      const qa = await call('POST', '/usergroups', core.adminAuth, { group_name: 'qa', group_type: 1, ldap_group_dn: dir.groupDn('qa') });
      expect(qa.status).toBe(201);
      const http = await call('POST', '/usergroups', core.adminAuth, { group_name: 'http-team', group_type: 2 });
      expect(http.status).toBe(201);
      try {
        const all = await call<UserGroup[]>('GET', '/usergroups', core.adminAuth);
        expect(all.body.map((g) => g.group_name)).toEqual(['Developers', 'qa']);
        expect(all.headers.get('x-total-count')).toBe('2');
        const byDn = await call<UserGroup[]>('GET', `/usergroups?ldap_group_dn=${encodeURIComponent(dir.groupDn('qa').toUpperCase())}`, core.adminAuth);
        expect(byDn.body).toEqual([{ id: locationId(qa), group_name: 'qa', group_type: 1, ldap_group_dn: dir.groupDn('qa') }]);
        // The HTTP group exists all the same: its id finds it, and so does the search.
        expect((await call('GET', `/usergroups/${locationId(http)}`, core.adminAuth)).status).toBe(200);
        expect((await call<UserGroup[]>('GET', '/usergroups/search?groupname=http', as('bob'))).body).toEqual([{ id: locationId(http), group_name: 'http-team', group_type: 2 }]);
      } finally {
        await call('DELETE', `/usergroups/${locationId(qa)}`, core.adminAuth);
        await call('DELETE', `/usergroups/${locationId(http)}`, core.adminAuth);
      }
    });

    it("gives its members the group's project role in registry tokens until the group is deleted; a login keeps its new name", async () => {
      const [group] = (await call<UserGroup[]>('GET', '/usergroups?group_name=Developers', core.adminAuth)).body;
      const member = await call('POST', '/projects/team/members', core.adminAuth, { role_id: DEVELOPER, member_group: { id: group.id } });
      expect(member.status).toBe(201);
      expect(await grants(as('alice'), 'repository:team/app:pull,push')).toEqual(['pull', 'push']);
      expect(await grants(as('bob'), 'repository:team/app:pull,push')).toEqual([]);

      expect((await call('PUT', `/usergroups/${group.id}`, core.adminAuth, { group_name: 'Builders' })).status).toBe(200);
      // alice's login above and this one find the group by its DN and leave the name as set here.
      expect(await grants(as('alice'), 'repository:team/app:pull')).toEqual(['pull']);
      expect((await call<UserGroup>('GET', `/usergroups/${group.id}`, core.adminAuth)).body.group_name).toBe('Builders');

      expect((await call('DELETE', `/usergroups/${group.id}`, core.adminAuth)).status).toBe(200);
      expect(await sqlQuery(core.db.url, 'SELECT id FROM project_member WHERE group_id IS NOT NULL')).toEqual([]);
      expect(await grants(as('alice'), 'repository:team/app:pull,push')).toEqual([]);
    });
  });
});
