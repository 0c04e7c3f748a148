import { Agent, request as httpRequest } from 'node:http';
import { pushBlob, RegistryHarness, sha256, startTestRegistry } from '../testing';
import { bytesOf, expectOciError, expectRawOciError, randomBlob, rawRequest, sha512, stopRegistry } from './conformance-helpers';

describe('conformance: pulling blobs (end-2, end-10)', () => {
  let r: RegistryHarness;
  const repo = 'pull/blobs';
  const content = randomBlob(1000);
  let digest: string;

  beforeAll(async () => {
    r = await startTestRegistry();
    digest = await pushBlob(r.url, repo, content);
  });
  afterAll(async () => {
    await stopRegistry(r);
  });

  it('HEAD answers 200 with the blob headers and no body', async () => {
    const res = await fetch(`${r.url}/v2/${repo}/blobs/${digest}`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(content.length));
    expect(res.headers.get('docker-content-digest')).toBe(digest);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('etag')).toBe(`"${digest}"`);
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect((await bytesOf(res)).length).toBe(0);
  });

  it('GET answers 200 with exactly the pushed bytes and the blob headers', async () => {
    const res = await fetch(`${r.url}/v2/${repo}/blobs/${digest}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(content.length));
    expect(res.headers.get('docker-content-digest')).toBe(digest);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('etag')).toBe(`"${digest}"`);
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect((await bytesOf(res)).equals(content)).toBe(true);
  });

  describe('Range requests', () => {
    it.each([
      ['bytes=0-9', 0, 9],
      ['bytes=10-19', 10, 19],
      ['bytes=990-999', 990, 999],
      ['bytes=0-0', 0, 0],
      ['bytes=500-', 500, 999],
      ['bytes=-10', 990, 999],
      ['bytes=-1000', 0, 999],
      // A suffix longer than the blob is the whole blob (RFC 9110 14.1.2).
      ['bytes=-5000', 0, 999],
      // An end past the blob is clamped to its last byte.
      ['bytes=995-5000', 995, 999],
    ])('%s -> 206 bytes %i-%i', async (range, start, end) => {
      const res = await fetch(`${r.url}/v2/${repo}/blobs/${digest}`, { headers: { Range: range } });
      expect(res.status).toBe(206);
      expect(res.headers.get('content-range')).toBe(`bytes ${start}-${end}/${content.length}`);
      expect(res.headers.get('content-length')).toBe(String(end - start + 1));
      expect(res.headers.get('docker-content-digest')).toBe(digest);
      expect((await bytesOf(res)).equals(content.subarray(start, end + 1))).toBe(true);
    });

    it.each(['bytes=1000-', 'bytes=1000-1005', 'bytes=5000-6000', 'bytes=-0', 'bytes=20-10'])(
      '%s is unsatisfiable -> 416 with Content-Range bytes */size',
      async (range) => {
        const res = await fetch(`${r.url}/v2/${repo}/blobs/${digest}`, { headers: { Range: range } });
        expect(res.status).toBe(416);
        expect(res.headers.get('content-range')).toBe(`bytes */${content.length}`);
        await res.arrayBuffer();
      },
    );

    it.each(['items=0-5', 'bytes=abc', 'bytes=-', 'garbage'])('an unparseable Range (%s) is ignored: 200 with the whole blob', async (range) => {
      const res = await fetch(`${r.url}/v2/${repo}/blobs/${digest}`, { headers: { Range: range } });
      expect(res.status).toBe(200);
      expect((await bytesOf(res)).equals(content)).toBe(true);
    });

    it('a range request of a zero-byte blob is unsatisfiable', async () => {
      const empty = await pushBlob(r.url, repo, Buffer.alloc(0));
      const res = await fetch(`${r.url}/v2/${repo}/blobs/${empty}`, { headers: { Range: 'bytes=0-' } });
      expect(res.status).toBe(416);
      expect(res.headers.get('content-range')).toBe('bytes */0');
      await res.arrayBuffer();
    });
  });

  it('an unknown blob is 404 BLOB_UNKNOWN on GET, and 404 on HEAD', async () => {
    const unknown = sha256('never pushed');
    await expectOciError(await fetch(`${r.url}/v2/${repo}/blobs/${unknown}`), 404, 'BLOB_UNKNOWN');
    const head = await fetch(`${r.url}/v2/${repo}/blobs/${unknown}`, { method: 'HEAD' });
    expect(head.status).toBe(404);
    expect((await bytesOf(head)).length).toBe(0);
  });

  it('a HEAD miss announces the length of the GET error body, so clients keep the connection', async () => {
    const unknown = sha256('never pushed either');
    const get = await fetch(`${r.url}/v2/${repo}/blobs/${unknown}`);
    const getBody = await bytesOf(get);
    const head = await fetch(`${r.url}/v2/${repo}/blobs/${unknown}`, { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe(String(getBody.length));
    // Without a length, node's client must read a HEAD miss "until close" and drops the socket.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    let connections = 0;
    const created = agent.createConnection.bind(agent);
    agent.createConnection = ((...args: Parameters<Agent['createConnection']>) => {
      connections++;
      return created(...args);
    }) as Agent['createConnection'];
    try {
      const statuses: number[] = [];
      for (const path of [`/v2/${repo}/blobs/${unknown}`, `/v2/${repo}/blobs/${digest}`, `/v2/${repo}/blobs/${sha256('a third')}`]) {
        statuses.push(await new Promise<number>((resolve, reject) => {
          const req = httpRequest(`${r.url}${path}`, { method: 'HEAD', agent }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          });
          req.on('error', reject);
          req.end();
        }));
      }
      expect(statuses).toEqual([404, 200, 404]);
      expect(connections).toBe(1);
    } finally {
      agent.destroy();
    }
  });

  it('a blob in an unknown repository is 404 BLOB_UNKNOWN', async () => {
    await expectOciError(await fetch(`${r.url}/v2/no/such/repo/blobs/${digest}`), 404, 'BLOB_UNKNOWN');
  });

  it('a blob pushed to one repository is not readable through another one', async () => {
    const secret = randomBlob(64);
    const d = await pushBlob(r.url, 'pull/owner', secret);
    // The other repository exists (it holds a blob of its own) but never received this one.
    await pushBlob(r.url, 'pull/stranger', randomBlob(8));
    await expectOciError(await fetch(`${r.url}/v2/pull/stranger/blobs/${d}`), 404, 'BLOB_UNKNOWN');
    expect((await fetch(`${r.url}/v2/pull/stranger/blobs/${d}`, { method: 'HEAD' })).status).toBe(404);
    const ranged = await fetch(`${r.url}/v2/pull/stranger/blobs/${d}`, { headers: { Range: 'bytes=0-3' } });
    await expectOciError(ranged, 404, 'BLOB_UNKNOWN');
    expect((await fetch(`${r.url}/v2/pull/owner/blobs/${d}`)).status).toBe(200);
  });

  it.each([
    'sha256:xyz',
    'sha256:' + 'A'.repeat(64),
    'sha256:' + 'a'.repeat(63),
    'sha256:' + 'a'.repeat(65),
    'md5:' + 'a'.repeat(32),
    'sha512:' + 'a'.repeat(64),
    'notadigest',
    'sha256:',
  ])('an invalid digest (%s) is 400 DIGEST_INVALID on GET and 400 on HEAD', async (bad) => {
    await expectOciError(await fetch(`${r.url}/v2/${repo}/blobs/${bad}`), 400, 'DIGEST_INVALID');
    expect((await fetch(`${r.url}/v2/${repo}/blobs/${bad}`, { method: 'HEAD' })).status).toBe(400);
  });

  it('an overlong digest is refused with a 4xx in the OCI error shape (400 DIGEST_INVALID or 414)', async () => {
    const res = await rawRequest(r.url, { method: 'GET', path: `/v2/${repo}/blobs/sha256:${'a'.repeat(2000)}` });
    expect([400, 414]).toContain(res.status);
    expectRawOciError(res, res.status, res.status === 400 ? 'DIGEST_INVALID' : undefined);
  });

  it('serves a sha512 blob under its sha512 digest', async () => {
    const data = randomBlob(300);
    const d = sha512(data);
    const post = await fetch(`${r.url}/v2/${repo}/blobs/uploads/?digest=${d}`, { method: 'POST', body: new Uint8Array(data), headers: { 'Content-Type': 'application/octet-stream' } });
    expect(post.status).toBe(201);
    const res = await fetch(`${r.url}/v2/${repo}/blobs/${d}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('docker-content-digest')).toBe(d);
    expect((await bytesOf(res)).equals(data)).toBe(true);
  });

  describe('DELETE (end-10)', () => {
    it('answers 202, then the blob is 404 BLOB_UNKNOWN', async () => {
      const data = randomBlob(50);
      const d = await pushBlob(r.url, 'pull/delete', data);
      const del = await fetch(`${r.url}/v2/pull/delete/blobs/${d}`, { method: 'DELETE' });
      expect(del.status).toBe(202);
      expect((await fetch(`${r.url}/v2/pull/delete/blobs/${d}`, { method: 'HEAD' })).status).toBe(404);
      await expectOciError(await fetch(`${r.url}/v2/pull/delete/blobs/${d}`), 404, 'BLOB_UNKNOWN');
    });

    it('removes the blob from that repository only', async () => {
      const data = randomBlob(50);
      const d = await pushBlob(r.url, 'pull/delete-a', data);
      await pushBlob(r.url, 'pull/delete-b', data);
      expect((await fetch(`${r.url}/v2/pull/delete-a/blobs/${d}`, { method: 'DELETE' })).status).toBe(202);
      expect((await fetch(`${r.url}/v2/pull/delete-a/blobs/${d}`, { method: 'HEAD' })).status).toBe(404);
      const other = await fetch(`${r.url}/v2/pull/delete-b/blobs/${d}`);
      expect(other.status).toBe(200);
      expect((await bytesOf(other)).equals(data)).toBe(true);
    });

    it('a blob that was never there is 404 BLOB_UNKNOWN, and a second DELETE too', async () => {
      await expectOciError(await fetch(`${r.url}/v2/${repo}/blobs/${sha256('nope')}`, { method: 'DELETE' }), 404, 'BLOB_UNKNOWN');
      const d = await pushBlob(r.url, 'pull/delete-twice', randomBlob(10));
      expect((await fetch(`${r.url}/v2/pull/delete-twice/blobs/${d}`, { method: 'DELETE' })).status).toBe(202);
      await expectOciError(await fetch(`${r.url}/v2/pull/delete-twice/blobs/${d}`, { method: 'DELETE' }), 404, 'BLOB_UNKNOWN');
    });

    it('an invalid digest is 400 DIGEST_INVALID', async () => {
      await expectOciError(await fetch(`${r.url}/v2/${repo}/blobs/sha256:bad`, { method: 'DELETE' }), 400, 'DIGEST_INVALID');
    });

    it('the blob can be pushed again after a delete and is readable again', async () => {
      const data = randomBlob(70);
      const d = await pushBlob(r.url, 'pull/repush', data);
      expect((await fetch(`${r.url}/v2/pull/repush/blobs/${d}`, { method: 'DELETE' })).status).toBe(202);
      await pushBlob(r.url, 'pull/repush', data);
      const res = await fetch(`${r.url}/v2/pull/repush/blobs/${d}`);
      expect(res.status).toBe(200);
      expect((await bytesOf(res)).equals(data)).toBe(true);
    });
  });
});
