import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { dropQueueKeys, JobServiceProcess, RegistryProcess } from '@wharf/testing';
import { buildManifestImage, type ImageToPush, PushClient, randomLayer } from './push-client';

/**
 * Webhooks through the real processes: a client pushes to and pulls from the built registry, the
 * registry publishes the events on Redis, the built jobservice reads them and POSTs Harbor's
 * payload to a receiver on loopback. A jobservice that is down when the push happens delivers it
 * when it comes back.
 */

const REDIS_URL = 'redis://127.0.0.1:6379';
const EXTERNAL_URL = 'https://reg.example.com:8443';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Received {
  headers: IncomingHttpHeaders;
  payload: {
    type: string;
    occur_at: number;
    operator: string;
    event_data: { resources: { digest?: string; tag: string; resource_url?: string }[]; repository: Record<string, unknown> };
  };
}

describe('webhooks end to end: registry events, jobservice deliveries', () => {
  const prefix = `wharf-e2e-hooks-${randomBytes(4).toString('hex')}`;
  const received: Received[] = [];
  let receiver: Server;
  let hookUrl: string;
  let registry: RegistryProcess;
  let jobservice: JobServiceProcess | undefined;
  let policyId: number;

  const startJobService = () =>
    JobServiceProcess.start({
      databaseUrl: registry.db.url,
      dataDir: registry.dataDir,
      redisUrl: REDIS_URL,
      queuePrefix: prefix,
      env: { EXTERNAL_URL, WEBHOOK_JOB_MAX_RETRY: '1', WEBHOOK_JOB_RETRY_DELAY_MS: '100', EVENTS_CLAIM_IDLE_SECONDS: '2' },
    });

  async function sql<T>(text: string, values: unknown[] = []): Promise<T[]> {
    const db = new Client({ connectionString: registry.db.url });
    await db.connect();
    try {
      return (await db.query(text, values)).rows as T[];
    } finally {
      await db.end();
    }
  }

  async function waitFor(count: number, timeoutMs = 30_000): Promise<Received[]> {
    const deadline = Date.now() + timeoutMs;
    while (received.length < count) {
      if (Date.now() > deadline) throw new Error(`${received.length} of ${count} webhooks arrived\n${jobservice?.logs().slice(-3000) ?? ''}`);
      await sleep(50);
    }
    return received;
  }

  async function push(tag: string): Promise<ImageToPush> {
    const image = buildManifestImage([randomLayer(2_000, 4_000)], tag);
    const client = new PushClient(registry.url);
    const result = await client.pushImage('hooks/app', tag, image);
    expect(client.anomalies).toEqual([]);
    expect(result.ok).toBe(true);
    return image;
  }

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, payload: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/harbor`;

    registry = await RegistryProcess.start({ env: { JOB_QUEUE_PREFIX: prefix } });
    // The receiver is on loopback, which deliveries reach only where webhook_allowed_networks opens
    // it: the row core's PUT /configurations writes (no core runs here).
    await sql(`INSERT INTO setting (key, value) VALUES ('webhook_allowed_networks', '"0.0.0.0/0,::/0,127.0.0.1"')`);
    const [project] = await sql<{ id: number }>("INSERT INTO project (name) VALUES ('hooks') RETURNING id");
    const [policy] = await sql<{ id: number }>(
      `INSERT INTO webhook_policy (project_id, name, event_types, targets) VALUES ($1, 'ci', $2, $3) RETURNING id`,
      [project.id, ['PUSH_ARTIFACT', 'PULL_ARTIFACT'], JSON.stringify([{ type: 'http', address: hookUrl, auth_header: 'Bearer e2e-secret', skip_cert_verify: false, payload_format: 'Default' }])],
    );
    policyId = policy.id;
    jobservice = await startJobService();
  });

  afterAll(async () => {
    await jobservice?.stop().catch(() => jobservice?.killNow());
    await registry?.dispose();
    await new Promise((resolve) => receiver?.close(resolve));
    await dropQueueKeys(REDIS_URL, prefix);
  });

  it('posts Harbor’s payload for a push and a pull by digest, with the auth header', async () => {
    const image = await push('v1');
    const [pushed] = await waitFor(1);
    expect(pushed.headers['authorization']).toBe('Bearer e2e-secret');
    expect(pushed.payload).toMatchObject({
      type: 'PUSH_ARTIFACT',
      operator: 'anonymous',
      event_data: {
        resources: [{ digest: image.digest, tag: 'v1', resource_url: 'reg.example.com:8443/hooks/app:v1' }],
        repository: { name: 'app', namespace: 'hooks', repo_full_name: 'hooks/app', repo_type: 'private', date_created: expect.any(Number) },
      },
    });
    expect(Math.abs(pushed.payload.occur_at - Date.now() / 1000)).toBeLessThan(120);

    const pull = await fetch(`${registry.url}/v2/hooks/app/manifests/${image.digest}`, { headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' } });
    expect(pull.status).toBe(200);
    await pull.arrayBuffer();
    const [, pulled] = await waitFor(2);
    expect(pulled.payload).toMatchObject({
      type: 'PULL_ARTIFACT',
      event_data: { resources: [{ digest: image.digest, tag: image.digest, resource_url: `reg.example.com:8443/hooks/app@${image.digest}` }] },
    });

    const deliveries = await sql<{ status: string; event_type: string }>(
      "SELECT status, parameters->>'event_type' AS event_type FROM execution WHERE vendor_type = 'WEBHOOK' AND vendor_id = $1 ORDER BY id",
      [policyId],
    );
    expect(deliveries).toEqual([
      { status: 'Success', event_type: 'PUSH_ARTIFACT' },
      { status: 'Success', event_type: 'PULL_ARTIFACT' },
    ]);
  });

  it('delivers a push made while the jobservice was down once it is back, and only once', async () => {
    await jobservice?.stop();
    jobservice = undefined;
    const before = received.length;
    const image = await push('while-down');
    await sleep(1500);
    expect(received.length).toBe(before);

    jobservice = await startJobService();
    await waitFor(before + 1);
    expect(received[before].payload.event_data.resources[0]).toMatchObject({ digest: image.digest, tag: 'while-down' });
    await sleep(3000);
    expect(received.length).toBe(before + 1);
  });
});
