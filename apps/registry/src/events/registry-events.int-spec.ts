import { type ArtifactEvent, EventType, eventsStream } from '@wharf/jobs';
import Redis from 'ioredis';
import { Client } from 'pg';
import { makeImage, pushImage, RegistryHarness, startTestRegistry } from '../testing';
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
