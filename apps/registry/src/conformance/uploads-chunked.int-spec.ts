import { RegistryHarness, sha256, startTestRegistry } from '../testing';
import { abs, bytesOf, expectOciError, expectRawOciError, patchChunk, randomBlob, rawRequest, sha512, startUpload, stopRegistry, withDigest } from './conformance-helpers';

describe('conformance: chunked uploads (end-4a, end-5, end-6, end-13)', () => {
  let r: RegistryHarness;
  beforeAll(async () => {
    r = await startTestRegistry();
  });
  afterAll(async () => {
    await stopRegistry(r);
  });

  const pathOf = (location: string) => {
    const u = new URL(location);
    return u.pathname + u.search;
  };

  async function expectBlob(repo: string, digest: string, data: Buffer): Promise<void> {
    const res = await fetch(`${r.url}/v2/${repo}/blobs/${digest}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('docker-content-digest')).toBe(digest);
    expect((await bytesOf(res)).equals(data)).toBe(true);
  }

  function expectProgress(res: Response, repo: string, end: number): string {
    expect(res.status).toBe(202);
    expect(res.headers.get('range')).toBe(`0-${end}`);
    const location = abs(r.url, res.headers.get('location'));
    expect(new URL(location).pathname).toMatch(new RegExp(`^/v2/${repo}/blobs/uploads/[^/]+$`));
    expect(res.headers.get('docker-upload-uuid')).toBeTruthy();
    expect(res.headers.get('content-length')).toBe('0');
    return location;
  }

  it('PATCH chunks with Content-Range, then PUT without a body, commits the concatenation', async () => {
    const data = randomBlob(3000);
    let location = await startUpload(r.url, 'chunk/a');
    const uuid = new URL(location).pathname.split('/').pop();
    const p1 = await patchChunk(location, data.subarray(0, 1000), 0);
    location = expectProgress(p1, 'chunk/a', 999);
    expect(p1.headers.get('docker-upload-uuid')).toBe(uuid);
    const p2 = await patchChunk(location, data.subarray(1000, 2500), 1000);
    location = expectProgress(p2, 'chunk/a', 2499);
    const p3 = await patchChunk(location, data.subarray(2500), 2500);
    location = expectProgress(p3, 'chunk/a', 2999);
    const digest = sha256(data);
    const put = await fetch(withDigest(location, digest), { method: 'PUT' });
    expect(put.status).toBe(201);
    expect(put.headers.get('docker-content-digest')).toBe(digest);
    expect(new URL(abs(r.url, put.headers.get('location'))).pathname).toBe(`/v2/chunk/a/blobs/${digest}`);
    await expectBlob('chunk/a', digest, data);
  });

  it('the final PUT may carry the last chunk (with Content-Range)', async () => {
    const data = randomBlob(2000);
    let location = await startUpload(r.url, 'chunk/b');
    location = expectProgress(await patchChunk(location, data.subarray(0, 1200), 0), 'chunk/b', 1199);
    const digest = sha256(data);
    const put = await fetch(withDigest(location, digest), {
      method: 'PUT',
      body: new Uint8Array(data.subarray(1200)),
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': '1200-1999' },
    });
    expect(put.status).toBe(201);
    expect(put.headers.get('docker-content-digest')).toBe(digest);
    await expectBlob('chunk/b', digest, data);
  });

  it('the final PUT may carry the last chunk without Content-Range', async () => {
    const data = randomBlob(2000);
    let location = await startUpload(r.url, 'chunk/b2');
    location = expectProgress(await patchChunk(location, data.subarray(0, 500), 0), 'chunk/b2', 499);
    const digest = sha256(data);
    const put = await fetch(withDigest(location, digest), {
      method: 'PUT',
      body: new Uint8Array(data.subarray(500)),
      headers: { 'Content-Type': 'application/octet-stream' },
    });
    expect(put.status).toBe(201);
    await expectBlob('chunk/b2', digest, data);
  });

  it('a sha512 digest works for a chunked upload', async () => {
    const data = randomBlob(1500);
    let location = await startUpload(r.url, 'chunk/sha512');
    location = expectProgress(await patchChunk(location, data.subarray(0, 700), 0), 'chunk/sha512', 699);
    location = expectProgress(await patchChunk(location, data.subarray(700), 700), 'chunk/sha512', 1499);
    const digest = sha512(data);
    const put = await fetch(withDigest(location, digest), { method: 'PUT' });
    expect(put.status).toBe(201);
    expect(put.headers.get('docker-content-digest')).toBe(digest);
    await expectBlob('chunk/sha512', digest, data);
  });

  it('Content-Range in the "bytes a-b/*" spelling is accepted too', async () => {
    const data = randomBlob(100);
    const location = await startUpload(r.url, 'chunk/bytes');
    const res = await fetch(location, {
      method: 'PATCH',
      body: new Uint8Array(data),
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': 'bytes 0-99/*' },
    });
    const next = expectProgress(res, 'chunk/bytes', 99);
    expect((await fetch(withDigest(next, sha256(data)), { method: 'PUT' })).status).toBe(201);
  });

  describe('out-of-order and malformed chunks', () => {
    it('a chunk that does not start at the current offset is 416 with the current Range, and the upload stays usable', async () => {
      const data = randomBlob(3000);
      let location = await startUpload(r.url, 'chunk/order');
      location = expectProgress(await patchChunk(location, data.subarray(0, 1000), 0), 'chunk/order', 999);

      // Skips ahead: bytes 2000-2999 while the server holds 0-999.
      const ahead = await patchChunk(location, data.subarray(2000), 2000);
      expect(ahead.status).toBe(416);
      expect(ahead.headers.get('range')).toBe('0-999');
      await expectOciError(ahead, 416);

      // Repeats the first chunk.
      const behind = await patchChunk(location, data.subarray(0, 1000), 0);
      expect(behind.status).toBe(416);
      expect(behind.headers.get('range')).toBe('0-999');
      await behind.arrayBuffer();

      const status = await fetch(location);
      expect(status.status).toBe(204);
      expect(status.headers.get('range')).toBe('0-999');

      location = expectProgress(await patchChunk(location, data.subarray(1000, 2000), 1000), 'chunk/order', 1999);
      location = expectProgress(await patchChunk(location, data.subarray(2000), 2000), 'chunk/order', 2999);
      const digest = sha256(data);
      expect((await fetch(withDigest(location, digest), { method: 'PUT' })).status).toBe(201);
      await expectBlob('chunk/order', digest, data);
    });

    it('a first chunk that does not start at 0 is 416', async () => {
      const location = await startUpload(r.url, 'chunk/order0');
      const res = await patchChunk(location, randomBlob(10), 5);
      expect(res.status).toBe(416);
      await expectOciError(res, 416);
      // Nothing was written: the real first chunk still fits.
      const data = randomBlob(10);
      const ok = await patchChunk(location, data, 0);
      const next = expectProgress(ok, 'chunk/order0', 9);
      expect((await fetch(withDigest(next, sha256(data)), { method: 'PUT' })).status).toBe(201);
    });

    it.each(['garbage', '10', '-5', '5-', 'bytes=x-y', '9-0', '0-9-10', 'a-b'])('a malformed Content-Range (%s) is 416', async (range) => {
      const location = await startUpload(r.url, 'chunk/malformed');
      const res = await fetch(location, {
        method: 'PATCH',
        body: new Uint8Array(10),
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': range },
      });
      expect(res.status).toBe(416);
      await expectOciError(res, 416);
      // The session is unharmed.
      const status = await fetch(location);
      expect(status.status).toBe(204);
    });

    it('Content-Length disagreeing with Content-Range is 400 SIZE_INVALID and nothing is appended', async () => {
      const location = await startUpload(r.url, 'chunk/size');
      const data = randomBlob(10);
      const res = await rawRequest(r.url, {
        method: 'PATCH',
        path: pathOf(location),
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': '0-4', 'Content-Length': 10 },
        body: data,
      });
      expectRawOciError(res, 400, 'SIZE_INVALID');
      const status = await fetch(location);
      expect(status.status).toBe(204);
      expect(status.headers.get('range')).toBe('0-0');
      // The upload can still be finished properly.
      const ok = expectProgress(await patchChunk(location, data, 0), 'chunk/size', 9);
      expect((await fetch(withDigest(ok, sha256(data)), { method: 'PUT' })).status).toBe(201);
      await expectBlob('chunk/size', sha256(data), data);
    });

    it('a Content-Range longer than the body sent (Content-Length agrees with the body) is 400 SIZE_INVALID', async () => {
      const location = await startUpload(r.url, 'chunk/size2');
      const res = await rawRequest(r.url, {
        method: 'PATCH',
        path: pathOf(location),
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': '0-99', 'Content-Length': 10 },
        body: randomBlob(10),
      });
      expectRawOciError(res, 400, 'SIZE_INVALID');
      const status = await fetch(location);
      expect(status.headers.get('range')).toBe('0-0');
    });

    it('a final PUT whose chunk is out of order is 416, and the session survives', async () => {
      const data = randomBlob(200);
      let location = await startUpload(r.url, 'chunk/put-order');
      location = expectProgress(await patchChunk(location, data.subarray(0, 100), 0), 'chunk/put-order', 99);
      const bad = await fetch(withDigest(location, sha256(data)), {
        method: 'PUT',
        body: new Uint8Array(data.subarray(150)),
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': '150-199' },
      });
      expect(bad.status).toBe(416);
      await bad.arrayBuffer();
      const good = await fetch(withDigest(location, sha256(data)), {
        method: 'PUT',
        body: new Uint8Array(data.subarray(100)),
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': '100-199' },
      });
      expect(good.status).toBe(201);
      await expectBlob('chunk/put-order', sha256(data), data);
    });

    it('a final PUT whose digest does not match the chunks is 400 DIGEST_INVALID and no blob exists', async () => {
      const data = randomBlob(300);
      let location = await startUpload(r.url, 'chunk/put-bad');
      location = expectProgress(await patchChunk(location, data, 0), 'chunk/put-bad', 299);
      const wrong = sha256('not the data');
      await expectOciError(await fetch(withDigest(location, wrong), { method: 'PUT' }), 400, 'DIGEST_INVALID');
      await expectOciError(await fetch(`${r.url}/v2/chunk/put-bad/blobs/${wrong}`), 404, 'BLOB_UNKNOWN');
      await expectOciError(await fetch(`${r.url}/v2/chunk/put-bad/blobs/${sha256(data)}`), 404, 'BLOB_UNKNOWN');
    });

    it('a final PUT without digest is 400 DIGEST_INVALID', async () => {
      let location = await startUpload(r.url, 'chunk/put-nodigest');
      location = expectProgress(await patchChunk(location, randomBlob(5), 0), 'chunk/put-nodigest', 4);
      await expectOciError(await fetch(location, { method: 'PUT' }), 400, 'DIGEST_INVALID');
    });
  });

  describe('upload status (end-13) and cancel', () => {
    it('GET on a session answers 204 with Range, Location and Docker-Upload-UUID', async () => {
      const location = await startUpload(r.url, 'chunk/status');
      const fresh = await fetch(location);
      expect(fresh.status).toBe(204);
      expect(fresh.headers.get('range')).toMatch(/^0-0$/);
      expect(fresh.headers.get('docker-upload-uuid')).toBeTruthy();
      expect(new URL(abs(r.url, fresh.headers.get('location'))).pathname).toBe(new URL(location).pathname);
      const next = expectProgress(await patchChunk(location, randomBlob(42), 0), 'chunk/status', 41);
      const after = await fetch(next);
      expect(after.status).toBe(204);
      expect(after.headers.get('range')).toBe('0-41');
      expect((await bytesOf(after)).length).toBe(0);
    });

    it('DELETE of a session answers 204, then its status is 404 BLOB_UPLOAD_UNKNOWN', async () => {
      let location = await startUpload(r.url, 'chunk/cancel');
      location = expectProgress(await patchChunk(location, randomBlob(10), 0), 'chunk/cancel', 9);
      const del = await fetch(location, { method: 'DELETE' });
      expect(del.status).toBe(204);
      await expectOciError(await fetch(location), 404, 'BLOB_UPLOAD_UNKNOWN');
      await expectOciError(await patchChunk(location, randomBlob(10), 10), 404, 'BLOB_UPLOAD_UNKNOWN');
      await expectOciError(await fetch(withDigest(location, sha256('x')), { method: 'PUT' }), 404, 'BLOB_UPLOAD_UNKNOWN');
      await expectOciError(await fetch(location, { method: 'DELETE' }), 404, 'BLOB_UPLOAD_UNKNOWN');
    });

    it.each(['00000000-0000-4000-8000-000000000000', 'not-a-uuid', 'x'.repeat(200), 'mono-123'])('an unknown session id (%s) is 404 BLOB_UPLOAD_UNKNOWN on GET, PATCH, PUT and DELETE', async (id) => {
      const url = `${r.url}/v2/chunk/unknown/blobs/uploads/${id}`;
      await expectOciError(await fetch(url), 404, 'BLOB_UPLOAD_UNKNOWN');
      await expectOciError(await patchChunk(url, randomBlob(4), 0), 404, 'BLOB_UPLOAD_UNKNOWN');
      await expectOciError(await fetch(`${url}?digest=${sha256('x')}`, { method: 'PUT', body: 'x', headers: { 'Content-Type': 'application/octet-stream' } }), 404, 'BLOB_UPLOAD_UNKNOWN');
      await expectOciError(await fetch(url, { method: 'DELETE' }), 404, 'BLOB_UPLOAD_UNKNOWN');
    });

    it.each(['..%2F..%2Fblobs', '%2e%2e', '.', 'a%00b', '%ff%fe'])('GET of a session id with tricks (%s) is a 4xx, never a 5xx', async (id) => {
      const res = await rawRequest(r.url, { method: 'GET', path: `/v2/chunk/unknown/blobs/uploads/${id}` });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expectRawOciError(res, res.status);
    });
  });

  it('many small chunks build the right blob', async () => {
    const data = randomBlob(64 * 50);
    let location = await startUpload(r.url, 'chunk/many');
    for (let off = 0; off < data.length; off += 64) {
      location = expectProgress(await patchChunk(location, data.subarray(off, off + 64), off), 'chunk/many', off + 63);
    }
    const digest = sha256(data);
    expect((await fetch(withDigest(location, digest), { method: 'PUT' })).status).toBe(201);
    await expectBlob('chunk/many', digest, data);
  });

  it('two concurrent PATCHes of the same chunk: one wins, the other is refused, the blob is right', async () => {
    const data = randomBlob(256 * 1024);
    const location = await startUpload(r.url, 'chunk/race');
    const [a, b] = await Promise.all([patchChunk(location, data, 0), patchChunk(location, data, 0)]);
    const statuses = [a.status, b.status].sort();
    await a.arrayBuffer();
    await b.arrayBuffer();
    expect(statuses[0]).toBe(202);
    expect(statuses[1]).toBe(416);
    const status = await fetch(location);
    expect(status.headers.get('range')).toBe(`0-${data.length - 1}`);
    expect((await fetch(withDigest(location, sha256(data)), { method: 'PUT' })).status).toBe(201);
    await expectBlob('chunk/race', sha256(data), data);
  });
});
