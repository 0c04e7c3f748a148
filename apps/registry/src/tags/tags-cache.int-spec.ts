import Redis from 'ioredis';
import { Client } from 'pg';
import { REPOSITORY_VERSION_KEY_PREFIX } from '@wharf/db';
import { makeImage, pushImage, putManifest, RegistryHarness, repeatUntil, startTestRegistry } from '../testing';
import { stopRegistry } from '../conformance/conformance-helpers';
import { RegistryCache } from '../cache/registry-cache';
import { MAX_PAGE } from '../http/pagination';

/**
 * Tags list pages are cached per process under the repository's shared version. Every change of a
 * repository's tags moves that version on, whichever service makes it, so a list read after a
 * change always shows it.
 */
describe('the tags list cache', () => {
  let r: RegistryHarness;
  let db: Client;
  let redis: Redis;
  let n = 0;

  beforeAll(async () => {
    r = await startTestRegistry();
    db = new Client({ connectionString: r.db.url });
    await db.connect();
    redis = new Redis('redis://127.0.0.1:6379');
  });

  afterAll(async () => {
    redis.disconnect();
    await db.end();
    await stopRegistry(r);
  });

  const tagsOf = async (repo: string, query = ''): Promise<string[]> => {
    const res = await fetch(`${r.url}/v2/${repo}/tags/list${query}`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { tags: string[] }).tags;
  };

  /** Reads the page until this process caches it (the first read only marks it as found). */
  async function readUntilCached(repo: string, query: string, limit: number, expected: string[]): Promise<void> {
    const cache = r.app.get(RegistryCache);
    const cached = await repeatUntil(async () => {
      expect(await tagsOf(repo, query)).toEqual(expected);
      return cache.tagPages.get(repo, `${limit}:`, (await cache.version(repo)) ?? '')?.tags;
    }, (tags) => tags !== undefined);
    expect(cached).toEqual(expected);
  }

  async function repository(): Promise<{ repo: string; image: ReturnType<typeof makeImage> }> {
    const repo = `cache${++n}/app`;
    const image = makeImage();
    expect((await pushImage(r.url, repo, image, 'v1')).status).toBe(201);
    await readUntilCached(repo, '', MAX_PAGE, ['v1']);
    return { repo, image };
  }

  it('shows a tag pushed, moved or deleted through the registry at once', async () => {
    const { repo, image } = await repository();
    expect((await putManifest(r.url, repo, 'v2', image.manifest, image.mediaType)).status).toBe(201);
    expect(await tagsOf(repo)).toEqual(['v1', 'v2']);
    expect(await tagsOf(repo, '?n=1')).toEqual(['v1']);
    expect((await fetch(`${r.url}/v2/${repo}/manifests/v1`, { method: 'DELETE' })).status).toBe(202);
    expect(await tagsOf(repo)).toEqual(['v2']);
    expect(await tagsOf(repo, '?n=1')).toEqual(['v2']);
    expect((await fetch(`${r.url}/v2/${repo}/manifests/${image.digest}`, { method: 'DELETE' })).status).toBe(202);
    expect(await tagsOf(repo)).toEqual([]);
  });

  it('serves its page until the version moves, then what the database says (how core and the jobservice announce changes)', async () => {
    const { repo } = await repository();
    // A change made behind the registry's back, without announcing it, is not seen: the page
    // really comes from the cache.
    await db.query(
      `INSERT INTO tag (repository_id, artifact_id, name)
       SELECT a.repository_id, a.id, 'v9' FROM artifact a JOIN repository r ON r.id = a.repository_id WHERE r.name = $1`,
      [repo],
    );
    expect(await tagsOf(repo)).toEqual(['v1']);
    // Announced as core's API and the jobservice's retention do it: the next read sees it.
    await redis.incr(REPOSITORY_VERSION_KEY_PREFIX + repo);
    expect(await tagsOf(repo)).toEqual(['v1', 'v9']);
  });

  it('does not keep pages of more than a thousand tags', async () => {
    const { repo } = await repository();
    await db.query(
      `INSERT INTO tag (repository_id, artifact_id, name)
       SELECT a.repository_id, a.id, 't' || lpad(i::text, 4, '0')
         FROM artifact a JOIN repository r ON r.id = a.repository_id, generate_series(1, 1000) i WHERE r.name = $1`,
      [repo],
    );
    await redis.incr(REPOSITORY_VERSION_KEY_PREFIX + repo);
    expect(await tagsOf(repo)).toHaveLength(1001);
    await db.query(`DELETE FROM tag t USING repository r WHERE t.repository_id = r.id AND r.name = $1 AND t.name = 't0001'`, [repo]);
    // Not announced, yet seen: a page that large is read from the database every time.
    expect(await tagsOf(repo)).toHaveLength(1000);
    // A small page of the same repository is cached as usual.
    await readUntilCached(repo, '?n=2', 2, ['t0002', 't0003']);
    await db.query(`DELETE FROM tag t USING repository r WHERE t.repository_id = r.id AND r.name = $1 AND t.name = 't0002'`, [repo]);
    expect(await tagsOf(repo, '?n=2')).toEqual(['t0002', 't0003']);
  });
});
