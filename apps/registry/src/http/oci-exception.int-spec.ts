import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeImage, pushBlob, putManifest, RegistryHarness, sha256, startTestRegistry } from '../testing';
import { expectOciError, stopRegistry } from '../conformance/conformance-helpers';

describe('errors after a request body was read', () => {
  let r: RegistryHarness;

  beforeAll(async () => {
    r = await startTestRegistry();
  });
  afterAll(async () => {
    await stopRegistry(r);
  });

  it('are the registry\'s own (500 UNKNOWN), not blamed on a client that closed the connection', async () => {
    const repo = 'errors/app';
    const image = makeImage();
    await pushBlob(r.url, repo, image.config);
    await pushBlob(r.url, repo, image.layers[0]);
    // Storage that cannot take the manifest's bytes: a file where its fan-out directory belongs.
    const hex = image.digest.slice('sha256:'.length);
    const fanOut = join(r.config.dataDir, 'blobs', 'sha256', hex.slice(0, 2));
    await rm(fanOut, { recursive: true, force: true });
    await mkdir(join(r.config.dataDir, 'blobs', 'sha256'), { recursive: true });
    await writeFile(fanOut, 'not a directory');
    try {
      const res = await putManifest(r.url, repo, 'v1', image.manifest, image.mediaType);
      const body = await expectOciError(res, 500, 'UNKNOWN');
      expect(body.errors[0].message).toBe('internal error');
    } finally {
      await rm(fanOut, { force: true });
    }
    // Nothing was recorded, and with storage back the same push goes through.
    expect((await fetch(`${r.url}/v2/${repo}/manifests/v1`, { method: 'HEAD' })).status).toBe(404);
    expect((await putManifest(r.url, repo, 'v1', image.manifest, image.mediaType)).status).toBe(201);
    expect(sha256(image.manifest)).toBe(image.digest);
  });
});
