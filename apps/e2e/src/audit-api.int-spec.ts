// Core's audit API is where the data plane's rows are read: this test runs both applications on
// one database, as deployed.
import { addTestMember, api, createTestProject, createTestUser, makeImage, pushImage, TestUser } from '@wharf/testing';
import { CoreHarness, startTestCore } from '../../core/src/testing';
import { RegistryHarness, startTokenRegistry } from '../../registry/src/testing';
import { RegistryAudit } from '../../registry/src/audit/registry-audit';

/**
 * Pushes, pulls and deletions through a token-mode registry, with tokens from core's token
 * service, show up in core's `GET /api/v2.0/audit-logs` (and a project's `/logs`) for those who
 * may read them.
 */

interface AuditLogView {
  id: number;
  username: string;
  resource: string;
  resource_type: string;
  operation: string;
  op_time: string;
}

const DEVELOPER = 2;

describe('registry audit rows in the audit-log API', () => {
  let core: CoreHarness;
  let registry: RegistryHarness;
  let alice: TestUser;
  let bob: TestUser;

  /** A bearer token from core's token service for `auth`'s caller (anonymous without). */
  async function bearer(auth: string | undefined, scope: string): Promise<Record<string, string>> {
    const query = new URLSearchParams({ service: core.config.token.service, scope });
    const res = await fetch(`${core.url}/service/token?${query}`, { headers: auth ? { Authorization: auth } : {} });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { token: string };
    return { Authorization: `Bearer ${body.token}` };
  }

  const logs = async (auth: string, path = '/api/v2.0/audit-logs?q=resource%3D~team%2Fapp&page_size=100') => {
    const res = await api<AuditLogView[]>(core.url, 'GET', path, { auth });
    expect(res.status).toBe(200);
    return res;
  };

  beforeAll(async () => {
    core = await startTestCore();
    registry = await startTokenRegistry(core);
    alice = await createTestUser(core.url, core.adminAuth, 'alice', 'Alice12345');
    bob = await createTestUser(core.url, core.adminAuth, 'bob', 'Bob1234567');
    await createTestProject(core.url, core.adminAuth, 'team');
    await addTestMember(core.url, core.adminAuth, 'team', 'alice', DEVELOPER);
  }, 60_000);

  afterAll(async () => {
    await registry?.close();
    await core?.close();
  });

  it('a developer push and pull and an admin delete are listed, newest first, for the admin and the member, not for others', async () => {
    const image = makeImage();
    const rw = await bearer(alice.auth, 'repository:team/app:pull,push');
    expect((await pushImage(registry.url, 'team/app', image, 'v1', rw)).status).toBe(201);
    expect((await fetch(`${registry.url}/v2/team/app/manifests/v1`, { headers: rw })).status).toBe(200);
    expect((await fetch(`${registry.url}/v2/team/app/manifests/v1`, { method: 'HEAD', headers: rw })).status).toBe(200);
    // An outsider's pull is refused and leaves no row.
    expect((await fetch(`${registry.url}/v2/team/app/manifests/v1`, { headers: await bearer(bob.auth, 'repository:team/app:pull') })).status).toBe(401);
    const del = await bearer(core.adminAuth, 'repository:team/app:delete');
    expect((await fetch(`${registry.url}/v2/team/app/manifests/${image.digest}`, { method: 'DELETE', headers: del })).status).toBe(202);
    await registry.app.get(RegistryAudit).flush();

    const expected = [
      { username: 'admin', operation: 'delete', resource_type: 'artifact', resource: `team/app@${image.digest}` },
      { username: 'alice', operation: 'pull', resource_type: 'artifact', resource: 'team/app:v1' },
      { username: 'alice', operation: 'create', resource_type: 'artifact', resource: 'team/app:v1' },
    ];
    const asAdmin = await logs(core.adminAuth);
    expect(asAdmin.headers.get('x-total-count')).toBe('3');
    expect(asAdmin.body).toEqual(expected.map((e) => ({ ...e, id: expect.any(Number), op_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) })));
    // Newest first: the op_time of the request, not of the batch.
    const times = asAdmin.body.map((e) => Date.parse(e.op_time));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    expect((await logs(alice.auth)).body.map((e) => e.operation)).toEqual(['delete', 'pull', 'create']);
    expect((await logs(alice.auth, '/api/v2.0/projects/team/logs?q=operation%3Dpull')).body).toEqual([expect.objectContaining(expected[1])]);
    expect((await logs(bob.auth)).body).toEqual([]);
  });
});
