import { buildDirectory, Directory, Slapd, startSlapd } from '@wharf/identity/testing';
import { api, ApiResponse, basicAuthHeader, CoreHarness, createTestProject, errorCode, locationId, sqlQuery, startTestCore } from '../testing';

/**
 * LDAP mode end to end inside core, against a real slapd: logins through the API and the token
 * service, groups as project members, the local admin, outages, and the LDAP API.
 */

const SUFFIX = 'dc=wharf,dc=test';
const PW = { alice: 'Alice-Pass-1', bob: 'Bob-Pass-12', carol: 'Carol-Pass-1', dave: 'Dave-Pass-12', erin: 'Erin-Pass-12', ldapAdmin: 'Ldap-Admin-1' };
const DEVELOPER = 2;
const GUEST = 3;

interface TokenBody {
  token: string;
  expires_in: number;
}

describe('LDAP authentication in core', () => {
  let slapd: Slapd;
  let dir: Directory;
  let core: CoreHarness;
  let ldapSettings: Record<string, unknown>;
  const as = (user: keyof typeof PW) => basicAuthHeader(user === 'ldapAdmin' ? 'admin' : user, PW[user]);
  const current = (auth: string) => api<{ username: string; sysadmin_flag: boolean }>(core.url, 'GET', '/api/v2.0/users/current', { auth });
  const put = (body: unknown) => api(core.url, 'PUT', '/api/v2.0/configurations', { auth: core.adminAuth, body });
  const grants = async (auth: string, scope: string): Promise<string[]> => {
    const res = await api<TokenBody>(core.url, 'GET', `/service/token?service=harbor-registry&scope=${encodeURIComponent(scope)}`, { auth });
    expect(res.status).toBe(200);
    const claims = JSON.parse(Buffer.from(res.body.token.split('.')[1], 'base64url').toString()) as { access: { actions: string[] }[] };
    return claims.access[0].actions;
  };
  const message = (res: ApiResponse) => (res.body as { errors: { message: string }[] }).errors[0].message;

  beforeAll(async () => {
    dir = buildDirectory(
      SUFFIX,
      [
        { uid: 'alice', password: PW.alice, cn: 'Alice Liddell', mail: 'alice@example.com' },
        { uid: 'bob', password: PW.bob, mail: 'bob@example.com' },
        { uid: 'carol', password: PW.carol },
        { uid: 'dave', password: PW.dave, cn: 'Dave Bowman', mail: 'dave@example.com' },
        { uid: 'erin', password: PW.erin },
        // The directory's own "admin" must not take over Wharf's local admin.
        { uid: 'admin', password: PW.ldapAdmin },
      ],
      [
        { cn: 'developers', members: ['alice'] },
        { cn: 'qa', members: ['bob'] },
        { cn: 'admins', members: ['carol'] },
      ],
    );
    slapd = await startSlapd({ suffix: SUFFIX, ldif: dir.ldif });
    core = await startTestCore();
    ldapSettings = {
      ldap_url: slapd.url,
      ldap_search_dn: dir.searchDn,
      ldap_search_password: dir.searchPassword,
      ldap_base_dn: dir.peopleDn,
      ldap_filter: '(objectClass=inetOrgPerson)',
      ldap_uid: 'uid',
      ldap_group_base_dn: dir.groupsDn,
      ldap_group_search_filter: 'objectClass=groupOfNames',
      ldap_group_admin_dn: dir.groupDn('admins'),
    };
    const switched = await put({ auth_mode: 'ldap_auth', ...ldapSettings });
    if (switched.status !== 200) throw new Error(`failed to switch to ldap_auth: ${JSON.stringify(switched.body)}`);
    await createTestProject(core.url, core.adminAuth, 'team');
  }, 60_000);

  afterAll(async () => {
    await core?.close();
    await slapd?.stop();
  });

  describe('logins', () => {
    it('an LDAP user logs in to the API and gets a local LDAP account', async () => {
      const me = await current(as('alice'));
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ username: 'alice', sysadmin_flag: false });
      const rows = await sqlQuery(core.db.url, "SELECT auth_source, external_dn, password_hash, email FROM app_user WHERE username = 'alice'");
      expect(rows).toEqual([{ auth_source: 'ldap', external_dn: dir.userDn('alice'), password_hash: null, email: 'alice@example.com' }]);
    });

    it('a wrong password or an unknown user is 401', async () => {
      for (const auth of [basicAuthHeader('alice', 'Wrong-Pass-1'), basicAuthHeader('nobody', PW.alice), basicAuthHeader('alice', '')]) {
        const res = await current(auth);
        expect([res.status, errorCode(res)]).toEqual([401, 'UNAUTHORIZED']);
      }
    });

    it('admin still logs in locally, not with the directory\'s admin entry', async () => {
      expect((await current(core.adminAuth)).body).toMatchObject({ username: 'admin', sysadmin_flag: true });
      expect((await current(as('ldapAdmin'))).status).toBe(401);
    });

    it('members of ldap_group_admin_dn are system administrators', async () => {
      expect((await current(as('carol'))).body).toMatchObject({ username: 'carol', sysadmin_flag: true });
      expect((await api(core.url, 'GET', '/api/v2.0/configurations', { auth: as('carol') })).status).toBe(200);
      expect((await api(core.url, 'GET', '/api/v2.0/configurations', { auth: as('alice') })).status).toBe(403);
    });

    it('the token service logs LDAP users in too', async () => {
      const res = await api<TokenBody>(core.url, 'GET', '/service/token?service=harbor-registry', { auth: as('alice') });
      expect(res.status).toBe(200);
      expect(JSON.parse(Buffer.from(res.body.token.split('.')[1], 'base64url').toString())).toMatchObject({ sub: 'alice' });
      expect((await api(core.url, 'GET', '/service/token?service=harbor-registry', { auth: basicAuthHeader('alice', 'Wrong-Pass-1') })).status).toBe(401);
    });

    it('local accounts cannot be created, and LDAP accounts cannot be changed here', async () => {
      const create = await api(core.url, 'POST', '/api/v2.0/users', { auth: core.adminAuth, body: { username: 'zed', password: 'Zed-Pass-123', email: 'zed@example.com', realname: 'z' } });
      expect(create.status).toBe(403);
      const me = await api<{ user_id: number }>(core.url, 'GET', '/api/v2.0/users/current', { auth: as('alice') });
      const password = await api(core.url, 'PUT', `/api/v2.0/users/${me.body.user_id}/password`, { auth: as('alice'), body: { old_password: PW.alice, new_password: 'New-Pass-123' } });
      expect(password.status).toBe(403);
    });
  });

  describe('LDAP groups as project members', () => {
    it('a group added by DN before any of its users logged in gives them its role', async () => {
      const post = (body: unknown) => api(core.url, 'POST', '/api/v2.0/projects/team/members', { auth: core.adminAuth, body });
      const devs = await post({ role_id: DEVELOPER, member_group: { ldap_group_dn: dir.groupDn('developers') } });
      expect(devs.status).toBe(201);
      // bob has never logged in: the group comes from the directory.
      expect(await sqlQuery(core.db.url, "SELECT 1 FROM app_user WHERE username = 'bob'")).toEqual([]);
      const qa = await post({ role_id: GUEST, member_group: { ldap_group_dn: dir.groupDn('qa').toUpperCase() } });
      expect(qa.status).toBe(201);
      const member = await api<{ entity_type: string; entity_name: string; role_name: string }>(core.url, 'GET', `/api/v2.0/projects/team/members/${locationId(qa)}`, { auth: core.adminAuth });
      expect(member.body).toMatchObject({ entity_type: 'g', entity_name: 'qa', role_name: 'guest' });
      expect(await sqlQuery(core.db.url, 'SELECT group_name, group_type, ldap_dn FROM user_group ORDER BY group_name')).toEqual(
        expect.arrayContaining([
          { group_name: 'developers', group_type: 1, ldap_dn: dir.groupDn('developers') },
          { group_name: 'qa', group_type: 1, ldap_dn: dir.groupDn('qa') },
        ]),
      );

      expect(await grants(as('alice'), 'repository:team/app:pull,push,delete')).toEqual(['pull', 'push']);
      expect(await grants(as('bob'), 'repository:team/app:pull,push')).toEqual(['pull']);
      expect(await grants(as('dave'), 'repository:team/app:pull,push')).toEqual([]);
      const again = await post({ role_id: GUEST, member_group: { ldap_group_dn: dir.groupDn('qa') } });
      expect(again.status).toBe(409);
    });

    it('refuses DNs the directory does not hold as groups, and malformed ones', async () => {
      const post = (dn: string) => api(core.url, 'POST', '/api/v2.0/projects/team/members', { auth: core.adminAuth, body: { role_id: GUEST, member_group: { ldap_group_dn: dn } } });
      const before = await sqlQuery(core.db.url, 'SELECT id FROM user_group ORDER BY id');
      expect((await post(`cn=ghosts,ou=groups,${SUFFIX}`)).status).toBe(404);
      // Outside the group base DN, and a user entry rather than a group.
      expect((await post(dir.userDn('alice'))).status).toBe(404);
      expect((await post(`cn=admins,ou=groups,${SUFFIX}`.replace('ou=groups', 'ou=elsewhere'))).status).toBe(404);
      const malformed = await post('cn=x,=,ou=groups,dc=wharf,dc=test');
      expect([malformed.status, errorCode(malformed)]).toEqual([400, 'BAD_REQUEST']);
      expect(await sqlQuery(core.db.url, 'SELECT id FROM user_group ORDER BY id')).toEqual(before);
    });
  });

  describe('the LDAP API', () => {
    const ping = (body?: unknown, auth = core.adminAuth) => api<{ success: boolean; message: string }>(core.url, 'POST', '/api/v2.0/ldap/ping', { auth, body });

    it('ping tests the stored settings, or given ones', async () => {
      const stored = await ping();
      expect(stored.status).toBe(200);
      expect(stored.body.success).toBe(true);
      expect(stored.body.message).toEqual(expect.any(String));
      expect((await ping({})).body.success).toBe(true);
      const given = await ping({ ldap_url: slapd.url, ldap_base_dn: dir.peopleDn, ldap_search_dn: dir.searchDn, ldap_search_password: dir.searchPassword, ldap_uid: 'uid', ldap_scope: 2, ldap_connection_timeout: 3, ldap_verify_cert: true });
      expect(given.body).toMatchObject({ success: true });
      const wrong = await ping({ ldap_url: slapd.url, ldap_base_dn: dir.peopleDn, ldap_search_dn: dir.searchDn, ldap_search_password: 'Wrong-Pass-1' });
      expect(wrong.status).toBe(200);
      expect(wrong.body.success).toBe(false);
      expect(wrong.body.message).toMatch(/^error: failed to bind with the search DN/);
      expect(wrong.body.message).not.toContain('Wrong-Pass-1');
      const missingBase = await ping({ ldap_url: slapd.url, ldap_base_dn: `ou=nowhere,${SUFFIX}`, ldap_search_dn: dir.searchDn, ldap_search_password: dir.searchPassword });
      expect(missingBase.body).toMatchObject({ success: false, message: expect.stringContaining('does not exist') });
    });

    it('ping uses the stored password only for the stored server and account', async () => {
      const same = await ping({ ldap_url: slapd.url, ldap_base_dn: dir.peopleDn, ldap_search_dn: dir.searchDn });
      expect(same.body.success).toBe(true);
      const other = await startSlapd({ suffix: SUFFIX, ldif: dir.ldif });
      try {
        const elsewhere = await ping({ ldap_url: other.url, ldap_base_dn: dir.peopleDn, ldap_search_dn: dir.searchDn });
        expect(elsewhere.body.success).toBe(false);
        const withPassword = await ping({ ldap_url: other.url, ldap_base_dn: dir.peopleDn, ldap_search_dn: dir.searchDn, ldap_search_password: dir.searchPassword });
        expect(withPassword.body.success).toBe(true);
      } finally {
        await other.stop();
      }
    });

    it('ping refuses unusable settings with 400 and callers who are not administrators', async () => {
      for (const body of [{ ldap_url: 'http://x', ldap_base_dn: 'dc=x' }, { ldap_base_dn: 'dc=x' }, { ldap_url: slapd.url, ldap_scope: 7 }, { ldap_url: slapd.url, nonsense: 1 }, { ldap_url: 5 }]) {
        const res = await ping(body);
        expect([JSON.stringify(body), res.status, errorCode(res)]).toEqual([JSON.stringify(body), 400, 'BAD_REQUEST']);
      }
      expect((await ping(undefined, as('alice'))).status).toBe(403);
      expect((await ping(undefined, '')).status).toBe(401);
    });

    it('searches users by login name, or lists them', async () => {
      const one = await api<{ username: string; realname: string; email: string }[]>(core.url, 'GET', '/api/v2.0/ldap/users/search?username=dave', { auth: core.adminAuth });
      expect(one.status).toBe(200);
      expect(one.body).toEqual([{ username: 'dave', realname: 'Dave Bowman', email: 'dave@example.com' }]);
      const all = await api<{ username: string }[]>(core.url, 'GET', '/api/v2.0/ldap/users/search', { auth: core.adminAuth });
      expect(all.body.map((u) => u.username).sort()).toEqual(['admin', 'alice', 'bob', 'carol', 'dave', 'erin']);
      const literal = await api<unknown[]>(core.url, 'GET', `/api/v2.0/ldap/users/search?username=${encodeURIComponent('*')}`, { auth: core.adminAuth });
      expect(literal.body).toEqual([]);
      expect((await api(core.url, 'GET', '/api/v2.0/ldap/users/search?username=dave', { auth: as('alice') })).status).toBe(403);
    });

    it('imports users the directory knows and reports the others with 404', async () => {
      // A local account holding a directory name is never turned into the LDAP user.
      await sqlQuery(core.db.url, "INSERT INTO app_user (username, auth_source, password_hash) VALUES ('erin', 'db', 'x')");
      const res = await api<{ uid: string; error: string }[]>(core.url, 'POST', '/api/v2.0/ldap/users/import', {
        auth: core.adminAuth,
        body: { ldap_uid_list: ['dave', 'nobody', '', 'erin'] },
      });
      expect(res.status).toBe(404);
      expect(res.body).toEqual([
        { uid: 'nobody', error: 'unknown_user' },
        { uid: '', error: 'empty_uid' },
        { uid: 'erin', error: 'failed to import user: erin' },
      ]);
      expect(await sqlQuery(core.db.url, "SELECT username, email, realname, auth_source, external_dn FROM app_user WHERE username IN ('dave', 'nobody', 'erin') ORDER BY username")).toEqual([
        { username: 'dave', email: 'dave@example.com', realname: 'Dave Bowman', auth_source: 'ldap', external_dn: dir.userDn('dave') },
        { username: 'erin', email: null, realname: '', auth_source: 'db', external_dn: null },
      ]);
      const again = await api(core.url, 'POST', '/api/v2.0/ldap/users/import', { auth: core.adminAuth, body: { ldap_uid_list: ['dave', 'alice'] } });
      expect([again.status, again.body]).toEqual([200, undefined]);
      for (const body of [{}, { ldap_uid_list: 'dave' }, { ldap_uid_list: [1] }]) {
        const bad = await api(core.url, 'POST', '/api/v2.0/ldap/users/import', { auth: core.adminAuth, body });
        expect([JSON.stringify(body), bad.status]).toEqual([JSON.stringify(body), 400]);
      }
      expect((await api(core.url, 'POST', '/api/v2.0/ldap/users/import', { auth: as('alice'), body: { ldap_uid_list: ['bob'] } })).status).toBe(403);
    });

    it('searches groups by name or DN', async () => {
      const search = (query: string, auth = core.adminAuth) => api<{ group_name: string; ldap_group_dn: string }[]>(core.url, 'GET', `/api/v2.0/ldap/groups/search?${query}`, { auth });
      const byName = await search('groupname=developers');
      expect(byName.status).toBe(200);
      expect(byName.body).toEqual([{ group_name: 'developers', group_type: 1, ldap_group_dn: dir.groupDn('developers') }]);
      const byDn = await search(`groupdn=${encodeURIComponent(dir.groupDn('qa'))}`);
      expect(byDn.body).toEqual([{ group_name: 'qa', group_type: 1, ldap_group_dn: dir.groupDn('qa') }]);
      expect((await search('groupname=nothing')).status).toBe(404);
      expect((await search(`groupdn=${encodeURIComponent(`cn=nothing,ou=groups,${SUFFIX}`)}`)).status).toBe(404);
      const malformed = await search('groupdn=%3D%3D%3D');
      expect([malformed.status, errorCode(malformed)]).toEqual([400, 'BAD_REQUEST']);
      expect((await search('')).status).toBe(400);
      expect((await search('groupname=qa', as('alice'))).status).toBe(403);
    });
  });

  describe('when the directory is down', () => {
    it('logins that need it are 503, are not counted by the throttle, and work again when it is back', async () => {
      const doomed = await startSlapd({ suffix: SUFFIX, ldif: dir.ldif });
      expect((await put({ ldap_url: doomed.url })).status).toBe(200);
      expect((await current(as('alice'))).status).toBe(200);
      await doomed.stop();

      // More attempts than the throttle allows (five per user and address).
      for (let i = 0; i < 7; i++) {
        const res = await current(as('alice'));
        expect([res.status, errorCode(res)]).toEqual([503, 'SERVICE_UNAVAILABLE']);
        expect(message(res)).toMatch(/ldap authentication backend is unavailable/);
      }
      const token = await api(core.url, 'GET', '/service/token?service=harbor-registry', { auth: as('alice') });
      expect([token.status, errorCode(token)]).toEqual([503, 'SERVICE_UNAVAILABLE']);
      const search = await api(core.url, 'GET', '/api/v2.0/ldap/users/search?username=alice', { auth: core.adminAuth });
      expect(search.status).toBe(503);
      expect((await api<{ success: boolean }>(core.url, 'POST', '/api/v2.0/ldap/ping', { auth: core.adminAuth })).body.success).toBe(false);
      // The local admin does not need the directory.
      expect((await current(core.adminAuth)).status).toBe(200);

      expect((await put({ ldap_url: slapd.url })).status).toBe(200);
      expect((await current(as('alice'))).status).toBe(200);
    });
  });
});
