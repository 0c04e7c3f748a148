import { randomBytes } from 'node:crypto';

// The API's deletes must reach a running registry's caches: this test runs the real registry next
// to core on one database.
import { api, createTestProject, makeImage, pushImage, putManifest, repeatUntil, TestImage } from '@wharf/testing';
import { RegistryCache } from '../../registry/src/cache/registry-cache';
import { RegistryHarness, startTestRegistry } from '../../registry/src/testing';
import { CoreHarness, startTestCore } from '../../core/src/testing';

// Repository versions live in the machine's shared Redis: a project name of its own keeps other
// test files' bumps from touching the entries this file inspects.
const P = `coherence-${randomBytes(4).toString('hex')}`;

describe('registry caches after API changes (real registry, PostgreSQL and Redis)', () => {
  let core: CoreHarness;
  let registry: RegistryHarness;
  let cache: RegistryCache;

  const call = (method: string, path: string, body?: unknown) => api(core.url, method, `/api/v2.0${path}`, { auth: core.adminAuth, body });
  const manifest = (repo: string, ref: string) => fetch(`${registry.url}/v2/${repo}/manifests/${ref}`, { headers: { Accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json' } });

  /** Pulls until the registry answers `ref` from its cache (the first lookup only marks it as found). */
  async function warm(repo: string, ref: string, digest: string): Promise<void> {
    const cached = await repeatUntil(async () => {
      const res = await manifest(repo, ref);
      expect(res.status).toBe(200);
      expect(res.headers.get('docker-content-digest')).toBe(digest);
      const version = await cache.version(repo);
      expect(version).toBeDefined();
      return cache.manifests.get(repo, ref, version as string)?.digest;
    }, (d) => d === digest);
    expect(cached).toBe(digest);
  }

  async function push(repo: string, tag: string): Promise<TestImage> {
    const image = makeImage();
    const res = await pushImage(registry.url, repo, image, tag);
    expect(res.status).toBe(201);
    return image;
  }

  beforeAll(async () => {
    core = await startTestCore();
    // The registry shares core's database (core drops it at the end) and the machine's Redis.
    registry = await startTestRegistry({}, { db: core.db });
    cache = registry.app.get(RegistryCache);
    await createTestProject(core.url, core.adminAuth, P);
  });

  afterAll(async () => {
    await registry?.close();
    await core?.close();
  });

  it('a tag deleted through the API is gone from the registry at once', async () => {
    const image = await push(`${P}/app`, 'latest');
    await warm(`${P}/app`, 'latest', image.digest);
    expect((await call('DELETE', `/projects/${P}/repositories/app/artifacts/${image.digest}/tags/latest`)).status).toBe(200);
    expect((await manifest(`${P}/app`, 'latest')).status).toBe(404);
    // The artifact itself stays.
    expect((await manifest(`${P}/app`, image.digest)).status).toBe(200);
  });

  it('a tag created through the API is served by the registry', async () => {
    const image = await push(`${P}/app`, 'first');
    expect((await call('POST', `/projects/${P}/repositories/app/artifacts/first/tags`, { name: 'second' })).status).toBe(201);
    const res = await manifest(`${P}/app`, 'second');
    expect(res.status).toBe(200);
    expect(res.headers.get('docker-content-digest')).toBe(image.digest);
  });

  it('an artifact deleted through the API is gone by digest and by tag', async () => {
    const image = await push(`${P}/app`, 'doomed');
    await warm(`${P}/app`, 'doomed', image.digest);
    await warm(`${P}/app`, image.digest, image.digest);
    expect((await call('DELETE', `/projects/${P}/repositories/app/artifacts/doomed`)).status).toBe(200);
    expect((await manifest(`${P}/app`, 'doomed')).status).toBe(404);
    expect((await manifest(`${P}/app`, image.digest)).status).toBe(404);
  });

  it('an index pushed to the registry is listed with its children and deleted with them', async () => {
    const amd64 = await push(`${P}/multi`, 'amd64-only');
    const arm64 = makeImage();
    expect((await pushImage(registry.url, `${P}/multi`, arm64, arm64.digest)).status).toBe(201);
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          { mediaType: amd64.mediaType, digest: amd64.digest, size: amd64.manifest.length, platform: { os: 'linux', architecture: 'amd64' } },
          { mediaType: arm64.mediaType, digest: arm64.digest, size: arm64.manifest.length, platform: { os: 'linux', architecture: 'arm64' } },
        ],
      }),
    );
    expect((await putManifest(registry.url, `${P}/multi`, 'v1', index, 'application/vnd.oci.image.index.v1+json')).status).toBe(201);

    const listed = await call('GET', `/projects/${P}/repositories/multi/artifacts?sort=push_time`);
    const artifacts = listed.body as { digest: string; type: string; references: { child_digest: string; platform: { architecture: string } }[]; tags: { name: string }[] }[];
    // The tagged child is listed on its own; the untagged one only under the index.
    expect(artifacts.map((x) => x.tags.map((t) => t.name))).toEqual([['amd64-only'], ['v1']]);
    const listedIndex = artifacts[1];
    expect(listedIndex.type).toBe('IMAGE');
    expect(listedIndex.references.map((r) => [r.child_digest, r.platform.architecture]).sort()).toEqual(
      [
        [amd64.digest, 'amd64'],
        [arm64.digest, 'arm64'],
      ].sort(),
    );

    // A child cannot go while the index needs it.
    expect((await call('DELETE', `/projects/${P}/repositories/multi/artifacts/${arm64.digest}`)).status).toBe(412);
    await warm(`${P}/multi`, arm64.digest, arm64.digest);
    expect((await call('DELETE', `/projects/${P}/repositories/multi/artifacts/v1`)).status).toBe(200);
    expect((await manifest(`${P}/multi`, 'v1')).status).toBe(404);
    // The untagged child went with it; the tagged one stays.
    expect((await manifest(`${P}/multi`, arm64.digest)).status).toBe(404);
    expect((await manifest(`${P}/multi`, 'amd64-only')).status).toBe(200);
  });

  it('a repository deleted through the API is gone from the registry, and can be pushed again', async () => {
    const image = await push(`${P}/gone`, 'latest');
    await warm(`${P}/gone`, 'latest', image.digest);
    expect((await call('DELETE', `/projects/${P}/repositories/gone`)).status).toBe(200);
    expect((await manifest(`${P}/gone`, 'latest')).status).toBe(404);
    const tags = await fetch(`${registry.url}/v2/${P}/gone/tags/list`);
    expect(tags.status).toBe(404);
    // The registry recreates the repository on the next push (its cached id is stale).
    await push(`${P}/gone`, 'again');
    expect((await manifest(`${P}/gone`, 'again')).status).toBe(200);
  });
});
