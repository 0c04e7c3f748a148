import { randomUUID } from 'node:crypto';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProjectRole, signToken } from '@wharf/auth';
import { createTestDatabase, TestDatabase } from '@wharf/db/testing';
import { type ArtifactEvent, EventType, eventsStream } from '@wharf/jobs/events';
import { type PrivateRedis, startPrivateRedis } from '@wharf/outage/testing';
import Redis from 'ioredis';
import { RegistryEvents } from '../events/registry-events';
import { IdentityFixtures, makeImage, pushImage, RegistryHarness, repeatUntil, sha256, startTestRegistry } from '../testing';

/**
 * The registry with its Redis frozen (SIGSTOP: connections stay open, nothing is answered), as a
 * hung Redis host would be: pulls and pushes still answer, correctly, from PostgreSQL. The limit
 * on each request only tells a hang from an answer; without command timeouts they hang for as
 * long as Redis is frozen.
 */
const HANG_MS = 15_000;

describe('registry with a frozen redis', () => {
  let redis: PrivateRedis;
  let db: TestDatabase;
  let registry: RegistryHarness;
  let keyDir: string;
  let bearer: Record<string, string>;
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const PASSWORD = 'Passw0rdOfTest';
  const alice = `alice-${randomUUID().slice(0, 8)}`;
  const repo = 'team/frozen';

  const call = (path: string, init: RequestInit = {}, headers = bearer) =>
    fetch(`${registry.url}${path}`, { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) }, signal: AbortSignal.timeout(HANG_MS) });

  beforeAll(async () => {
    redis = await startPrivateRedis();
    db = await createTestDatabase('wharf_reg_frozen_redis');
    keyDir = await mkdtemp(join(tmpdir(), 'wharf-key-'));
    const keyPath = join(keyDir, 'private_key.pem');
    await writeFile(keyPath, signingKey.export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600 });
    registry = await startTestRegistry(
      {
        redisUrl: redis.url,
        events: { enabled: true, redisUrl: redis.url, prefix: `wharf-test-${randomUUID()}` },
        auth: { mode: 'token', realm: 'http://token.example.test/service/token', issuer: 'test-issuer', service: 'test-registry', privateKeyPath: keyPath, robotPrefix: 'robot$' },
      },
      { db },
    );
    const fixtures = IdentityFixtures.open(db.url);
    const team = await fixtures.project('team');
    await fixtures.member(team, await fixtures.user(alice, PASSWORD), ProjectRole.Developer);
    await fixtures.close();
    const { token } = await signToken(signingKey, {
      issuer: 'test-issuer',
      audience: 'test-registry',
      subject: alice,
      access: [{ type: 'repository', name: repo, actions: ['pull', 'push'] }],
      expiresIn: 600,
    });
    bearer = { Authorization: `Bearer ${token}` };
  }, 60_000);

  afterAll(async () => {
    redis?.thaw();
    await registry?.close();
    await db?.drop();
    await redis?.stop();
    if (keyDir) await rm(keyDir, { recursive: true, force: true });
  }, 60_000);

  it('serves pulls and pushes from PostgreSQL while redis is frozen, and publishes the events once it answers', async () => {
    const before = makeImage();
    expect((await pushImage(registry.url, repo, before, 'v1', bearer)).status).toBe(201);
    // Pulled twice: the tag and the layer are in the process's caches, whose lookups read the
    // repository's version in Redis.
    for (let i = 0; i < 2; i++) {
      expect((await call(`/v2/${repo}/manifests/v1`)).status).toBe(200);
      expect((await call(`/v2/${repo}/blobs/${sha256(before.layers[0])}`, { method: 'HEAD' })).status).toBe(200);
    }

    redis.freeze();
    const during = makeImage();
    try {
      const manifest = await call(`/v2/${repo}/manifests/v1`, { headers: { Accept: before.mediaType } });
      expect(manifest.status).toBe(200);
      expect(Buffer.from(await manifest.arrayBuffer()).equals(before.manifest)).toBe(true);
      const layer = await call(`/v2/${repo}/blobs/${sha256(before.layers[0])}`);
      expect(layer.status).toBe(200);
      expect(Buffer.from(await layer.arrayBuffer()).equals(before.layers[0])).toBe(true);

      // A push: blobs and a manifest that moves a tag, each bumping the repository's version.
      for (const blob of [during.config, ...during.layers]) {
        const res = await call(`/v2/${repo}/blobs/uploads/?digest=${sha256(blob)}`, { method: 'POST', body: new Uint8Array(blob), headers: { 'Content-Type': 'application/octet-stream' } });
        expect(res.status).toBe(201);
      }
      const put = await call(`/v2/${repo}/manifests/v1`, { method: 'PUT', body: new Uint8Array(during.manifest), headers: { 'Content-Type': during.mediaType } });
      expect(put.status).toBe(201);
      // Read after write on the tag that moved.
      const moved = await call(`/v2/${repo}/manifests/v1`, { method: 'HEAD' });
      expect(moved.headers.get('docker-content-digest')).toBe(during.digest);
      expect(await (await call(`/v2/${repo}/tags/list`)).json()).toEqual({ name: repo, tags: ['v1'] });

      // Basic credentials go through the login throttle, whose counters are in Redis.
      const basic = { Authorization: `Basic ${Buffer.from(`${alice}:${PASSWORD}`).toString('base64')}` };
      expect((await call(`/v2/${repo}/manifests/${during.digest}`, { method: 'HEAD' }, basic)).status).toBe(200);
    } finally {
      redis.thaw();
    }

    // The push of the freeze reaches the event stream once Redis answers again, once.
    const reader = new Redis(redis.url);
    try {
      const pushes = await repeatUntil(
        async () => {
          await new Promise((r) => setTimeout(r, 500));
          await registry.app.get(RegistryEvents).flush();
          const entries = await reader.xrange(eventsStream(registry.config.events.prefix), '-', '+');
          return entries.map(([, fields]) => JSON.parse(fields[1] as string) as ArtifactEvent).filter((e) => e.type === EventType.PushArtifact && e.digest === during.digest);
        },
        (found) => found.length > 0,
        30,
      );
      expect(pushes).toHaveLength(1);
    } finally {
      reader.disconnect();
    }
    // And pushes and pulls go on as before.
    const after = makeImage();
    expect((await pushImage(registry.url, repo, after, 'v1', bearer)).status).toBe(201);
    expect((await call(`/v2/${repo}/manifests/v1`, { method: 'HEAD' })).headers.get('docker-content-digest')).toBe(after.digest);
  }, 120_000);
});
