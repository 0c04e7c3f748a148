import { RegistryHarness, sha256, startTestRegistry } from '../testing';
import { abs, bytesOf, expectOciError, patchChunk, randomBlob, sha512, startSibling, startUpload, stopRegistry, withDigest } from './conformance-helpers';

/** A PATCH without Content-Range: the body is appended to whatever the session holds. */
function patchStream(location: string, data: Buffer): Promise<Response> {
  return fetch(location, { method: 'PATCH', body: new Uint8Array(data), headers: { 'Content-Type': 'application/octet-stream' } });
}

/** The same, but as chunked transfer encoding (no Content-Length): a true stream. */
function patchChunkedEncoding(location: string, data: Buffer, piece = 1024 * 1024): Promise<Response> {
  let offset = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= data.length) {
        controller.close();
        return;
      }
      controller.enqueue(new Uint8Array(data.subarray(offset, offset + piece)));
      offset += piece;
    },
  });
  return fetch(location, {
    method: 'PATCH',
    body,
    duplex: 'half',
    headers: { 'Content-Type': 'application/octet-stream' },
  } as RequestInit);
}

describe('conformance: streamed uploads (end-5 without Content-Range)', () => {
  let r: RegistryHarness;
  beforeAll(async () => {
    r = await startTestRegistry();
  });
  afterAll(async () => {
    await stopRegistry(r);
  });

  async function expectBlob(url: string, repo: string, digest: string, data: Buffer): Promise<void> {
    const res = await fetch(`${url}/v2/${repo}/blobs/${digest}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('docker-content-digest')).toBe(digest);
    expect(res.headers.get('content-length')).toBe(String(data.length));
    const body = await bytesOf(res);
    expect(body.length).toBe(data.length);
    expect(body.equals(data)).toBe(true);
  }

  function expectAccepted(res: Response, base: string, end: number): string {
    expect(res.status).toBe(202);
    expect(res.headers.get('range')).toBe(`0-${end}`);
    expect(res.headers.get('docker-upload-uuid')).toBeTruthy();
    return abs(base, res.headers.get('location'));
  }

  it('one streamed PATCH then PUT ?digest', async () => {
    const data = randomBlob(10_000);
    let location = await startUpload(r.url, 'stream/one');
    location = expectAccepted(await patchStream(location, data), r.url, 9999);
    const digest = sha256(data);
    const put = await fetch(withDigest(location, digest), { method: 'PUT' });
    expect(put.status).toBe(201);
    expect(put.headers.get('docker-content-digest')).toBe(digest);
    await expectBlob(r.url, 'stream/one', digest, data);
  });

  it('several streamed PATCHes in a row append, and the Range grows each time', async () => {
    const parts = [randomBlob(1000), randomBlob(1), randomBlob(4096), randomBlob(333)];
    let location = await startUpload(r.url, 'stream/several');
    let size = 0;
    for (const p of parts) {
      size += p.length;
      location = expectAccepted(await patchStream(location, p), r.url, size - 1);
      const status = await fetch(location);
      expect(status.status).toBe(204);
      expect(status.headers.get('range')).toBe(`0-${size - 1}`);
    }
    const data = Buffer.concat(parts);
    const digest = sha256(data);
    expect((await fetch(withDigest(location, digest), { method: 'PUT' })).status).toBe(201);
    await expectBlob(r.url, 'stream/several', digest, data);
  });

  it('streamed and ranged PATCHes can be mixed', async () => {
    const data = randomBlob(3000);
    let location = await startUpload(r.url, 'stream/mixed');
    location = expectAccepted(await patchStream(location, data.subarray(0, 1000)), r.url, 999);
    location = expectAccepted(await patchChunk(location, data.subarray(1000, 2000), 1000), r.url, 1999);
    location = expectAccepted(await patchStream(location, data.subarray(2000)), r.url, 2999);
    expect((await fetch(withDigest(location, sha256(data)), { method: 'PUT' })).status).toBe(201);
    await expectBlob(r.url, 'stream/mixed', sha256(data), data);
  });

  it('a PATCH with chunked transfer encoding (no Content-Length) is accepted', async () => {
    const data = randomBlob(3 * 1024 * 1024 + 17);
    let location = await startUpload(r.url, 'stream/te');
    location = expectAccepted(await patchChunkedEncoding(location, data, 256 * 1024), r.url, data.length - 1);
    expect((await fetch(withDigest(location, sha256(data)), { method: 'PUT' })).status).toBe(201);
    await expectBlob(r.url, 'stream/te', sha256(data), data);
  });

  it('a 20 MiB streamed upload comes back byte for byte', async () => {
    const data = randomBlob(20 * 1024 * 1024);
    let location = await startUpload(r.url, 'stream/large');
    location = expectAccepted(await patchChunkedEncoding(location, data.subarray(0, 12 * 1024 * 1024)), r.url, 12 * 1024 * 1024 - 1);
    location = expectAccepted(await patchStream(location, data.subarray(12 * 1024 * 1024)), r.url, data.length - 1);
    const digest = sha256(data);
    const put = await fetch(withDigest(location, digest), { method: 'PUT' });
    expect(put.status).toBe(201);
    await expectBlob(r.url, 'stream/large', digest, data);
    const tail = await fetch(`${r.url}/v2/stream/large/blobs/${digest}`, { headers: { Range: 'bytes=-4096' } });
    expect(tail.status).toBe(206);
    expect((await bytesOf(tail)).equals(data.subarray(data.length - 4096))).toBe(true);
  }, 60_000);

  it('a 20 MiB monolithic PUT with a sha512 digest', async () => {
    const data = randomBlob(20 * 1024 * 1024);
    const location = await startUpload(r.url, 'stream/large512');
    const digest = sha512(data);
    const put = await fetch(withDigest(location, digest), { method: 'PUT', body: new Uint8Array(data), headers: { 'Content-Type': 'application/octet-stream' } });
    expect(put.status).toBe(201);
    await expectBlob(r.url, 'stream/large512', digest, data);
  }, 60_000);

  describe('across registry processes sharing the database and data directory', () => {
    it('chunk 1 on A, chunk 2 on B, PUT on A: the blob is identical on both', async () => {
      const b = await startSibling(r.config);
      try {
        const data = randomBlob(2 * 1024 * 1024 + 3);
        const half = 1024 * 1024;
        let location = await startUpload(r.url, 'stream/shared');
        const path = new URL(location).pathname;
        location = expectAccepted(await patchChunk(location, data.subarray(0, half), 0), r.url, half - 1);
        const onB = await patchChunk(`${b.url}${path}`, data.subarray(half), half);
        expectAccepted(onB, b.url, data.length - 1);
        const statusOnA = await fetch(location);
        expect(statusOnA.headers.get('range')).toBe(`0-${data.length - 1}`);
        const digest = sha256(data);
        const put = await fetch(withDigest(location, digest), { method: 'PUT' });
        expect(put.status).toBe(201);
        expect(put.headers.get('docker-content-digest')).toBe(digest);
        await expectBlob(r.url, 'stream/shared', digest, data);
        await expectBlob(b.url, 'stream/shared', digest, data);
      } finally {
        await b.close();
      }
    });

    it('A, B, A, then PUT on B: a process that saw an earlier chunk does not reuse a stale hash', async () => {
      const b = await startSibling(r.config);
      try {
        const parts = [randomBlob(5000), randomBlob(7000), randomBlob(3000)];
        const data = Buffer.concat(parts);
        const location = await startUpload(r.url, 'stream/shared2');
        const path = new URL(location).pathname;
        expectAccepted(await patchStream(`${r.url}${path}`, parts[0]), r.url, 4999);
        expectAccepted(await patchStream(`${b.url}${path}`, parts[1]), b.url, 11_999);
        expectAccepted(await patchStream(`${r.url}${path}`, parts[2]), r.url, 14_999);
        const put = await fetch(`${b.url}${path}?digest=${sha256(data)}`, { method: 'PUT' });
        expect(put.status).toBe(201);
        await expectBlob(r.url, 'stream/shared2', sha256(data), data);
      } finally {
        await b.close();
      }
    });

    it('an out-of-order chunk on B reports the offset A acknowledged', async () => {
      const b = await startSibling(r.config);
      try {
        const data = randomBlob(400);
        const location = await startUpload(r.url, 'stream/shared3');
        const path = new URL(location).pathname;
        expectAccepted(await patchChunk(location, data.subarray(0, 100), 0), r.url, 99);
        const bad = await patchChunk(`${b.url}${path}`, data.subarray(200, 300), 200);
        expect(bad.status).toBe(416);
        expect(bad.headers.get('range')).toBe('0-99');
        await bad.arrayBuffer();
        expectAccepted(await patchChunk(`${b.url}${path}`, data.subarray(100), 100), b.url, 399);
        expect((await fetch(`${r.url}${path}?digest=${sha256(data)}`, { method: 'PUT' })).status).toBe(201);
        await expectBlob(r.url, 'stream/shared3', sha256(data), data);
      } finally {
        await b.close();
      }
    });

    it('an upload started before a restart finishes on the restarted process', async () => {
      const data = randomBlob(300_000);
      const before = await startSibling(r.config);
      let path: string;
      try {
        const location = await startUpload(before.url, 'stream/restart');
        path = new URL(location).pathname;
        expectAccepted(await patchChunk(location, data.subarray(0, 100_000), 0), before.url, 99_999);
      } finally {
        await before.close();
      }
      const after = await startSibling(r.config);
      try {
        const status = await fetch(`${after.url}${path}`);
        expect(status.status).toBe(204);
        expect(status.headers.get('range')).toBe('0-99999');
        expectAccepted(await patchChunk(`${after.url}${path}`, data.subarray(100_000, 200_000), 100_000), after.url, 199_999);
        const put = await fetch(`${after.url}${path}?digest=${sha256(data)}`, {
          method: 'PUT',
          body: new Uint8Array(data.subarray(200_000)),
          headers: { 'Content-Type': 'application/octet-stream' },
        });
        expect(put.status).toBe(201);
        await expectBlob(after.url, 'stream/restart', sha256(data), data);
        await expectBlob(r.url, 'stream/restart', sha256(data), data);
      } finally {
        await after.close();
      }
    });

    it('a session cancelled on one process is unknown on the other', async () => {
      const b = await startSibling(r.config);
      try {
        const location = await startUpload(r.url, 'stream/cancel');
        const path = new URL(location).pathname;
        expect((await fetch(`${b.url}${path}`, { method: 'DELETE' })).status).toBe(204);
        await expectOciError(await fetch(location), 404, 'BLOB_UPLOAD_UNKNOWN');
      } finally {
        await b.close();
      }
    });
  });
});
