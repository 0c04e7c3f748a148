import { RegistryHarness, sha256, startTestRegistry } from '../testing';
import { request as httpRequest } from 'node:http';
import { abs, bytesOf, expectOciError, randomBlob, rawRequest, sendTruncated, sha512, startUpload, stopRegistry, withDigest } from './conformance-helpers';

describe('conformance: monolithic uploads (end-4b, end-6)', () => {
  let r: RegistryHarness;
  beforeAll(async () => {
    r = await startTestRegistry();
  });
  afterAll(async () => {
    await stopRegistry(r);
  });

  async function expectBlob(repo: string, digest: string, data: Buffer): Promise<void> {
    const res = await fetch(`${r.url}/v2/${repo}/blobs/${digest}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('docker-content-digest')).toBe(digest);
    expect(res.headers.get('content-length')).toBe(String(data.length));
    expect((await bytesOf(res)).equals(data)).toBe(true);
  }

  async function expectNoBlob(repo: string, digest: string): Promise<void> {
    await expectOciError(await fetch(`${r.url}/v2/${repo}/blobs/${digest}`), 404, 'BLOB_UNKNOWN');
  }

  describe('POST ?digest= (single request)', () => {
    it('answers 201 with Location and Docker-Content-Digest, and the blob is readable', async () => {
      const data = randomBlob(4096);
      const digest = sha256(data);
      const res = await fetch(`${r.url}/v2/mono/post/blobs/uploads/?digest=${digest}`, {
        method: 'POST',
        body: new Uint8Array(data),
        headers: { 'Content-Type': 'application/octet-stream' },
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('docker-content-digest')).toBe(digest);
      const location = abs(r.url, res.headers.get('location'));
      expect(new URL(location).pathname).toBe(`/v2/mono/post/blobs/${digest}`);
      const viaLocation = await fetch(location);
      expect(viaLocation.status).toBe(200);
      expect((await bytesOf(viaLocation)).equals(data)).toBe(true);
      await expectBlob('mono/post', digest, data);
    });

    it('a digest that does not match the body is 400 DIGEST_INVALID and no blob is created under either digest', async () => {
      const data = randomBlob(256);
      const claimed = sha256('something else entirely');
      const res = await fetch(`${r.url}/v2/mono/mismatch/blobs/uploads/?digest=${claimed}`, {
        method: 'POST',
        body: new Uint8Array(data),
        headers: { 'Content-Type': 'application/octet-stream' },
      });
      await expectOciError(res, 400, 'DIGEST_INVALID');
      await expectNoBlob('mono/mismatch', claimed);
      await expectNoBlob('mono/mismatch', sha256(data));
    });

    it('a malformed digest parameter is 400 DIGEST_INVALID', async () => {
      const res = await fetch(`${r.url}/v2/mono/bad/blobs/uploads/?digest=sha256:nothex`, {
        method: 'POST',
        body: 'abc',
        headers: { 'Content-Type': 'application/octet-stream' },
      });
      await expectOciError(res, 400, 'DIGEST_INVALID');
    });

    it('an unsupported algorithm is 400 DIGEST_INVALID', async () => {
      const res = await fetch(`${r.url}/v2/mono/bad/blobs/uploads/?digest=md5:${'0'.repeat(32)}`, {
        method: 'POST',
        body: 'abc',
        headers: { 'Content-Type': 'application/octet-stream' },
      });
      await expectOciError(res, 400, 'DIGEST_INVALID');
    });

    it('accepts a sha512 digest and serves the blob under it', async () => {
      const data = randomBlob(2048);
      const digest = sha512(data);
      const res = await fetch(`${r.url}/v2/mono/sha512/blobs/uploads/?digest=${digest}`, {
        method: 'POST',
        body: new Uint8Array(data),
        headers: { 'Content-Type': 'application/octet-stream' },
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('docker-content-digest')).toBe(digest);
      await expectBlob('mono/sha512', digest, data);
    });

    it('a sha512 digest that does not match is 400 DIGEST_INVALID', async () => {
      const res = await fetch(`${r.url}/v2/mono/sha512/blobs/uploads/?digest=${sha512('other')}`, {
        method: 'POST',
        body: 'not other',
        headers: { 'Content-Type': 'application/octet-stream' },
      });
      await expectOciError(res, 400, 'DIGEST_INVALID');
    });

    it('a zero-byte blob can be pushed and pulled', async () => {
      const empty = Buffer.alloc(0);
      const digest = sha256(empty);
      const res = await fetch(`${r.url}/v2/mono/empty/blobs/uploads/?digest=${digest}`, {
        method: 'POST',
        body: new Uint8Array(0),
        headers: { 'Content-Type': 'application/octet-stream' },
      });
      expect(res.status).toBe(201);
      const head = await fetch(`${r.url}/v2/mono/empty/blobs/${digest}`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe('0');
      await expectBlob('mono/empty', digest, empty);
    });

    it('pushing the same blob twice succeeds both times', async () => {
      const data = randomBlob(100);
      const digest = sha256(data);
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`${r.url}/v2/mono/twice/blobs/uploads/?digest=${digest}`, { method: 'POST', body: new Uint8Array(data), headers: { 'Content-Type': 'application/octet-stream' } });
        expect(res.status).toBe(201);
      }
      await expectBlob('mono/twice', digest, data);
    });

    it('concurrent pushes of one blob into new repositories of one new project all succeed', async () => {
      const data = randomBlob(50_000);
      const digest = sha256(data);
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          fetch(`${r.url}/v2/race-project/repo${i % 3}/blobs/uploads/?digest=${digest}`, { method: 'POST', body: new Uint8Array(data), headers: { 'Content-Type': 'application/octet-stream' } }),
        ),
      );
      expect(results.map((x) => x.status)).toEqual(Array(12).fill(201));
      for (let i = 0; i < 3; i++) await expectBlob(`race-project/repo${i}`, digest, data);
    });

    it('a body longer than its Content-Length is not accepted as the blob', async () => {
      // HTTP framing makes the extra bytes the start of another (malformed) request; what the
      // server answers on that connection is up to Node, but the 64 bytes never become a blob.
      const data = randomBlob(64);
      const digest = sha256(data);
      const res = await rawRequest(r.url, {
        method: 'POST',
        path: `/v2/mono/framing/blobs/uploads/?digest=${digest}`,
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': 32 },
        body: data,
      });
      expect(res.status).toBe(400);
      await expectNoBlob('mono/framing', digest);
      await expectNoBlob('mono/framing', sha256(data.subarray(0, 32)));
    });

    it('a Content-Length that is not a number is a 400, never a 5xx', async () => {
      const res = await rawRequest(r.url, {
        method: 'POST',
        path: `/v2/mono/framing/blobs/uploads/?digest=${sha256('abc')}`,
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': 'abc' },
      });
      expect(res.status).toBe(400);
    });
  });

  describe('POST then a single PUT with the body', () => {
    it('POST answers 202 with Location and Docker-Upload-UUID; PUT answers 201', async () => {
      const data = randomBlob(5000);
      const digest = sha256(data);
      const post = await fetch(`${r.url}/v2/mono/put/blobs/uploads/`, { method: 'POST' });
      expect(post.status).toBe(202);
      const location = abs(r.url, post.headers.get('location'));
      expect(new URL(location).pathname).toMatch(/^\/v2\/mono\/put\/blobs\/uploads\/[^/]+$/);
      const uuid = post.headers.get('docker-upload-uuid');
      expect(uuid).toBeTruthy();
      expect(location).toContain(uuid as string);
      const put = await fetch(withDigest(location, digest), {
        method: 'PUT',
        body: new Uint8Array(data),
        headers: { 'Content-Type': 'application/octet-stream' },
      });
      expect(put.status).toBe(201);
      expect(put.headers.get('docker-content-digest')).toBe(digest);
      expect(new URL(abs(r.url, put.headers.get('location'))).pathname).toBe(`/v2/mono/put/blobs/${digest}`);
      await expectBlob('mono/put', digest, data);
    });

    it('the session is gone once the PUT succeeded', async () => {
      const data = randomBlob(10);
      const location = await startUpload(r.url, 'mono/put');
      expect((await fetch(withDigest(location, sha256(data)), { method: 'PUT', body: new Uint8Array(data), headers: { 'Content-Type': 'application/octet-stream' } })).status).toBe(201);
      await expectOciError(await fetch(location), 404, 'BLOB_UPLOAD_UNKNOWN');
      const again = await fetch(withDigest(location, sha256(data)), { method: 'PUT', body: new Uint8Array(data), headers: { 'Content-Type': 'application/octet-stream' } });
      await expectOciError(again, 404, 'BLOB_UPLOAD_UNKNOWN');
    });

    it('a PUT whose digest does not match is 400 DIGEST_INVALID and no blob exists', async () => {
      const data = randomBlob(100);
      const wrong = sha256('wrong');
      const location = await startUpload(r.url, 'mono/put-bad');
      const put = await fetch(withDigest(location, wrong), { method: 'PUT', body: new Uint8Array(data), headers: { 'Content-Type': 'application/octet-stream' } });
      await expectOciError(put, 400, 'DIGEST_INVALID');
      await expectNoBlob('mono/put-bad', wrong);
      await expectNoBlob('mono/put-bad', sha256(data));
    });

    it('a PUT without the digest parameter is 400 DIGEST_INVALID', async () => {
      const location = await startUpload(r.url, 'mono/put-nodigest');
      const put = await fetch(location, { method: 'PUT', body: 'abc', headers: { 'Content-Type': 'application/octet-stream' } });
      await expectOciError(put, 400, 'DIGEST_INVALID');
    });

    it('a PUT with a malformed digest parameter is 400 DIGEST_INVALID', async () => {
      const location = await startUpload(r.url, 'mono/put-nodigest');
      const put = await fetch(withDigest(location, 'sha256:zzz'), { method: 'PUT', body: 'abc', headers: { 'Content-Type': 'application/octet-stream' } });
      await expectOciError(put, 400, 'DIGEST_INVALID');
    });

    it('POST then PUT of a sha512 blob', async () => {
      const data = randomBlob(777);
      const digest = sha512(data);
      const location = await startUpload(r.url, 'mono/put-512');
      const put = await fetch(withDigest(location, digest), { method: 'PUT', body: new Uint8Array(data), headers: { 'Content-Type': 'application/octet-stream' } });
      expect(put.status).toBe(201);
      expect(put.headers.get('docker-content-digest')).toBe(digest);
      await expectBlob('mono/put-512', digest, data);
    });

    it('POST then an empty PUT commits a zero-byte blob', async () => {
      const digest = sha256(Buffer.alloc(0));
      const location = await startUpload(r.url, 'mono/put-empty');
      const put = await fetch(withDigest(location, digest), { method: 'PUT' });
      expect(put.status).toBe(201);
      await expectBlob('mono/put-empty', digest, Buffer.alloc(0));
    });

    it('a PUT to an unknown session id is 404 BLOB_UPLOAD_UNKNOWN', async () => {
      const put = await fetch(`${r.url}/v2/mono/put/blobs/uploads/00000000-0000-4000-8000-000000000000?digest=${sha256('x')}`, { method: 'PUT', body: 'x', headers: { 'Content-Type': 'application/octet-stream' } });
      await expectOciError(put, 404, 'BLOB_UPLOAD_UNKNOWN');
    });

    it('a PUT cut off mid-body leaves the session at offset 0, and the retried PUT commits', async () => {
      const data = randomBlob(4000);
      const location = await startUpload(r.url, 'mono/cut');
      const url = new URL(withDigest(location, sha256(data)));
      await sendTruncated(r.url, {
        method: 'PUT',
        path: url.pathname + url.search,
        headers: { 'Content-Type': 'application/octet-stream' },
        declaredLength: data.length,
        sent: data.subarray(0, 1000),
      });
      const status = await fetch(location);
      expect(status.status).toBe(204);
      expect(status.headers.get('range')).toBe('0-0');
      await expectNoBlob('mono/cut', sha256(data));
      const put = await fetch(url, { method: 'PUT', body: new Uint8Array(data), headers: { 'Content-Type': 'application/octet-stream' } });
      expect(put.status).toBe(201);
      await expectBlob('mono/cut', sha256(data), data);
    });

    it('a PUT while a PATCH holds the session is 416, and the PATCH then completes normally', async () => {
      const first = randomBlob(3000);
      const last = randomBlob(500);
      const whole = Buffer.concat([first, last]);
      const location = await startUpload(r.url, 'mono/busy');
      const url = new URL(location);
      const patch = httpRequest({ host: url.hostname, port: url.port, method: 'PATCH', path: url.pathname, agent: false, headers: { 'Content-Type': 'application/octet-stream' } });
      const patched = new Promise<number>((resolve, reject) => {
        patch.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        patch.on('error', reject);
      });
      patch.write(first.subarray(0, 1000));
      patch.flushHeaders();
      // Give the server time to take the lease for the PATCH (it does so before reading the body).
      await new Promise((done) => setTimeout(done, 200));
      const refused = await fetch(withDigest(location, sha256(last)), { method: 'PUT', body: new Uint8Array(last), headers: { 'Content-Type': 'application/octet-stream' } });
      await expectOciError(refused, 416, 'RANGE_INVALID');
      patch.end(first.subarray(1000));
      expect(await patched).toBe(202);
      await expectNoBlob('mono/busy', sha256(last));
      const put = await fetch(withDigest(location, sha256(whole)), { method: 'PUT', body: new Uint8Array(last), headers: { 'Content-Type': 'application/octet-stream' } });
      expect(put.status).toBe(201);
      await expectBlob('mono/busy', sha256(whole), whole);
    });

    it('a session belongs to the repository that opened it', async () => {
      const data = randomBlob(20);
      const location = await startUpload(r.url, 'mono/owner');
      const id = new URL(location).pathname.split('/').pop() as string;
      const put = await fetch(`${r.url}/v2/mono/intruder/blobs/uploads/${id}?digest=${sha256(data)}`, { method: 'PUT', body: new Uint8Array(data), headers: { 'Content-Type': 'application/octet-stream' } });
      await expectOciError(put, 404, 'BLOB_UPLOAD_UNKNOWN');
      await expectOciError(await fetch(`${r.url}/v2/mono/intruder/blobs/uploads/${id}`), 404, 'BLOB_UPLOAD_UNKNOWN');
      await expectNoBlob('mono/intruder', sha256(data));
    });
  });
});
