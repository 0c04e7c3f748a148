import { api, basicAuthHeader, CoreHarness, createRoleCast, createTestProject, errorCode, sqlQuery, startTestCore, TestUser } from '../testing';

type Cast = Record<'alice' | 'maria' | 'dave' | 'gina' | 'lena' | 'mallory', TestUser>;

describe('project metadata (/api/v2.0/projects/{p}/metadatas)', () => {
  let core: CoreHarness;
  let teamId: number;
  let users: Cast;

  const call = <T = unknown>(method: string, path: string, auth?: string, body?: unknown, headers?: Record<string, string>) =>
    api<T>(core.url, method, `/api/v2.0/projects${path}`, { auth, body, headers });
  const stored = async (id = teamId) =>
    (await sqlQuery<{ public: boolean; metadata: Record<string, string> }>(core.db.url, 'SELECT public, metadata FROM project WHERE id = $1', [id]))[0];
  const auditCount = async () => Number((await sqlQuery<{ n: string }>(core.db.url, 'SELECT count(*) AS n FROM audit_log'))[0].n);

  beforeAll(async () => {
    core = await startTestCore();
    teamId = await createTestProject(core.url, core.adminAuth, 'team');
    users = await createRoleCast(core.url, core.adminAuth, 'team');
  });

  afterAll(async () => {
    await core?.close();
  });

  it('adds, reads, updates and deletes one key at a time, values in Harbor’s spelling', async () => {
    const audits = await auditCount();
    expect((await call('POST', '/team/metadatas/', users.alice.auth, { auto_scan: 'T' })).status).toBe(200);
    expect(await call('GET', '/team/metadatas/auto_scan', users.alice.auth)).toMatchObject({ status: 200, body: { auto_scan: 'true' } });
    expect((await call('POST', `/${teamId}/metadatas`, users.alice.auth, { severity: 'Negligible' })).status).toBe(200);
    expect((await call('PUT', '/team/metadatas/severity', users.alice.auth, { severity: 'HIGH', ignored: 'x' })).status).toBe(200);
    // The list and the project show the same map.
    const all = await call<Record<string, string>>('GET', '/team/metadatas/', core.adminAuth);
    expect(all).toMatchObject({ status: 200, body: { public: 'false', auto_scan: 'true', severity: 'high' } });
    expect((await call<{ metadata: Record<string, string> }>('GET', '/team', core.adminAuth)).body.metadata).toEqual(all.body);
    expect((await call('DELETE', '/team/metadatas/severity', users.alice.auth)).status).toBe(200);
    expect((await stored()).metadata).not.toHaveProperty('severity');
    // A key the project lacks: an empty map; deleting or updating it changes nothing.
    expect(await call('GET', '/team/metadatas/severity', users.alice.auth)).toMatchObject({ status: 200, body: {} });
    expect((await call('DELETE', '/team/metadatas/severity', users.alice.auth)).status).toBe(200);
    expect((await call('PUT', '/team/metadatas/prevent_vul', users.alice.auth, { prevent_vul: 'true' })).status).toBe(200);
    expect((await stored()).metadata).not.toHaveProperty('prevent_vul');
    // Harbor writes no audit record for metadata.
    expect(await auditCount()).toBe(audits);
  });

  it('makes the project public and private through the public key', async () => {
    const id = await createTestProject(core.url, core.adminAuth, 'flip');
    expect((await call('PUT', '/flip/metadatas/public', core.adminAuth, { public: '1' })).status).toBe(200);
    expect(await stored(id)).toMatchObject({ public: true, metadata: { public: 'true' } });
    expect((await call('GET', '/flip', undefined)).status).toBe(200);
    expect((await call('DELETE', '/flip/metadatas/public', core.adminAuth)).status).toBe(200);
    expect((await stored(id)).public).toBe(false);
    expect((await call('GET', '/flip', undefined)).status).toBe(401);
    // Always there: adding it is a conflict.
    const dup = await call('POST', '/flip/metadatas', core.adminAuth, { public: 'true' });
    expect(dup.status).toBe(409);
    expect(errorCode(dup)).toBe('CONFLICT');
  });

  it('takes the name as a name with X-Is-Resource-Name', async () => {
    const id = await createTestProject(core.url, core.adminAuth, '4242');
    const byName = await call('POST', '/4242/metadatas', core.adminAuth, { auto_scan: 'true' }, { 'X-Is-Resource-Name': 'true' });
    expect(byName.status).toBe(200);
    expect((await stored(id)).metadata.auto_scan).toBe('true');
    // Without the header, 4242 is an id no project has.
    expect((await call('GET', '/4242/metadatas/auto_scan', core.adminAuth)).status).toBe(404);
  });

  it('refuses bad input with 400 or 409 and changes nothing', async () => {
    const before = await stored();
    const cases: [string, string, unknown, number, string][] = [
      ['POST', '/team/metadatas', {}, 400, 'give exactly one key/value pair'],
      ['POST', '/team/metadatas', undefined, 400, 'give exactly one key/value pair'],
      ['POST', '/team/metadatas', { auto_scan: 'true', severity: 'low' }, 400, 'give exactly one key/value pair'],
      ['POST', '/team/metadatas', { auto_scan: 'yes' }, 400, 'invalid value: yes'],
      ['POST', '/team/metadatas', { retention_id: '1' }, 400, 'invalid key: retention_id'],
      ['POST', '/team/metadatas', { color: 'blue' }, 400, 'invalid key: color'],
      ['POST', '/team/metadatas', { auto_scan: true }, 400, 'the value of auto_scan must be a string'],
      ['POST', '/team/metadatas', ['auto_scan'], 400, 'the request body must be an object of string values'],
      ['POST', '/team/metadatas', { proxy_speed_kb: '99999999999' }, 400, 'invalid value: 99999999999'],
      ['POST', '/team/metadatas', { auto_scan: 'false' }, 409, 'project team has metadata auto_scan already'],
      ['PUT', '/team/metadatas/auto_scan', { severity: 'low' }, 400, 'invalid value: '],
      ['PUT', '/team/metadatas/severity', { severity: 'unknown' }, 400, 'invalid value: unknown'],
      ['PUT', '/team/metadatas/owner', { owner: 'x' }, 400, 'invalid key: owner'],
    ];
    for (const [method, path, body, status, message] of cases) {
      const res = await call<{ errors: { message: string }[] }>(method, path, users.alice.auth, body);
      expect({ method, path, body, status: res.status }).toEqual({ method, path, body, status });
      expect(res.body.errors[0].message).toContain(message);
    }
    expect(await stored()).toEqual(before);
    const missing = await call('GET', '/nowhere/metadatas', core.adminAuth);
    expect(missing.status).toBe(404);
    expect(errorCode(missing)).toBe('NOT_FOUND');
  });

  // Harbor: project admins everything, maintainers read, nobody but system admins (and robots) list.
  it.each([
    ['alice', 403, 200, 200, 200],
    ['maria', 403, 200, 403, 403],
    ['dave', 403, 403, 403, 403],
    ['gina', 403, 403, 403, 403],
    ['lena', 403, 403, 403, 403],
    ['mallory', 403, 403, 403, 403],
  ] as const)('%s: list %i, read %i, write %i, delete %i', async (who, list, read, write, del) => {
    const auth = users[who].auth;
    expect((await call('GET', '/team/metadatas', auth)).status).toBe(list);
    expect((await call('GET', '/team/metadatas/auto_scan', auth)).status).toBe(read);
    expect((await call('PUT', '/team/metadatas/auto_scan', auth, { auto_scan: 'true' })).status).toBe(write);
    expect((await call('POST', '/team/metadatas', auth, { enable_content_trust: 'false' })).status).toBe(write);
    expect((await call('DELETE', '/team/metadatas/enable_content_trust', auth)).status).toBe(del);
  });

  it('answers anonymous callers 401 and lets a robot granted metadata list', async () => {
    expect((await call('GET', '/team/metadatas', undefined)).status).toBe(401);
    expect((await call('POST', '/team/metadatas', undefined, { auto_scan: 'true' })).status).toBe(401);
    const created = await api<{ name: string; secret: string }>(core.url, 'POST', '/api/v2.0/robots', {
      auth: core.adminAuth,
      body: { name: 'meta', level: 'project', duration: -1, permissions: [{ kind: 'project', namespace: 'team', access: [{ resource: 'metadata', action: 'list' }] }] },
    });
    expect(created.status).toBe(201);
    const robot = basicAuthHeader(created.body.name, created.body.secret);
    expect((await call('GET', '/team/metadatas', robot)).status).toBe(200);
    expect((await call('GET', '/team/metadatas/auto_scan', robot)).status).toBe(403);
  });
});
