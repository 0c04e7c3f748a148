import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// Core in this process and the built jobservice as a separate one, as deployed.
import { api, createTestProject, JobServiceProcess, locationId, RegistryRows, WebhookReceiver } from '@wharf/testing';
import { type CoreHarness, startTestCore } from '../../core/src/testing';

/**
 * Deletes through core's API reach webhooks like deletes through /v2/: core publishes
 * DELETE_ARTIFACT events on the installation's stream, the built jobservice delivers them to a
 * receiver on loopback. And notification_enable, set through the configurations API, silences
 * every webhook.
 */

const REDIS_URL = 'redis://127.0.0.1:6379';
/** Longer than the jobservice keeps a reading of notification_enable. */
const SWITCH_SETTLES_MS = 2_300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Resources = Payload['event_data']['resources'];
/** Deliveries run side by side: their order is not the events'. */
const byFirstDigest = (list: Resources[]) => [...list].sort((a, b) => (a[0]!.digest < b[0]!.digest ? -1 : 1));

interface Payload {
  type: string;
  operator: string;
  event_data: { resources: { digest: string; tag: string; resource_url: string }[]; repository: Record<string, unknown> };
}

describe('core API deletes as webhook events', () => {
  let core: CoreHarness;
  let rows: RegistryRows;
  let receiver: WebhookReceiver;
  let jobservice: JobServiceProcess;
  let dataDir: string;

  const payloads = () => receiver.to('/hooks').map((r) => JSON.parse(r.body) as Payload);
  const call = (method: string, path: string, body?: unknown) => api(core.url, method, `/api/v2.0${path}`, { auth: core.adminAuth, body });
  async function received(count: number): Promise<Payload[]> {
    try {
      await receiver.waitFor('/hooks', count);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${jobservice.logs().slice(-3000)}`);
    }
    return payloads();
  }

  beforeAll(async () => {
    core = await startTestCore();
    rows = RegistryRows.open(core.db.url);
    receiver = await WebhookReceiver.start();
    dataDir = await mkdtemp(join(tmpdir(), 'wharf-e2e-core-hooks-'));
    jobservice = await JobServiceProcess.start({
      databaseUrl: core.db.url,
      dataDir,
      redisUrl: REDIS_URL,
      queuePrefix: core.config.jobQueuePrefix,
      env: { EXTERNAL_URL: 'https://reg.example.com', WEBHOOK_JOB_MAX_RETRY: '0' },
    });
    await createTestProject(core.url, core.adminAuth, 'hooks');
    const policy = {
      name: 'deletes',
      event_types: ['DELETE_ARTIFACT'],
      targets: [{ type: 'http', address: `${receiver.url}/hooks`, skip_cert_verify: false }],
    };
    // The receiver listens on loopback: refused until an administrator opens it.
    expect((await call('POST', '/projects/hooks/webhook/policies', policy)).status).toBe(400);
    expect((await call('PUT', '/configurations', { webhook_allowed_networks: '0.0.0.0/0,::/0,127.0.0.1' })).status).toBe(200);
    expect((await call('POST', '/projects/hooks/webhook/policies', policy)).status).toBe(201);
  });

  afterAll(async () => {
    await jobservice?.stop().catch(() => jobservice?.kill());
    await receiver?.close();
    await rows?.close();
    await core?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  afterEach(() => receiver.received.splice(0));

  it('an artifact deleted by tag is announced with every tag it had, an index with the child that went with it', async () => {
    const repo = await rows.repository('hooks/app');
    const image = await rows.artifact(repo);
    await rows.tag(repo, image.id, 'v1');
    await rows.tag(repo, image.id, 'latest');
    const child = await rows.artifact(repo);
    const index = await rows.index(repo, [{ artifact: child }]);

    expect((await call('DELETE', '/projects/hooks/repositories/app/artifacts/v1')).status).toBe(200);
    const [deleted] = await received(1);
    expect(deleted).toEqual({
      type: 'DELETE_ARTIFACT',
      occur_at: expect.any(Number),
      operator: 'admin',
      event_data: {
        resources: [
          { digest: image.digest, tag: 'latest', resource_url: 'reg.example.com/hooks/app:latest' },
          { digest: image.digest, tag: 'v1', resource_url: 'reg.example.com/hooks/app:v1' },
        ],
        repository: { date_created: expect.any(Number), name: 'app', namespace: 'hooks', repo_full_name: 'hooks/app', repo_type: 'private' },
      },
    });

    expect((await call('DELETE', `/projects/hooks/repositories/app/artifacts/${index.digest}`)).status).toBe(200);
    const all = await received(3);
    expect(all.every((p) => p.type === 'DELETE_ARTIFACT')).toBe(true);
    expect(byFirstDigest(all.slice(1).map((p) => p.event_data.resources))).toEqual(
      byFirstDigest([
        [{ digest: index.digest, tag: index.digest, resource_url: `reg.example.com/hooks/app@${index.digest}` }],
        [{ digest: child.digest, tag: child.digest, resource_url: `reg.example.com/hooks/app@${child.digest}` }],
      ]),
    );
  });

  it('a deleted repository is announced artifact by artifact; a removed tag, which leaves its artifact, is not an artifact event', async () => {
    const repo = await rows.repository('hooks/many');
    const artifacts = [await rows.artifact(repo), await rows.artifact(repo), await rows.artifact(repo)];
    await rows.tag(repo, artifacts[0]!.id, 'stable');
    await rows.tag(repo, artifacts[1]!.id, 'old');

    expect((await call('DELETE', `/projects/hooks/repositories/many/artifacts/${artifacts[1]!.digest}/tags/old`)).status).toBe(200);
    expect((await call('DELETE', '/projects/hooks/repositories/many')).status).toBe(200);
    const events = await received(3);
    expect(events.map((p) => p.event_data.resources.map((r) => [r.digest, r.tag])).sort()).toEqual(
      [[[artifacts[0]!.digest, 'stable']], [[artifacts[1]!.digest, artifacts[1]!.digest]], [[artifacts[2]!.digest, artifacts[2]!.digest]]].sort(),
    );
    // The repository went with its last artifact: no creation time to report.
    expect(events.every((p) => p.type === 'DELETE_ARTIFACT' && p.operator === 'admin' && p.event_data.repository['date_created'] === undefined)).toBe(true);
    await sleep(500);
    expect(payloads()).toHaveLength(3);
  });

  it('a failed delivery shows the target’s status through the API, never what it answered', async () => {
    receiver.answerWith((req) => (req.path === '/talkative' ? { status: 500, body: 'SECRET-BODY of an internal service', reason: 'SECRET-REASON' } : 200));
    const created = await call('POST', '/projects/hooks/webhook/policies', {
      name: 'talkative',
      event_types: ['DELETE_ARTIFACT'],
      targets: [{ type: 'http', address: `${receiver.url}/talkative`, skip_cert_verify: false }],
    });
    expect(created.status).toBe(201);
    const base = `/projects/hooks/webhook/policies/${locationId(created)}`;
    try {
      const repo = await rows.repository('hooks/talk');
      const artifact = await rows.artifact(repo);
      expect((await call('DELETE', `/projects/hooks/repositories/talk/artifacts/${artifact.digest}`)).status).toBe(200);
      await receiver.waitFor('/talkative', 1);
      let executions: { id: number; status: string; status_message: string }[] = [];
      for (let i = 0; i < 100 && executions[0]?.status !== 'Error'; i++) {
        await sleep(100);
        executions = (await call('GET', `${base}/executions`)).body as typeof executions;
      }
      expect(executions).toEqual([expect.objectContaining({ status: 'Error', status_message: expect.stringMatching(/answered 500 Internal Server Error after \d+ ms$/) })]);
      const tasks = await call('GET', `${base}/executions/${executions[0]!.id}/tasks`);
      const [task] = tasks.body as { id: number }[];
      const log = await fetch(`${core.url}/api/v2.0${base}/executions/${executions[0]!.id}/tasks/${task!.id}/log`, { headers: { Authorization: core.adminAuth } });
      const logText = await log.text();
      expect(logText).toMatch(/answered 500 Internal Server Error/);
      expect(JSON.stringify([executions, tasks.body]) + logText).not.toMatch(/SECRET/);
    } finally {
      receiver.answerWith(() => 200);
      await call('DELETE', base);
    }
  });

  it('with notification_enable off nothing is delivered; switched on again, deletes are delivered', async () => {
    const repo = await rows.repository('hooks/quiet');
    const silent = await rows.artifact(repo);
    const heard = await rows.artifact(repo);

    expect((await call('PUT', '/configurations', { notification_enable: false })).status).toBe(200);
    await sleep(SWITCH_SETTLES_MS);
    expect((await call('DELETE', `/projects/hooks/repositories/quiet/artifacts/${silent.digest}`)).status).toBe(200);
    await sleep(1500);
    expect(payloads()).toEqual([]);
    const [{ n }] = await rows.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM execution WHERE vendor_type = 'WEBHOOK' AND parameters->>'event_type' = 'DELETE_ARTIFACT' AND extra_attrs->>'payload' LIKE $1",
      [`%${silent.digest}%`],
    );
    expect(n).toBe(0);

    expect((await call('PUT', '/configurations', { notification_enable: true })).status).toBe(200);
    await sleep(SWITCH_SETTLES_MS);
    expect((await call('DELETE', `/projects/hooks/repositories/quiet/artifacts/${heard.digest}`)).status).toBe(200);
    const [only] = await received(1);
    expect(only!.event_data.resources[0]!.digest).toBe(heard.digest);
    await sleep(500);
    expect(payloads()).toHaveLength(1);
  });
});
