import { SendThenRead, type SentAnswer } from '@wharf/http/testing';
import { INSTANCE_CHALLENGE_HEADER, INSTANCE_PROOF_HEADER, instanceProofValid, newInstanceChallenge } from '@wharf/auth';
import { api, basicAuthHeader, CoreHarness, errorCode, startTestCore } from '../testing';

const INSTANCE_KEY = 'instance-key-of-this-test-core';

describe('system endpoints and the API error format', () => {
  let core: CoreHarness;
  beforeAll(async () => {
    core = await startTestCore({ instanceKey: INSTANCE_KEY });
  });
  afterAll(async () => {
    await core.close();
  });

  it('answers ping with Pong as plain text', async () => {
    const res = await fetch(`${core.url}/api/v2.0/ping`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('Pong');
  });

  it("answers an installer's challenge with this installation's proof, on any route, and only when asked", async () => {
    const challenge = newInstanceChallenge();
    const ping = await api(core.url, 'GET', '/api/v2.0/ping', { headers: { [INSTANCE_CHALLENGE_HEADER]: challenge } });
    expect(ping.status).toBe(200);
    expect(instanceProofValid(INSTANCE_KEY, challenge, ping.headers.get(INSTANCE_PROOF_HEADER))).toBe(true);
    expect(instanceProofValid('another-installation-key', challenge, ping.headers.get(INSTANCE_PROOF_HEADER))).toBe(false);
    const missing = await api(core.url, 'GET', '/api/v2.0/nothing-here', { headers: { [INSTANCE_CHALLENGE_HEADER]: challenge } });
    expect(missing.status).toBe(404);
    expect(instanceProofValid(INSTANCE_KEY, challenge, missing.headers.get(INSTANCE_PROOF_HEADER))).toBe(true);
    expect((await api(core.url, 'GET', '/api/v2.0/ping')).headers.get(INSTANCE_PROOF_HEADER)).toBeNull();
  });

  it('ping and health ignore even wrong credentials', async () => {
    const res = await api(core.url, 'GET', '/api/v2.0/ping', { auth: basicAuthHeader('admin', 'Wrong1234') });
    expect(res.status).toBe(200);
  });

  it('reports core, database and redis healthy', async () => {
    const res = await api<{ status: string; components: { name: string; status: string }[] }>(core.url, 'GET', '/api/v2.0/health');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('healthy');
    expect(res.body.components.map((c) => [c.name, c.status])).toEqual([
      ['core', 'healthy'],
      ['database', 'healthy'],
      ['redis', 'healthy'],
    ]);
  });

  it('shows anonymous callers the public part of systeminfo and users the rest', async () => {
    const anonymous = await api<Record<string, unknown>>(core.url, 'GET', '/api/v2.0/systeminfo');
    expect(anonymous.status).toBe(200);
    // Exactly Harbor's unprotected fields: no version, no URLs, no settings (banner and OIDC provider empty, as Harbor sends them unset).
    expect(anonymous.body).toEqual({ auth_mode: 'db_auth', primary_auth_mode: false, self_registration: false, banner_message: '', oidc_provider_name: '' });
    const admin = await api<Record<string, unknown>>(core.url, 'GET', '/api/v2.0/systeminfo', { auth: core.adminAuth });
    expect(admin.body).toMatchObject({
      harbor_version: expect.stringMatching(/^v2\./),
      auth_mode: 'db_auth',
      external_url: core.url,
      registry_url: new URL(core.url).host,
      project_creation_restriction: 'everyone',
      self_registration: false,
      has_ca_root: false,
    });
  });

  it('answers unknown routes with 404 and wrong methods with 405, in Harbor format', async () => {
    const missing = await api(core.url, 'GET', '/api/v2.0/nothing-here');
    expect(missing.status).toBe(404);
    expect(errorCode(missing)).toBe('NOT_FOUND');
    const method = await api(core.url, 'PATCH', '/api/v2.0/projects', { auth: core.adminAuth, body: {} });
    expect(method.status).toBe(405);
    expect(errorCode(method)).toBe('METHOD_NOT_ALLOWED');
    expect(method.headers.get('allow')).toContain('GET');
  });

  it('refuses unparsable JSON, non-JSON bodies and oversized bodies without a 5xx', async () => {
    const badJson = await api(core.url, 'POST', '/api/v2.0/projects', { auth: core.adminAuth, body: '{"project_name": ' });
    expect(badJson.status).toBe(400);
    expect(errorCode(badJson)).toBe('BAD_REQUEST');
    const form = await api(core.url, 'POST', '/api/v2.0/projects', {
      auth: core.adminAuth,
      body: 'project_name=x',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
    expect(errorCode(form)).toBe('UNSUPPORTED_MEDIA_TYPE');
    const text = await api(core.url, 'POST', '/api/v2.0/projects', { auth: core.adminAuth, body: 'hello', headers: { 'Content-Type': 'text/plain' } });
    expect(text.status).toBe(415);
    const big = await api(core.url, 'POST', '/api/v2.0/projects', { auth: core.adminAuth, body: { project_name: 'x', padding: 'a'.repeat(2 * 1024 * 1024) } });
    expect(big.status).toBe(413);
    expect(errorCode(big)).toBe('PAYLOAD_TOO_LARGE');
    const empty = await api(core.url, 'POST', '/api/v2.0/projects', { auth: core.adminAuth, body: '' , headers: { 'Content-Type': 'application/json' } });
    expect(empty.status).toBe(400);
    expect(errorCode(empty)).toBe('BAD_REQUEST');
    for (const body of ['[]', '"text"', '42', 'null']) {
      const res = await api(core.url, 'POST', '/api/v2.0/projects', { auth: core.adminAuth, body });
      expect([res.status, errorCode(res)]).toEqual([400, 'BAD_REQUEST']);
    }
  });

  it('answers oversized bodies to a client that reads only after sending, on a connection that stays usable', async () => {
    const body = Buffer.from(JSON.stringify({ project_name: 'x', padding: 'a'.repeat(20 * 1024 * 1024) }));
    const connection = await SendThenRead.open(core.url);
    try {
      const headers = { 'Content-Type': 'application/json', Authorization: core.adminAuth };
      const answers: SentAnswer[] = [];
      for (let i = 0; i < 3; i++) answers.push(await connection.exchange('POST', '/api/v2.0/projects', { body, headers }));
      answers.push(await connection.exchange('GET', '/api/v2.0/ping'));
      expect(answers.map((a) => a.status ?? a.error)).toEqual([413, 413, 413, 200]);
      expect(JSON.parse(answers[0]!.body!)).toMatchObject({ errors: [{ code: 'PAYLOAD_TOO_LARGE' }] });
    } finally {
      connection.close();
    }
  });

  it('answers hostile input with 400, never 500', async () => {
    const cases: [string, string, unknown?][] = [
      ['POST', '/api/v2.0/projects', { project_name: 'nul\u0000name' }],
      ['POST', '/api/v2.0/users', { username: 'x', password: 'Passw0rd1', email: 'x@example.com', realname: 'a\u0000b' }],
      ['POST', '/api/v2.0/projects', { project_name: 'ok', metadata: { ['public\u0000']: 'true' } }],
      ['GET', '/api/v2.0/projects/na%00me'],
      ['GET', '/api/v2.0/projects?q=name%3Da%00b'],
      ['GET', '/api/v2.0/projects?name=a%00b'],
      ['GET', '/api/v2.0/projects/%E0%A4%A'],
      ['GET', '/api/v2.0/projects?q=project_id%3D99999999999'],
      ['GET', '/api/v2.0/audit-logs?q=id%3D99999999999999999999'],
      ['GET', '/api/v2.0/projects/library/members?entityname=a%00'],
      ['POST', '/api/v2.0/projects', { project_name: 'big-quota', storage_limit: 1e20 }],
      ['POST', '/api/v2.0/projects/library/members', { role_id: 2, member_user: { user_id: 1e10 } }],
      ['POST', '/api/v2.0/projects/library/members', { role_id: 2, member_group: { id: 4294967296 } }],
      // Unpaired surrogates (sent as \ud800 escapes): refused by jsonb, turned into U+FFFD in text.
      ['POST', '/api/v2.0/users', { username: 'surrogate', password: 'Passw0rd1', email: 's@example.com', realname: 'a\ud800' }],
      ['PUT', '/api/v2.0/projects/library', { cve_allowlist: { items: [{ cve_id: 'CVE-2024-\udc00' }] } }],
      ['PUT', '/api/v2.0/configurations', { ldap_base_dn: 'dc=example\ud800' }],
      ['PUT', '/api/v2.0/configurations', { ldap_base_dn: 'dc=example\u0000' }],
    ];
    for (const [method, path, body] of cases) {
      const res = await api(core.url, method, path, { auth: core.adminAuth, body });
      expect([method, path, res.status]).toEqual([method, path, 400]);
      expect(errorCode(res)).toBe('BAD_REQUEST');
    }
    expect((await api(core.url, 'HEAD', '/api/v2.0/projects?project_name=big-quota', { auth: core.adminAuth })).status).toBe(404);
  });

  it('names the field that holds a NUL or an unpaired surrogate', async () => {
    const res = await api(core.url, 'POST', '/api/v2.0/projects', { auth: core.adminAuth, body: { project_name: 'named', metadata: { public: 'tr\ud800ue' } } });
    expect(res.body).toEqual({ errors: [{ code: 'BAD_REQUEST', message: 'metadata.public contains an unpaired UTF-16 surrogate (invalid Unicode)' }] });
  });

  it('refuses JSON nested 50,000 deep with 400, from anonymous and signed-in callers alike', async () => {
    const deepArray = `{"project_name":"deep","metadata":${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
    const deepObject = `{"project_name":"deep","metadata":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}`;
    const routes: [string, string][] = [['POST', '/api/v2.0/projects'], ['PUT', '/api/v2.0/projects/library'], ['POST', '/api/v2.0/users'], ['PUT', '/api/v2.0/configurations']];
    for (const [method, path] of routes) {
      for (const body of [deepArray, deepObject]) {
        for (const auth of [undefined, core.adminAuth]) {
          const res = await api(core.url, method, path, { auth, body });
          expect([method, path, auth ? 'admin' : 'anonymous', res.status, res.body]).toEqual([
            method,
            path,
            auth ? 'admin' : 'anonymous',
            400,
            { errors: [{ code: 'BAD_REQUEST', message: 'the request body nests arrays and objects deeper than 64 levels' }] },
          ]);
        }
      }
    }
    // A body at the limit is parsed and judged on its content.
    const shallow = await api(core.url, 'POST', '/api/v2.0/projects', { auth: core.adminAuth, body: `{"project_name":"deep","metadata":${'['.repeat(63)}${']'.repeat(63)}}` });
    expect(shallow.status).toBe(400);
    expect(errorCode(shallow)).toBe('BAD_REQUEST');
    expect((shallow.body as { errors: { message: string }[] }).errors[0].message).not.toMatch(/nests/);
  });

  it('echoes a sane X-Request-Id and makes one up otherwise', async () => {
    const echoed = await api(core.url, 'GET', '/api/v2.0/ping', { headers: { 'X-Request-Id': 'abc-123' } });
    expect(echoed.headers.get('x-request-id')).toBe('abc-123');
    const fresh = await api(core.url, 'GET', '/api/v2.0/ping');
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves the OpenAPI document and the Swagger UI', async () => {
    const doc = await api<{ openapi: string; paths: Record<string, unknown> }>(core.url, 'GET', '/api/v2.0/swagger.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/v2.0/projects', '/api/v2.0/users', '/api/v2.0/audit-logs']));
    // Harbor's headers are optional: a required one blocks Swagger UI's "Try it out".
    type Operation = { parameters?: { name: string; in: string; required?: boolean }[] };
    const headers = Object.entries(doc.body.paths as Record<string, Record<string, Operation>>).flatMap(([path, item]) =>
      Object.entries(item).flatMap(([method, op]) => (op.parameters ?? []).filter((p) => p.in === 'header').map((p) => ({ at: `${method} ${path}`, name: p.name.toLowerCase(), required: p.required ?? false }))),
    );
    expect(headers.filter((h) => h.name === 'x-resource-name-in-location').length).toBeGreaterThan(0);
    expect(headers.filter((h) => h.required)).toEqual([]);
    expect(new Set(headers.map((h) => `${h.at} ${h.name}`)).size).toBe(headers.length);
    const ui = await fetch(`${core.url}/devcenter-api-2.0`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
  });

  it('mounts the token service, which reads OAuth2 forms (only /api/ insists on JSON)', async () => {
    const anonymous = await api<{ token: string }>(core.url, 'GET', '/service/token?service=harbor-registry&scope=repository:library/app:pull');
    expect(anonymous.status).toBe(200);
    expect(anonymous.body.token.split('.')).toHaveLength(3);
    const form = await api<{ token: string }>(core.url, 'POST', '/service/token', {
      body: new URLSearchParams({ grant_type: 'password', username: 'admin', password: core.config.adminPassword, service: 'harbor-registry', scope: 'repository:library/app:push' }).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(200);
    expect(form.body.token).toEqual(expect.any(String));
  });
});
