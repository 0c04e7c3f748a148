import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createRegistryApp, closeRegistry } from '../server';
import { RegistryCache } from './registry-cache';
import { makeImage, pushBlob, pushImage, RegistryHarness, repeatUntil, startTestRegistry } from '../testing';

describe('cache coherence across registry processes (real Redis and PostgreSQL)', () => {
  let a: RegistryHarness;
  let b: NestFastifyApplication;
  let bUrl: string;

  beforeAll(async () => {
    a = await startTestRegistry();
    b = await createRegistryApp(a.config);
    await b.listen(0, '127.0.0.1');
    const address = b.getHttpServer().address();
    bUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await closeRegistry(b);
    await a.close();
  });

  const digestOn = async (url: string, ref: string) =>
    (await fetch(`${url}/v2/co/app/manifests/${ref}`, { method: 'HEAD' })).headers.get('docker-content-digest');

  it('a tag moved on one process is served moved by the other at once, though it had it cached', async () => {
    const first = makeImage();
    expect((await pushImage(a.url, 'co/app', first, 'latest')).status).toBe(201);
    // Warm B's cache until B really answers from it, so the next assertion tests invalidation.
    const cache = b.get(RegistryCache);
    const cached = await repeatUntil(async () => {
      expect(await digestOn(bUrl, 'latest')).toBe(first.digest);
      return cache.manifests.get('co/app', 'latest', (await cache.version('co/app')) ?? '')?.digest;
    }, (d) => d === first.digest);
    expect(cached).toBe(first.digest);
    const second = makeImage();
    expect((await pushImage(a.url, 'co/app', second, 'latest')).status).toBe(201);
    expect(await digestOn(bUrl, 'latest')).toBe(second.digest);
    // The writer itself never serves the old answer, not even for a moment.
    expect(await digestOn(a.url, 'latest')).toBe(second.digest);
  });

  it('a manifest deleted on one process is gone on the other', async () => {
    const image = makeImage();
    expect((await pushImage(a.url, 'co/app', image, 'gone')).status).toBe(201);
    expect(await digestOn(bUrl, image.digest)).toBe(image.digest);
    expect((await fetch(`${a.url}/v2/co/app/manifests/${image.digest}`, { method: 'DELETE' })).status).toBe(202);
    expect((await fetch(`${bUrl}/v2/co/app/manifests/${image.digest}`, { method: 'HEAD' })).status).toBe(404);
    expect((await fetch(`${bUrl}/v2/co/app/manifests/gone`, { method: 'HEAD' })).status).toBe(404);
  });

  it('a lookup of something the process has not seen asks the database alone (no version read)', async () => {
    const cache = b.get(RegistryCache);
    const versions = jest.spyOn(cache, 'version');
    try {
      const missing = `sha256:${'ab'.repeat(32)}`;
      expect((await fetch(`${bUrl}/v2/co/app/blobs/${missing}`, { method: 'HEAD' })).status).toBe(404);
      expect((await fetch(`${bUrl}/v2/co/app/manifests/never-pushed`, { method: 'HEAD' })).status).toBe(404);
      expect(versions).not.toHaveBeenCalled();
      // Something found is looked up through the version on a later lookup, and cached then.
      const digest = await pushBlob(a.url, 'co/app', Buffer.from('found later'));
      expect((await fetch(`${bUrl}/v2/co/app/blobs/${digest}`, { method: 'HEAD' })).status).toBe(200);
      expect(versions).not.toHaveBeenCalled();
      await repeatUntil(async () => {
        expect((await fetch(`${bUrl}/v2/co/app/blobs/${digest}`, { method: 'HEAD' })).status).toBe(200);
        return versions.mock.calls.length;
      }, (calls) => calls > 0);
      expect(versions).toHaveBeenCalled();
    } finally {
      versions.mockRestore();
    }
  });

  it('a blob deleted from a repository on one process is no longer served by the other', async () => {
    const digest = await pushBlob(a.url, 'co/app', Buffer.from('cached blob'));
    // The first lookup only marks the blob as found; a later one caches it.
    const cache = b.get(RegistryCache);
    const cached = await repeatUntil(async () => {
      expect((await fetch(`${bUrl}/v2/co/app/blobs/${digest}`, { method: 'HEAD' })).status).toBe(200);
      return cache.blobs.get('co/app', digest, (await cache.version('co/app')) ?? '')?.digest;
    }, (d) => d === digest);
    expect(cached).toBe(digest);
    expect((await fetch(`${a.url}/v2/co/app/blobs/${digest}`, { method: 'DELETE' })).status).toBe(202);
    expect((await fetch(`${bUrl}/v2/co/app/blobs/${digest}`, { method: 'HEAD' })).status).toBe(404);
  });
});
