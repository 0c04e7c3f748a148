import { makeImage, pushBlob, putManifest, RegistryHarness, sha256, startTestRegistry } from '../testing';
import { abs, bytesOf, expectOciError, randomBlob, sha512, stopRegistry, withDigest } from './conformance-helpers';

describe('conformance: cross-repository blob mount (end-11)', () => {
  let r: RegistryHarness;
  beforeAll(async () => {
    r = await startTestRegistry();
  });
  afterAll(async () => {
    await stopRegistry(r);
  });

  const mount = (target: string, digest: string, from?: string) =>
    fetch(`${r.url}/v2/${target}/blobs/uploads/?mount=${encodeURIComponent(digest)}${from === undefined ? '' : `&from=${encodeURIComponent(from)}`}`, { method: 'POST' });

  it('answers 201 with Location and Docker-Content-Digest when the source holds the blob', async () => {
    const data = randomBlob(2048);
    const digest = await pushBlob(r.url, 'mount/src', data);
    const res = await mount('mount/dst', digest, 'mount/src');
    expect(res.status).toBe(201);
    expect(res.headers.get('docker-content-digest')).toBe(digest);
    const location = abs(r.url, res.headers.get('location'));
    expect(new URL(location).pathname).toBe(`/v2/mount/dst/blobs/${digest}`);
    const viaLocation = await fetch(location);
    expect(viaLocation.status).toBe(200);
    expect((await bytesOf(viaLocation)).equals(data)).toBe(true);
    const head = await fetch(`${r.url}/v2/mount/dst/blobs/${digest}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(data.length));
  });

  it('the target was not able to read the blob before the mount', async () => {
    const data = randomBlob(100);
    const digest = await pushBlob(r.url, 'mount/src2', data);
    await expectOciError(await fetch(`${r.url}/v2/mount/dst2/blobs/${digest}`), 404, 'BLOB_UNKNOWN');
    expect((await mount('mount/dst2', digest, 'mount/src2')).status).toBe(201);
    expect((await fetch(`${r.url}/v2/mount/dst2/blobs/${digest}`)).status).toBe(200);
  });

  it('a mounted blob can be used by a manifest pushed to the target', async () => {
    const image = makeImage();
    await pushBlob(r.url, 'mount/img-src', image.config);
    await pushBlob(r.url, 'mount/img-src', image.layers[0]);
    expect((await mount('mount/img-dst', sha256(image.config), 'mount/img-src')).status).toBe(201);
    expect((await mount('mount/img-dst', sha256(image.layers[0]), 'mount/img-src')).status).toBe(201);
    const put = await putManifest(r.url, 'mount/img-dst', 'v1', image.manifest, image.mediaType);
    expect(put.status).toBe(201);
  });

  it('mounting a blob the target already holds is 201 too', async () => {
    const data = randomBlob(64);
    const digest = await pushBlob(r.url, 'mount/both-a', data);
    await pushBlob(r.url, 'mount/both-b', data);
    expect((await mount('mount/both-b', digest, 'mount/both-a')).status).toBe(201);
  });

  it('a blob the source lacks falls back to a normal upload session (202) that works', async () => {
    await pushBlob(r.url, 'mount/lacking', randomBlob(10));
    const data = randomBlob(300);
    const digest = sha256(data);
    const res = await mount('mount/fallback', digest, 'mount/lacking');
    expect(res.status).toBe(202);
    const location = abs(r.url, res.headers.get('location'));
    expect(new URL(location).pathname).toMatch(/^\/v2\/mount\/fallback\/blobs\/uploads\/[^/]+$/);
    expect(res.headers.get('docker-upload-uuid')).toBeTruthy();
    const put = await fetch(withDigest(location, digest), { method: 'PUT', body: new Uint8Array(data), headers: { 'Content-Type': 'application/octet-stream' } });
    expect(put.status).toBe(201);
    const get = await fetch(`${r.url}/v2/mount/fallback/blobs/${digest}`);
    expect((await bytesOf(get)).equals(data)).toBe(true);
  });

  it('an unknown source repository falls back to an upload session (202)', async () => {
    const res = await mount('mount/fallback2', sha256('whatever'), 'mount/does-not-exist');
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toMatch(/\/v2\/mount\/fallback2\/blobs\/uploads\//);
    const status = await fetch(abs(r.url, res.headers.get('location')));
    expect(status.status).toBe(204);
  });

  it('mount without from falls back to an upload session (202)', async () => {
    const res = await mount('mount/nofrom', sha256('x'));
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toMatch(/\/v2\/mount\/nofrom\/blobs\/uploads\//);
  });

  it('a blob the source only had before deleting it is not mounted (202)', async () => {
    const data = randomBlob(30);
    const digest = await pushBlob(r.url, 'mount/deleted-src', data);
    expect((await fetch(`${r.url}/v2/mount/deleted-src/blobs/${digest}`, { method: 'DELETE' })).status).toBe(202);
    expect((await mount('mount/deleted-dst', digest, 'mount/deleted-src')).status).toBe(202);
    await expectOciError(await fetch(`${r.url}/v2/mount/deleted-dst/blobs/${digest}`), 404, 'BLOB_UNKNOWN');
  });

  it.each(['UPPER/case', 'a//b', '../etc', '-lead', 'a/', 'x'.repeat(300), 'a b'])('an invalid from name (%s) is 400 NAME_INVALID', async (from) => {
    const data = randomBlob(10);
    const digest = await pushBlob(r.url, 'mount/valid-src', data);
    const res = await mount('mount/valid-dst', digest, from);
    await expectOciError(res, 400, 'NAME_INVALID');
  });

  it('an invalid mount digest is 400 DIGEST_INVALID', async () => {
    await expectOciError(await mount('mount/dst', 'sha256:nothex', 'mount/src'), 400, 'DIGEST_INVALID');
  });

  it('mounting a sha512 blob works', async () => {
    const data = randomBlob(100);
    const digest = sha512(data);
    const post = await fetch(`${r.url}/v2/mount/src512/blobs/uploads/?digest=${digest}`, { method: 'POST', body: new Uint8Array(data), headers: { 'Content-Type': 'application/octet-stream' } });
    expect(post.status).toBe(201);
    const res = await mount('mount/dst512', digest, 'mount/src512');
    expect(res.status).toBe(201);
    expect(res.headers.get('docker-content-digest')).toBe(digest);
    expect((await bytesOf(await fetch(`${r.url}/v2/mount/dst512/blobs/${digest}`))).equals(data)).toBe(true);
  });
});
