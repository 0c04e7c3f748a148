import Redis from 'ioredis';
import { Client } from 'pg';
import { stopRegistry } from '../conformance/conformance-helpers';
import { makeImage, pushImage, putManifest, RegistryHarness, startTestRegistry, type TestImage } from '../testing';
import { PullRecorder, pullKeys } from './pull-recorder';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

/**
 * Harbor's pull statistics through the real /v2/ API: GETs of a manifest by tag or by digest count
 * and set pull times once the batch reaches PostgreSQL; HEAD requests do not. Several processes
 * add to one count, and a batch left half-moved is applied exactly once.
 */
describe('pull count and pull time', () => {
  let r: RegistryHarness;
  let second: RegistryHarness;
  let db: Client;
  let redis: Redis;
  let image: TestImage;

  const pull = (registry: RegistryHarness, repo: string, reference: string, method = 'GET') =>
    fetch(`${registry.url}/v2/${repo}/manifests/${reference}`, { method, headers: { Accept: `${OCI_MANIFEST}, ${OCI_INDEX}` } }).then(async (res) => {
      await res.arrayBuffer();
      return res.status;
    });
  /** What every process holds goes to Redis, then one of them moves it to the database. */
  const settle = async (...registries: RegistryHarness[]) => {
    for (const registry of registries) await registry.app.get(PullRecorder).handToRedis();
    return r.app.get(PullRecorder).flush();
  };
  const stats = async (repo: string, tag: string) => {
    const { rows } = await db.query<{ pull_count: string; artifact_pull: Date | null; tag_pull: Date | null }>(
      `SELECT r.pull_count, a.pull_time AS artifact_pull, t.pull_time AS tag_pull
         FROM repository r JOIN tag t ON t.repository_id = r.id AND t.name = $2 JOIN artifact a ON a.id = t.artifact_id
        WHERE r.name = $1`,
      [repo, tag],
    );
    return { count: Number(rows[0].pull_count), artifact: rows[0].artifact_pull, tag: rows[0].tag_pull };
  };

  beforeAll(async () => {
    r = await startTestRegistry();
    // A second replica: the same storage, database and Redis keys.
    second = await startTestRegistry({ events: r.config.events, dataDir: r.config.dataDir }, { db: r.db });
    db = new Client({ connectionString: r.db.url });
    await db.connect();
    redis = new Redis(r.config.events.redisUrl);
    image = makeImage();
    expect((await pushImage(r.url, 'stats/app', image, 'v1')).status).toBe(201);
    expect((await putManifest(r.url, 'stats/app', 'v2', image.manifest, OCI_MANIFEST)).status).toBe(201);
  });

  afterAll(async () => {
    const keys = pullKeys(r.config.events.prefix);
    await redis.del(...keys.live, ...keys.batch, keys.batchId, keys.lock);
    redis.disconnect();
    await db.end();
    await stopRegistry(second);
    await stopRegistry(r);
  });

  it('counts GETs by tag and by digest, not HEADs, and sets the times once the batch is moved', async () => {
    const before = Date.now();
    expect(await pull(r, 'stats/app', 'v1', 'HEAD')).toBe(200);
    expect(await pull(r, 'stats/app', image.digest, 'HEAD')).toBe(200);
    expect(await settle(r)).toBe(false);
    expect(await stats('stats/app', 'v1')).toEqual({ count: 0, artifact: null, tag: null });

    expect(await pull(r, 'stats/app', 'v1')).toBe(200);
    expect(await pull(r, 'stats/app', 'v1')).toBe(200);
    expect(await pull(r, 'stats/app', image.digest)).toBe(200);
    expect(await pull(r, 'stats/app', 'missing')).toBe(404);
    // Nothing reaches the database on the pull itself.
    expect((await stats('stats/app', 'v1')).count).toBe(0);
    expect(await settle(r)).toBe(true);
    const after = await stats('stats/app', 'v1');
    expect(after.count).toBe(3);
    expect(after.artifact?.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(after.tag?.getTime()).toBeGreaterThanOrEqual(before - 1000);
    // The other tag of the artifact was not pulled by its name.
    expect((await stats('stats/app', 'v2')).tag).toBeNull();
    // Nothing is left to move; the repository's update time follows its pulls, as in Harbor.
    expect(await settle(r)).toBe(false);
    const { rows } = await db.query<{ updated_at: Date }>("SELECT updated_at FROM repository WHERE name = 'stats/app'");
    expect(rows[0].updated_at.getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it('adds the pulls of several processes into one count', async () => {
    const start = (await stats('stats/app', 'v2')).count;
    for (let i = 0; i < 3; i++) expect(await pull(r, 'stats/app', 'v2')).toBe(200);
    for (let i = 0; i < 4; i++) expect(await pull(second, 'stats/app', 'v2')).toBe(200);
    expect(await settle(r, second)).toBe(true);
    expect((await stats('stats/app', 'v2')).count).toBe(start + 3 + 4);
    expect((await stats('stats/app', 'v2')).tag).not.toBeNull();
  });

  it('marks an index pulled when one of its children is', async () => {
    const child = makeImage();
    expect((await pushImage(r.url, 'stats/multi', child, child.digest)).status).toBe(201);
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ mediaType: OCI_MANIFEST, digest: child.digest, size: child.manifest.length }] }));
    expect((await putManifest(r.url, 'stats/multi', 'latest', index, OCI_INDEX)).status).toBe(201);
    expect(await pull(r, 'stats/multi', child.digest)).toBe(200);
    expect(await settle(r)).toBe(true);
    const { rows } = await db.query<{ media_type: string; pull_time: Date | null }>(
      "SELECT a.media_type, a.pull_time FROM artifact a JOIN repository r ON r.id = a.repository_id WHERE r.name = 'stats/multi'",
    );
    expect(rows.map((x) => [x.media_type, x.pull_time !== null]).sort()).toEqual([[OCI_INDEX, true], [OCI_MANIFEST, true]]);
  });

  it('a batch a stopped flusher left behind is moved by the next one, and never twice', async () => {
    const keys = pullKeys(r.config.events.prefix);
    const repositoryId = (await db.query<{ id: string }>("SELECT id FROM repository WHERE name = 'stats/app'")).rows[0].id;
    const count = async () => (await stats('stats/app', 'v1')).count;
    const start = await count();

    // Stopped after taking the batch, before its commit: the batch is applied by the next flush.
    await redis.hset(keys.batch[0], repositoryId, 5);
    await redis.set(keys.batchId, 'left-before-commit');
    expect(await settle(r)).toBe(true);
    expect(await count()).toBe(start + 5);

    // Stopped after its commit, before clearing Redis: the next flush only clears it.
    await redis.hset(keys.batch[0], repositoryId, 5);
    await redis.set(keys.batchId, 'left-before-commit');
    expect(await r.app.get(PullRecorder).flush()).toBe(false);
    expect(await count()).toBe(start + 5);
    expect(await redis.exists(keys.batchId, ...keys.batch)).toBe(0);

    // While one process holds the lock, another does not move anything.
    await redis.hset(keys.live[0], repositoryId, 2);
    await redis.set(keys.lock, 'someone-else', 'PX', 5000);
    expect(await second.app.get(PullRecorder).flush()).toBe(false);
    expect(await count()).toBe(start + 5);
    await redis.del(keys.lock);
    expect(await second.app.get(PullRecorder).flush()).toBe(true);
    expect(await count()).toBe(start + 7);
  });
});
