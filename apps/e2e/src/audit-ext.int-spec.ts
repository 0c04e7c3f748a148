// The data plane writes the extended audit log that core's API lists: both applications on one database, as deployed.
import { api, createTestProject, makeImage, pushImage, sqlQuery } from '@wharf/testing';
import { CoreHarness, startTestCore } from '../../core/src/testing';
import { AuditTrail } from '@wharf/db/plain';
import { SyslogReceiver } from '@wharf/outage/testing';
import { RegistryHarness, startTokenRegistry } from '../../registry/src/testing';
import { RegistryAudit } from '../../registry/src/audit/registry-audit';

/**
 * Pushes, pulls and deletions through the registry are Harbor's create_artifact, pull_artifact
 * and delete_artifact (delete_tag) rows of the extended log, follow the audit settings and are
 * forwarded to syslog from the registry's own process.
 */

interface AuditLogExt {
  username: string;
  resource: string;
  resource_type: string;
  operation: string;
  operation_description: string;
  operation_result: boolean;
}

describe('registry rows in the extended audit log', () => {
  let core: CoreHarness;
  let registry: RegistryHarness;

  async function bearer(scope: string): Promise<Record<string, string>> {
    const query = new URLSearchParams({ service: core.config.token.service, scope });
    const res = await fetch(`${core.url}/service/token?${query}`, { headers: { Authorization: core.adminAuth } });
    expect(res.status).toBe(200);
    return { Authorization: `Bearer ${((await res.json()) as { token: string }).token}` };
  }

  const configure = async (body: Record<string, unknown>) => {
    expect((await api(core.url, 'PUT', '/api/v2.0/configurations', { auth: core.adminAuth, body })).status).toBe(200);
    // The registry reads the settings every few seconds; this test does not wait for that.
    registry.app.get(AuditTrail).forgetSettings();
  };

  const extRows = async (repository: string) => {
    const res = await api<AuditLogExt[]>(core.url, 'GET', `/api/v2.0/projects/team/auditlog-exts?page_size=100&q=${encodeURIComponent(`resource=~${repository}`)}`, { auth: core.adminAuth });
    expect(res.status).toBe(200);
    return res.body.map(({ username, resource, resource_type, operation, operation_description, operation_result }) => ({ username, resource, resource_type, operation, operation_description, operation_result }));
  };

  beforeAll(async () => {
    core = await startTestCore();
    registry = await startTokenRegistry(core);
    await createTestProject(core.url, core.adminAuth, 'team');
  }, 60_000);

  afterAll(async () => {
    await registry?.close();
    await core?.close();
  });

  afterEach(async () => {
    await configure({ skip_audit_log_database: false, audit_log_forward_endpoint: '', disabled_audit_log_event_types: '' });
  });

  it('push, pull, tag delete and artifact delete, with the digest in the description', async () => {
    const image = makeImage();
    const auth = await bearer('repository:team/app:pull,push,delete');
    expect((await pushImage(registry.url, 'team/app', image, 'v1', auth)).status).toBe(201);
    expect((await fetch(`${registry.url}/v2/team/app/manifests/v1`, { headers: auth })).status).toBe(200);
    expect((await fetch(`${registry.url}/v2/team/app/manifests/v1`, { method: 'DELETE', headers: auth })).status).toBe(202);
    expect((await fetch(`${registry.url}/v2/team/app/manifests/${image.digest}`, { method: 'DELETE', headers: auth })).status).toBe(202);
    await registry.app.get(RegistryAudit).flush();

    const row = (operation: string, resource_type: string, resource: string, operation_description: string) => ({
      username: 'admin',
      operation,
      resource_type,
      resource,
      operation_description,
      operation_result: true,
    });
    expect(await extRows('team/app')).toEqual([
      row('delete', 'artifact', `team/app@${image.digest}`, `delete artifact: team/app@${image.digest}`),
      row('delete', 'tag', 'team/app:v1', 'delete tag: team/app:v1'),
      row('pull', 'artifact', 'team/app:v1', `pull artifact: team/app@${image.digest}`),
      row('create', 'artifact', 'team/app:v1', `push artifact: team/app@${image.digest}`),
    ]);
  });

  it('leaves out disabled event types; with skip_audit_log_database writes nothing yet forwards from the registry', async () => {
    const receiver = await SyslogReceiver.start('tcp');
    try {
      await configure({ disabled_audit_log_event_types: 'pull_artifact' });
      const image = makeImage();
      const auth = await bearer('repository:team/quiet:pull,push');
      expect((await pushImage(registry.url, 'team/quiet', image, 'v1', auth)).status).toBe(201);
      expect((await fetch(`${registry.url}/v2/team/quiet/manifests/v1`, { headers: auth })).status).toBe(200);
      await registry.app.get(RegistryAudit).flush();
      expect((await extRows('team/quiet')).map((r) => r.operation)).toEqual(['create']);

      await configure({ audit_log_forward_endpoint: receiver.endpoint, skip_audit_log_database: true, disabled_audit_log_event_types: '' });
      const count = async (table: string) => Number((await sqlQuery<{ n: string }>(core.db.url, `SELECT count(*) AS n FROM ${table}`))[0].n);
      const before = { ext: await count('audit_log_ext'), legacy: await count('audit_log') };
      const other = makeImage();
      const rw = await bearer('repository:team/fwd:pull,push');
      expect((await pushImage(registry.url, 'team/fwd', other, 'v2', rw)).status).toBe(201);
      expect((await fetch(`${registry.url}/v2/team/fwd/manifests/v2`, { headers: rw })).status).toBe(200);
      await registry.app.get(RegistryAudit).flush();
      await receiver.waitFor('action:create', 'resource:team/fwd:v2', `operation_description:push artifact: team/fwd@${other.digest}`);
      await receiver.waitFor('action:pull', 'resource:team/fwd:v2');
      expect({ ext: await count('audit_log_ext'), legacy: await count('audit_log') }).toEqual(before);
    } finally {
      await receiver.stop();
    }
  });
});
