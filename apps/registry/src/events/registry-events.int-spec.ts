import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signToken } from '@wharf/auth';
import { type ArtifactEvent, EventType, eventsStream } from '@wharf/jobs';
import Redis from 'ioredis';
import { Client } from 'pg';
import { makeImage, pushBlob, pushImage, putManifest, RegistryHarness, sha256, startTestRegistry } from '../testing';
import { stopRegistry } from '../conformance/conformance-helpers';
import { RegistryEvents } from './registry-events';

describe('artifact events on the event stream', () => {
  let r: RegistryHarness;
  let redis: Redis;

  beforeAll(async () => {
    r = await startTestRegistry();
    redis = new Redis('redis://127.0.0.1:6379');
  });

  afterAll(async () => {
    redis.disconnect();
    await stopRegistry(r);
  });

  async function events(): Promise<ArtifactEvent[]> {
    await r.app.get(RegistryEvents).flush();
    const entries = await redis.xrange(eventsStream(r.config.events.prefix), '-', '+');
    return entries.map(([, fields]) => JSON.parse(fields[1] as string) as ArtifactEvent);
  }

  it('announces pushes, pulls (GET, not HEAD) and deletes by digest, with who and what', async () => {
    const image = makeImage();
    await pushImage(r.url, 'lib/events', image, 'v1');
    await fetch(`${r.url}/v2/lib/events/manifests/v1`, { method: 'HEAD' });
    await (await fetch(`${r.url}/v2/lib/events/manifests/v1`)).arrayBuffer();
    await (await fetch(`${r.url}/v2/lib/events/manifests/${image.digest}`)).arrayBuffer();
    await fetch(`${r.url}/v2/lib/events/manifests/v1`, { method: 'DELETE' });
    await fetch(`${r.url}/v2/lib/events/manifests/${image.digest}`, { method: 'DELETE' });

    const seen = await events();
    expect(seen.map((e) => [e.type, e.tag ?? null])).toEqual([
      [EventType.PushArtifact, 'v1'],
      [EventType.PullArtifact, 'v1'],
      [EventType.PullArtifact, null],
      [EventType.DeleteArtifact, null],
    ]);
    expect(seen[0]).toMatchObject({ repository: 'lib/events', digest: image.digest, mediaType: image.mediaType, size: image.manifest.length, operator: expect.any(String) });
    expect(seen[3]!.digest).toBe(image.digest);
    expect(seen.every((e) => Math.abs(Date.now() - e.occurAt) < 60_000)).toBe(true);
  });

  it('announces a push refused by the project quota', async () => {
    const db = new Client({ connectionString: r.db.url });
    await db.connect();
    await db.query("INSERT INTO project (name, storage_limit) VALUES ('tight', 100)");
    await db.end();
    const before = (await events()).length;
    await expect(pushImage(r.url, 'tight/app', makeImage({ layers: [Buffer.alloc(500, 1)] }), 'v1')).rejects.toThrow(/403/);
    const added = (await events()).slice(before);
    expect(added.map((e) => e.type)).toContain(EventType.QuotaExceed);
    expect(added.find((e) => e.type === EventType.QuotaExceed)).toMatchObject({ repository: 'tight/app', message: expect.stringContaining('quota exceeded') });
  });

  it('publishes nothing when switched off', async () => {
    const quiet = await startTestRegistry({ events: { enabled: false, redisUrl: 'redis://127.0.0.1:6379', prefix: `wharf-test-quiet-${Date.now()}` } });
    try {
      await pushImage(quiet.url, 'lib/quiet', makeImage(), 'v1');
      await quiet.app.get(RegistryEvents).flush();
      expect(await redis.exists(eventsStream(quiet.config.events.prefix))).toBe(0);
    } finally {
      await stopRegistry(quiet);
    }
  });
});

describe('quota refusals on the event stream, token mode', () => {
  const ISSUER = 'events-issuer';
  const SERVICE = 'events-registry';
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let r: RegistryHarness;
  let redis: Redis;
  let keyDir: string;

  const alice = async () => ({
    Authorization: `Bearer ${(await signToken(privateKey, { issuer: ISSUER, audience: SERVICE, subject: 'alice', access: [{ type: 'repository', name: 'tight/app', actions: ['pull', 'push'] }], expiresIn: 300 })).token}`,
  });
  const refusals = async () => {
    await r.app.get(RegistryEvents).flush();
    const entries = await redis.xrange(eventsStream(r.config.events.prefix), '-', '+');
    return entries.map(([, fields]) => JSON.parse(fields[1] as string) as ArtifactEvent).filter((e) => e.type === EventType.QuotaExceed);
  };

  beforeAll(async () => {
    keyDir = await mkdtemp(join(tmpdir(), 'wharf-events-key-'));
    const keyPath = join(keyDir, 'private_key.pem');
    await writeFile(keyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600 });
    r = await startTestRegistry({ auth: { mode: 'token', realm: 'http://token.example.test/service/token', issuer: ISSUER, service: SERVICE, privateKeyPath: keyPath, robotPrefix: 'robot$' } });
    redis = new Redis('redis://127.0.0.1:6379');
    const db = new Client({ connectionString: r.db.url });
    await db.connect();
    await db.query("INSERT INTO project (name, storage_limit) VALUES ('tight', 1000)");
    await db.end();
  });

  afterAll(async () => {
    redis?.disconnect();
    await r?.close();
    if (keyDir) await rm(keyDir, { recursive: true, force: true });
  });

  it('name the pusher as operator, whichever check refused: a monolithic blob, a session\'s last PUT, a manifest', async () => {
    // A blob that alone passes the limit, sent in one POST.
    await expect(pushBlob(r.url, 'tight/app', Buffer.alloc(1500, 1), await alice())).rejects.toThrow(/403/);
    // The same through a session: POST, then PUT with the bytes.
    const big = Buffer.alloc(1200, 2);
    const started = await fetch(`${r.url}/v2/tight/app/blobs/uploads/`, { method: 'POST', headers: await alice() });
    expect(started.status).toBe(202);
    const location = new URL(started.headers.get('location') ?? '', r.url);
    location.searchParams.set('digest', sha256(big));
    const put = await fetch(location, { method: 'PUT', body: new Uint8Array(big), headers: { 'Content-Type': 'application/octet-stream', ...(await alice()) } });
    expect(put.status).toBe(403);
    // Blobs that fit (each is charged as its upload completes), a manifest whose own bytes take
    // the project past its limit.
    const image = makeImage({ layers: [Buffer.alloc(400, 3), Buffer.alloc(300, 4)] });
    const blobBytes = image.config.length + 700;
    expect([blobBytes <= 1000, blobBytes + image.manifest.length > 1000]).toEqual([true, true]);
    await pushBlob(r.url, 'tight/app', image.config, await alice());
    for (const layer of image.layers) await pushBlob(r.url, 'tight/app', layer, await alice());
    expect((await putManifest(r.url, 'tight/app', 'v1', image.manifest, image.mediaType, await alice())).status).toBe(403);

    const seen = await refusals();
    expect(seen.map((e) => [e.operator, e.digest ?? null])).toEqual([
      ['alice', sha256(Buffer.alloc(1500, 1))],
      ['alice', sha256(big)],
      ['alice', image.digest],
    ]);
    expect(seen.every((e) => e.repository === 'tight/app' && /quota exceeded/.test(e.message ?? ''))).toBe(true);
  });
});
