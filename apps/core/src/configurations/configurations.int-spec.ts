import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { closeCore, createCoreApp, listeningPort } from '../server';
import { api, basicAuthHeader, CoreHarness, createTestUser, errorCode, sqlQuery, startTestCore, TestUser } from '../testing';
import { SETTINGS_CACHE_MS } from './settings.service';

type Items = Record<string, { value: unknown; editable: boolean }>;

describe('/configurations', () => {
  let core: CoreHarness;
  let replica: NestFastifyApplication | undefined;
  const get = (auth?: string) => api<Items>(core.url, 'GET', '/api/v2.0/configurations', { auth });
  const put = (body: unknown, auth = core.adminAuth) => api(core.url, 'PUT', '/api/v2.0/configurations', { auth, body });
  const stored = async () =>
    Object.fromEntries((await sqlQuery<{ key: string; value: unknown }>(core.db.url, 'SELECT key, value FROM setting ORDER BY key')).map((r) => [r.key, r.value]));
  const systemInfo = async (url = core.url) => (await api<Record<string, unknown>>(url, 'GET', '/api/v2.0/systeminfo', { auth: core.adminAuth })).body;

  beforeAll(async () => {
    core = await startTestCore();
  });
  afterAll(async () => {
    if (replica) await closeCore(replica);
    await core?.close();
  });

  it('shows every item with its value and whether it may be changed, to system administrators only', async () => {
    const res = await get(core.adminAuth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      auth_mode: { value: 'db_auth', editable: true },
      ldap_url: { value: '', editable: true },
      ldap_uid: { value: 'cn', editable: true },
      ldap_scope: { value: 2, editable: true },
      ldap_timeout: { value: 5, editable: true },
      ldap_verify_cert: { value: true, editable: true },
      ldap_group_attribute_name: { value: 'cn', editable: true },
      ldap_group_search_scope: { value: 2, editable: true },
      ldap_group_membership_attribute: { value: 'memberof', editable: true },
      ldap_group_attach_parallel: { value: false, editable: true },
      project_creation_restriction: { value: 'everyone', editable: true },
      robot_name_prefix: { value: 'robot$', editable: false },
      token_expiration: { value: 30, editable: true },
      robot_token_duration: { value: 30, editable: true },
      self_registration: { value: false, editable: false },
      notification_enable: { value: true, editable: true },
      webhook_allowed_networks: { value: '0.0.0.0/0,::/0', editable: true },
      storage_per_project: { value: -1, editable: true },
      quota_per_project_enable: { value: true, editable: true },
      banner_message: { value: '', editable: true },
    });
    expect(res.body).not.toHaveProperty('ldap_search_password');
    const user = await createTestUser(core.url, core.adminAuth, 'viewer');
    expect((await get(user.auth)).status).toBe(403);
    expect((await get()).status).toBe(401);
    expect((await put({ token_expiration: 5 }, user.auth)).status).toBe(403);
    expect((await put({ token_expiration: 5 }, '')).status).toBe(401);
    expect(await stored()).toEqual({});
    // Back to only admin, for the auth mode tests below.
    expect((await api(core.url, 'DELETE', `/api/v2.0/users/${user.id}`, { auth: core.adminAuth })).status).toBe(200);
  });

  it('answers /internalconfig as Harbor answers callers that are not its own components: 401, or 403 even for the admin', async () => {
    expect((await api(core.url, 'GET', '/api/v2.0/internalconfig')).status).toBe(401);
    const admin = await api(core.url, 'GET', '/api/v2.0/internalconfig', { auth: core.adminAuth });
    expect([admin.status, errorCode(admin)]).toEqual([403, 'FORBIDDEN']);
    expect(JSON.stringify(admin.body)).not.toMatch(/password|secret/i);
  });

  it('stores changed items in the setting table and shows them; the search password is stored but never shown', async () => {
    const res = await put({
      ldap_url: 'ldaps://ldap.example.com:636',
      ldap_base_dn: 'ou=people,dc=example,dc=com',
      ldap_search_dn: 'cn=search,dc=example,dc=com',
      ldap_search_password: 'Very-Secret-1',
      ldap_scope: 1,
      ldap_verify_cert: false,
      ldap_group_admin_dn: 'cn=admins,ou=groups,dc=example,dc=com',
      robot_token_duration: 90,
    });
    expect(res.status).toBe(200);
    expect(await stored()).toEqual({
      ldap_url: 'ldaps://ldap.example.com:636',
      ldap_base_dn: 'ou=people,dc=example,dc=com',
      ldap_search_dn: 'cn=search,dc=example,dc=com',
      ldap_search_password: 'Very-Secret-1',
      ldap_scope: 1,
      ldap_verify_cert: false,
      ldap_group_admin_dn: 'cn=admins,ou=groups,dc=example,dc=com',
      robot_token_duration: 90,
    });
    const after = await get(core.adminAuth);
    expect(after.body).toMatchObject({
      ldap_url: { value: 'ldaps://ldap.example.com:636', editable: true },
      ldap_scope: { value: 1, editable: true },
      ldap_verify_cert: { value: false, editable: true },
      robot_token_duration: { value: 90, editable: true },
    });
    expect(after.body).not.toHaveProperty('ldap_search_password');
    expect(JSON.stringify(after.body)).not.toContain('Very-Secret-1');
  });

  it('refuses bad input with 400 naming the problem and stores nothing of it', async () => {
    const before = await stored();
    const cases: [unknown, RegExp][] = [
      [{ nonsense: 1 }, /unknown configuration item "nonsense"/],
      [{ token_expiration: 10, http_authproxy_endpoint: 'x' }, /unknown configuration item "http_authproxy_endpoint"/],
      [{ token_expiration: 'ten' }, /token_expiration must be an integer/],
      [{ token_expiration: 10, ldap_scope: 'sub' }, /ldap_scope must be an integer/],
      [{ token_expiration: 0 }, /token_expiration must be between/],
      [{ ldap_verify_cert: 1 }, /ldap_verify_cert must be a boolean/],
      [{ auth_mode: 'http_auth' }, /auth_mode must be one of/],
      [{ project_creation_restriction: 'admins' }, /project_creation_restriction must be one of/],
      [{ ldap_url: 'http://ldap.example.com' }, /ldap_url must be ldap\[s\]:\/\/host\[:port\]/],
      [{ ldap_timeout: -3 }, /ldap_timeout must be between/],
      [{ ldap_uid: '(uid)' }, /ldap_uid must be an attribute name/],
      [{ robot_name_prefix: 'bot_' }, /robot_name_prefix cannot be changed/],
      [{ self_registration: true }, /self_registration cannot be changed/],
      [{ notification_enable: 'false' }, /notification_enable must be a boolean/],
      [{ webhook_allowed_networks: ['0.0.0.0/0'] }, /webhook_allowed_networks must be a string/],
      [{ webhook_allowed_networks: '0.0.0.0/0,intranet.example.com' }, /webhook_allowed_networks: "intranet\.example\.com" is not an address, a network/],
      [{ webhook_allowed_networks: '10.0.0.0/33' }, /"10\.0\.0\.0\/33" is not an address/],
      [{ storage_per_project: 0 }, /storage_per_project must be -1 \(unlimited\) or from 1 to/],
      [{ storage_per_project: -2 }, /storage_per_project must be -1 \(unlimited\) or from 1 to/],
      [{ storage_per_project: 2.5 }, /storage_per_project must be an integer/],
      [{ storage_per_project: '1024' }, /storage_per_project must be an integer/],
      [{ quota_per_project_enable: 'false' }, /quota_per_project_enable must be a boolean/],
      [{ banner_message: { message: 'hi' } }, /banner_message must be a string/],
      [{ banner_message: 'Maintenance tonight' }, /banner_message must be empty or a JSON object/],
      [{ banner_message: '{"message":"x","type":"error"}' }, /"type" must be one of/],
      [{ auth_mode: 'ldap_auth', ldap_base_dn: '' }, /invalid LDAP settings for ldap_auth: ldap_base_dn is required/],
      [[], /JSON object/],
      ['"text"', /JSON object/],
      ['null', /JSON object/],
    ];
    for (const [body, message] of cases) {
      const res = await put(body);
      expect([JSON.stringify(body), res.status, errorCode(res)]).toEqual([JSON.stringify(body), 400, 'BAD_REQUEST']);
      expect((res.body as { errors: { message: string }[] }).errors[0].message).toMatch(message);
    }
    const form = await api(core.url, 'PUT', '/api/v2.0/configurations', { auth: core.adminAuth, body: 'token_expiration=5', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(415);
    expect(await stored()).toEqual(before);
  });

  it('switches the auth mode only while admin is the only user, and ldap_auth only with working settings', async () => {
    expect((await put({ auth_mode: 'ldap_auth', ldap_url: '' })).status).toBe(400);
    // Nothing listens on port 1: logins that need the directory fail as an outage.
    const ldapMode = await put({ auth_mode: 'ldap_auth', ldap_url: 'ldap://127.0.0.1:1', ldap_search_password: '' });
    expect(ldapMode.status).toBe(200);
    expect(await systemInfo()).toMatchObject({ auth_mode: 'ldap_auth' });
    const anonymousInfo = await api<Record<string, unknown>>(core.url, 'GET', '/api/v2.0/systeminfo');
    expect(anonymousInfo.body).toMatchObject({ auth_mode: 'ldap_auth' });
    // admin keeps logging in locally; everyone else needs the directory; local accounts cannot be made.
    expect((await api(core.url, 'GET', '/api/v2.0/users/current', { auth: core.adminAuth })).status).toBe(200);
    const outage = await api(core.url, 'GET', '/api/v2.0/users/current', { auth: basicAuthHeader('someone', 'Some-Pass-1') });
    expect([outage.status, errorCode(outage)]).toEqual([503, 'SERVICE_UNAVAILABLE']);
    const create = await api(core.url, 'POST', '/api/v2.0/users', { auth: core.adminAuth, body: { username: 'local', password: 'Local-Pass-1', email: 'local@example.com', realname: 'l' } });
    expect([create.status, errorCode(create)]).toEqual([403, 'FORBIDDEN']);

    expect((await put({ auth_mode: 'db_auth' })).status).toBe(200);
    expect((await get(core.adminAuth)).body['auth_mode']).toEqual({ value: 'db_auth', editable: true });
    await createTestUser(core.url, core.adminAuth, 'bob', 'Bob-Pass-12');
    expect((await get(core.adminAuth)).body['auth_mode']).toEqual({ value: 'db_auth', editable: false });
    const refused = await put({ auth_mode: 'ldap_auth', token_expiration: 12 });
    expect([refused.status, errorCode(refused)]).toEqual([400, 'BAD_REQUEST']);
    expect(JSON.stringify(refused.body)).toContain('the auth mode cannot be modified as new users have been inserted into database');
    expect(await stored()).toMatchObject({ auth_mode: 'db_auth' });
    expect((await stored())['token_expiration']).toBeUndefined();
    // Sending the current mode back is no change, so it passes.
    expect((await put({ auth_mode: 'db_auth' })).status).toBe(200);
  });

  describe('with a user', () => {
    let bob: TestUser;
    beforeAll(() => {
      bob = { id: 0, username: 'bob', password: 'Bob-Pass-12', auth: basicAuthHeader('bob', 'Bob-Pass-12') };
    });

    it('project_creation_restriction adminonly keeps other users from creating projects', async () => {
      expect((await put({ project_creation_restriction: 'adminonly' })).status).toBe(200);
      expect(await systemInfo()).toMatchObject({ project_creation_restriction: 'adminonly' });
      const refused = await api(core.url, 'POST', '/api/v2.0/projects', { auth: bob.auth, body: { project_name: 'bobs' } });
      expect([refused.status, errorCode(refused)]).toEqual([403, 'FORBIDDEN']);
      expect((await api(core.url, 'POST', '/api/v2.0/projects', { auth: core.adminAuth, body: { project_name: 'admins' } })).status).toBe(201);
      expect((await put({ project_creation_restriction: 'everyone' })).status).toBe(200);
      expect((await api(core.url, 'POST', '/api/v2.0/projects', { auth: bob.auth, body: { project_name: 'bobs' } })).status).toBe(201);
    });

    it('storage_per_project is the storage limit of a project created without one', async () => {
      const limitOf = async (name: string) => {
        const [row] = await sqlQuery<{ id: number; storage_limit: string }>(core.db.url, 'SELECT id, storage_limit::text FROM project WHERE name = $1', [name]);
        const quota = await api<{ hard: { storage: number } }[]>(core.url, 'GET', `/api/v2.0/quotas?reference=project&reference_id=${row!.id}`, { auth: core.adminAuth });
        expect(quota.body.map((q) => q.hard.storage)).toEqual([Number(row!.storage_limit)]);
        return Number(row!.storage_limit);
      };
      const create = async (auth: string, body: Record<string, unknown>) => expect((await api(core.url, 'POST', '/api/v2.0/projects', { auth, body })).status).toBe(201);
      await create(core.adminAuth, { project_name: 'before-default' });
      expect(await limitOf('before-default')).toBe(-1);

      expect((await put({ storage_per_project: 10 * 1024 * 1024 })).status).toBe(200);
      expect((await get(core.adminAuth)).body['storage_per_project']).toEqual({ value: 10 * 1024 * 1024, editable: true });
      expect((await stored())['storage_per_project']).toBe(10 * 1024 * 1024);
      await create(core.adminAuth, { project_name: 'defaulted', storage_limit: null });
      await create(core.adminAuth, { project_name: 'own-limit', storage_limit: 5000 });
      // Only administrators set limits; a user's request for one gets the default.
      await create(bob.auth, { project_name: 'bobs-default', storage_limit: 1 });
      expect(await limitOf('defaulted')).toBe(10 * 1024 * 1024);
      expect(await limitOf('own-limit')).toBe(5000);
      expect(await limitOf('bobs-default')).toBe(10 * 1024 * 1024);
      // The default applies to new projects only.
      expect(await limitOf('before-default')).toBe(-1);

      expect((await put({ storage_per_project: -1 })).status).toBe(200);
      await create(core.adminAuth, { project_name: 'unlimited-again' });
      expect(await limitOf('unlimited-again')).toBe(-1);
    });

    it('quota_per_project_enable off ignores a new project\'s own limit and leaves the quota out of project summaries', async () => {
      const create = async (name: string) =>
        expect((await api(core.url, 'POST', '/api/v2.0/projects', { auth: core.adminAuth, body: { project_name: name, storage_limit: 4096 } })).status).toBe(201);
      const summary = async (name: string) => (await api<Record<string, unknown>>(core.url, 'GET', `/api/v2.0/projects/${name}/summary`, { auth: core.adminAuth })).body;
      const limit = async (name: string) => (await sqlQuery<{ l: string }>(core.db.url, 'SELECT storage_limit::text AS l FROM project WHERE name = $1', [name]))[0]!.l;
      await create('quota-on');
      expect(await summary('quota-on')).toMatchObject({ quota: { hard: { storage: 4096 }, used: { storage: 0 } } });
      expect((await put({ quota_per_project_enable: false })).status).toBe(200);
      expect(await stored()).toMatchObject({ quota_per_project_enable: false });
      await create('quota-off');
      expect(await limit('quota-off')).toBe('-1');
      expect(await summary('quota-on')).not.toHaveProperty('quota');
      expect(await summary('quota-on')).toHaveProperty('repo_count', 0);
      expect((await put({ quota_per_project_enable: true })).status).toBe(200);
      expect(await summary('quota-on')).toMatchObject({ quota: { hard: { storage: 4096 } } });
    });

    it('banner_message is stored as given and handed to everyone by systeminfo, the signed-out included', async () => {
      const banner = JSON.stringify({ message: 'Registry maintenance Saturday 22:00 UTC', type: 'warning', closable: true, fromDate: '2026-12-01T00:00:00Z', toDate: '2027-01-01T00:00:00Z' });
      expect((await put({ banner_message: banner })).status).toBe(200);
      expect((await get(core.adminAuth)).body['banner_message']).toEqual({ value: banner, editable: true });
      expect((await api<Record<string, unknown>>(core.url, 'GET', '/api/v2.0/systeminfo')).body).toMatchObject({ banner_message: banner });
      expect((await api<Record<string, unknown>>(core.url, 'GET', '/api/v2.0/systeminfo', { auth: bob.auth })).body).toMatchObject({ banner_message: banner });
      expect((await put({ banner_message: '' })).status).toBe(200);
      expect((await api<Record<string, unknown>>(core.url, 'GET', '/api/v2.0/systeminfo')).body).toMatchObject({ banner_message: '' });
    });

    it('notification_enable switches webhooks off and on, and systeminfo shows it', async () => {
      expect(await systemInfo()).toMatchObject({ notification_enable: true });
      expect((await put({ notification_enable: false })).status).toBe(200);
      expect(await stored()).toMatchObject({ notification_enable: false });
      expect(await systemInfo()).toMatchObject({ notification_enable: false });
      expect((await get(core.adminAuth)).body['notification_enable']).toEqual({ value: false, editable: true });
      expect((await put({ notification_enable: true })).status).toBe(200);
      expect(await systemInfo()).toMatchObject({ notification_enable: true });
    });

    it('token_expiration sets the lifetime of registry tokens', async () => {
      const token = async () => {
        const res = await api<{ token: string; expires_in: number }>(core.url, 'GET', '/service/token?service=harbor-registry&scope=repository:bobs/app:pull', { auth: bob.auth });
        expect(res.status).toBe(200);
        const claims = JSON.parse(Buffer.from(res.body.token.split('.')[1], 'base64url').toString()) as { iat: number; exp: number };
        return { expiresIn: res.body.expires_in, lifetime: claims.exp - claims.iat };
      };
      expect(await token()).toEqual({ expiresIn: 30 * 60, lifetime: 30 * 60 });
      expect((await put({ token_expiration: 7 })).status).toBe(200);
      expect(await token()).toEqual({ expiresIn: 7 * 60, lifetime: 7 * 60 });
    });
  });

  it('another replica on the same database sees a change within the cache time', async () => {
    replica = await createCoreApp({ ...core.config, port: 0 }, { redisKeyPrefix: `wharf-test:${randomBytes(6).toString('hex')}:` });
    await replica.listen(0, '127.0.0.1');
    const replicaUrl = `http://127.0.0.1:${listeningPort(replica)}`;
    expect(await systemInfo(replicaUrl)).toMatchObject({ project_creation_restriction: 'everyone' });
    expect((await put({ project_creation_restriction: 'adminonly' })).status).toBe(200);
    const changedAt = Date.now();
    let seen = '';
    while (Date.now() - changedAt < SETTINGS_CACHE_MS + 2_000) {
      seen = String((await systemInfo(replicaUrl))['project_creation_restriction']);
      if (seen === 'adminonly') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(seen).toBe('adminonly');
    expect(Date.now() - changedAt).toBeLessThanOrEqual(SETTINGS_CACHE_MS + 1_000);
  });
});
