import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { makeImage, pushBlob, pushImage, RegistryHarness, sha256, startTestRegistry, TestImage } from '../testing';
import {
  bytesOf,
  expectOciError,
  expectRawOciError,
  OCI_MANIFEST,
  patchChunk,
  randomBlob,
  rawRequest,
  RawRequest,
  RawResponse,
  sendTruncated,
  startUpload,
  stopRegistry,
  withDigest,
} from './conformance-helpers';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('conformance: bad input', () => {
  let r: RegistryHarness;
  let image: TestImage;
  let uploadId: string;
  const validDigest = sha256('some content');

  beforeAll(async () => {
    r = await startTestRegistry();
    image = makeImage();
    expect((await pushImage(r.url, 'good/repo', image, 'v1')).status).toBe(201);
    uploadId = new URL(await startUpload(r.url, 'good/repo')).pathname.split('/').pop() as string;
  });
  afterAll(async () => {
    await stopRegistry(r);
  });

  /** Raw path spellings of invalid repository names (sent verbatim, never normalised). */
  const invalidNames: [string, string][] = [
    ['upper case', 'UPPER'],
    ['upper case in a later component', 'team/App'],
    ['a ".." component', 'a/../b'],
    ['".." alone as a component', 'a/..'],
    ['an empty component', 'a//b'],
    ['a leading "-"', '-lead'],
    ['a component with a leading "-"', 'a/-lead'],
    ['a trailing separator', 'a.'],
    ['300 characters', 'x'.repeat(300)],
    ['300 characters over several components', Array.from({ length: 30 }, () => 'abcdefghi').join('/')],
    ['percent-encoded ".." components', 'a/%2e%2e/b'],
    ['encoded slashes around ".."', 'a%2F..%2Fb'],
    ['a space', 'a%20b'],
    ['a NUL byte', 'a%00b'],
  ];

  const families: [string, (name: string) => RawRequest][] = [
    ['GET manifest', (n) => ({ method: 'GET', path: `/v2/${n}/manifests/v1` })],
    ['HEAD manifest', (n) => ({ method: 'HEAD', path: `/v2/${n}/manifests/v1` })],
    ['PUT manifest', (n) => ({ method: 'PUT', path: `/v2/${n}/manifests/v1`, headers: { 'Content-Type': OCI_MANIFEST }, body: image.manifest })],
    ['DELETE manifest', (n) => ({ method: 'DELETE', path: `/v2/${n}/manifests/${image.digest}` })],
    ['GET blob', (n) => ({ method: 'GET', path: `/v2/${n}/blobs/${validDigest}` })],
    ['HEAD blob', (n) => ({ method: 'HEAD', path: `/v2/${n}/blobs/${validDigest}` })],
    ['DELETE blob', (n) => ({ method: 'DELETE', path: `/v2/${n}/blobs/${validDigest}` })],
    ['POST upload', (n) => ({ method: 'POST', path: `/v2/${n}/blobs/uploads/` })],
    ['POST monolithic upload', (n) => ({ method: 'POST', path: `/v2/${n}/blobs/uploads/?digest=${validDigest}`, headers: { 'Content-Type': 'application/octet-stream' }, body: 'some content' })],
    ['POST mount', (n) => ({ method: 'POST', path: `/v2/${n}/blobs/uploads/?mount=${validDigest}&from=good/repo` })],
    ['GET upload', (n) => ({ method: 'GET', path: `/v2/${n}/blobs/uploads/${uploadId}` })],
    ['PATCH upload', (n) => ({ method: 'PATCH', path: `/v2/${n}/blobs/uploads/${uploadId}`, headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': '0-3' }, body: 'data' })],
    ['PUT upload', (n) => ({ method: 'PUT', path: `/v2/${n}/blobs/uploads/${uploadId}?digest=${validDigest}` })],
    ['DELETE upload', (n) => ({ method: 'DELETE', path: `/v2/${n}/blobs/uploads/${uploadId}` })],
    ['GET tags', (n) => ({ method: 'GET', path: `/v2/${n}/tags/list` })],
    ['GET referrers', (n) => ({ method: 'GET', path: `/v2/${n}/referrers/${image.digest}` })],
  ];

  function verdict(res: RawResponse, method: string): string {
    if (res.status !== 400) return `${res.status} ${res.body.toString('utf8').slice(0, 120)}`;
    if (method === 'HEAD') return 'ok';
    try {
      const code = (JSON.parse(res.body.toString('utf8')) as { errors: { code: string }[] }).errors[0].code;
      return code === 'NAME_INVALID' ? 'ok' : `400 ${code}`;
    } catch {
      return `400 with a non-OCI body ${res.body.toString('utf8').slice(0, 80)}`;
    }
  }

  describe.each(families)('invalid repository names on %s', (_family, build) => {
    it('are 400 NAME_INVALID', async () => {
      const outcomes: Record<string, string> = {};
      for (const [what, name] of invalidNames) {
        const req = build(name);
        const res = await rawRequest(r.url, req);
        outcomes[what] = verdict(res, req.method);
      }
      expect(outcomes).toEqual(Object.fromEntries(invalidNames.map(([what]) => [what, 'ok'])));
    });
  });

  it('no repository with an invalid name was created by any of the requests above', async () => {
    // Runs after the PUT/POST families: whatever they answered, nothing may have been stored.
    const res = await fetch(`${r.url}/v2/_catalog`);
    const body = (await res.json()) as { repositories: string[] };
    expect(body.repositories).toEqual(['good/repo']);
    // A repository exists (tags/list answers 200) once anything was recorded under its name.
    const created: string[] = [];
    for (const [what, name] of invalidNames) {
      const tags = await rawRequest(r.url, { method: 'GET', path: `/v2/${name}/tags/list` });
      if (tags.status === 200) created.push(what);
    }
    expect(created).toEqual([]);
  });

  describe('invalid tags', () => {
    const invalidTags: [string, string][] = [
      ['a leading "-"', '-tag'],
      ['a leading "."', '.tag'],
      ['129 characters', 'a'.repeat(129)],
      ['a "+"', 'a+b'],
      ['a space', 'a%20b'],
      ['a NUL byte', 'a%00b'],
      ['a non-ASCII letter', 't%C3%A9'],
      ['encoded slashes', '..%2F..%2Fetc'],
    ];
    it.each(invalidTags)('%s is 404 MANIFEST_UNKNOWN on GET and HEAD, 400 TAG_INVALID on PUT and DELETE', async (_what, tag) => {
      const get = await rawRequest(r.url, { method: 'GET', path: `/v2/good/repo/manifests/${tag}` });
      expectRawOciError(get, 404, 'MANIFEST_UNKNOWN');
      const head = await rawRequest(r.url, { method: 'HEAD', path: `/v2/good/repo/manifests/${tag}` });
      expect(head.status).toBe(404);
      const put = await rawRequest(r.url, { method: 'PUT', path: `/v2/good/repo/manifests/${tag}`, headers: { 'Content-Type': OCI_MANIFEST }, body: image.manifest });
      expectRawOciError(put, 400, 'TAG_INVALID');
      const del = await rawRequest(r.url, { method: 'DELETE', path: `/v2/good/repo/manifests/${tag}` });
      expectRawOciError(del, 400, 'TAG_INVALID');
    });
  });

  describe('percent-encoded path tricks', () => {
    it.each([
      ['GET', '/v2/a/%2e%2e/b/manifests/v1'],
      ['GET', '/v2/good/%2e%2e/repo/manifests/v1'],
      ['GET', '/v2/%2e%2e/manifests/v1'],
      ['GET', '/v2/good%2F%2E%2E%2Fgood%2Frepo/manifests/v1'],
      ['PUT', '/v2/a/%2e%2e/b/manifests/v1'],
      ['GET', '/v2/a/%2e%2e/b/tags/list'],
      ['POST', '/v2/a/%2e%2e/b/blobs/uploads/'],
    ])('%s %s is 400 NAME_INVALID', async (method, path) => {
      const res = await rawRequest(r.url, { method, path, ...(method === 'PUT' ? { headers: { 'Content-Type': OCI_MANIFEST }, body: image.manifest } : {}) });
      expectRawOciError(res, 400, 'NAME_INVALID');
    });

    it('a ".." in the reference position is refused, not resolved', async () => {
      const res = await rawRequest(r.url, { method: 'GET', path: '/v2/good/repo/manifests/%2e%2e' });
      expectRawOciError(res, 404, 'MANIFEST_UNKNOWN');
      const res2 = await rawRequest(r.url, { method: 'GET', path: '/v2/good/repo/blobs/..%2F..%2Fblobs%2Fsha256' });
      expectRawOciError(res2, 400, 'DIGEST_INVALID');
    });

    it('a "%2F" inside a digest is DIGEST_INVALID', async () => {
      const res = await rawRequest(r.url, { method: 'GET', path: `/v2/good/repo/blobs/sha256%3A${'a'.repeat(30)}%2F${'a'.repeat(33)}` });
      expectRawOciError(res, 400, 'DIGEST_INVALID');
    });

    it('a malformed percent-encoding is a 4xx in the OCI error shape', async () => {
      const res = await rawRequest(r.url, { method: 'GET', path: '/v2/good/repo/manifests/%zz' });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expectRawOciError(res, res.status);
    });
  });

  describe('manifest fields PostgreSQL cannot store, and deep nesting', () => {
    const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
    const manifestWith = (fields: Record<string, unknown>) => JSON.stringify({ ...(JSON.parse(image.manifest.toString('utf8')) as object), ...fields });
    const indexWith = (platform: Record<string, unknown>) =>
      JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ mediaType: OCI_MANIFEST, digest: image.digest, size: image.manifest.length, platform }] });
    const amd64 = { os: 'linux', architecture: 'amd64' };
    // JSON.stringify sends NUL as the escape \u0000 and a lone surrogate as \ud800, as a hostile client would.
    // Bodies are built when the test runs, once beforeAll has made the image.
    const cases: [string, string, () => string, RegExp][] = [
      ['a NUL in an annotation value', OCI_MANIFEST, () => manifestWith({ annotations: { a: 'x\u0000y' } }), /^annotations\["a"\] contains a NUL character/],
      ['a NUL in an annotation key', OCI_MANIFEST, () => manifestWith({ annotations: { 'a\u0000': 'x' } }), /^a key of annotations contains a NUL character/],
      ['a lone surrogate in an annotation value', OCI_MANIFEST, () => manifestWith({ annotations: { a: '\ud800' } }), /^annotations\["a"\] contains an unpaired UTF-16 surrogate/],
      ['a NUL in artifactType', OCI_MANIFEST, () => manifestWith({ artifactType: 'application/x\u0000' }), /^artifactType contains a NUL character/],
      ['a lone surrogate in artifactType', OCI_MANIFEST, () => manifestWith({ artifactType: 'application/x\udc00' }), /^artifactType contains an unpaired UTF-16 surrogate/],
      ['a NUL in platform.os', OCI_INDEX, () => indexWith({ ...amd64, os: 'linux\u0000' }), /^manifests\[0\]\.platform\.os contains a NUL character/],
      ['a lone surrogate in platform.architecture', OCI_INDEX, () => indexWith({ ...amd64, architecture: '\ud800' }), /^manifests\[0\]\.platform\.architecture contains an unpaired UTF-16 surrogate/],
      ['a NUL in platform os.features', OCI_INDEX, () => indexWith({ ...amd64, 'os.features': ['\u0000'] }), /^manifests\[0\]\.platform\.os\.features\[0\] contains a NUL character/],
      ['a lone surrogate in platform.variant', OCI_INDEX, () => indexWith({ ...amd64, variant: 'v\udfff' }), /^manifests\[0\]\.platform\.variant contains an unpaired UTF-16 surrogate/],
      ['nesting 50,000 deep in an unknown field', OCI_MANIFEST, () => `${image.manifest.toString('utf8').slice(0, -1)},"x":${'['.repeat(50_000)}${']'.repeat(50_000)}}`, /^manifest nests arrays and objects deeper than 64 levels$/],
    ];

    it.each(cases)('%s is 400 MANIFEST_INVALID naming the field, and nothing is stored', async (_what, mediaType, body, message) => {
      const tag = `text-${Math.random().toString(36).slice(2)}`;
      const res = await rawRequest(r.url, { method: 'PUT', path: `/v2/good/repo/manifests/${tag}`, headers: { 'Content-Type': mediaType }, body: body() });
      const error = expectRawOciError(res, 400, 'MANIFEST_INVALID');
      expect(error.errors[0].message).toMatch(message);
      expectRawOciError(await rawRequest(r.url, { method: 'GET', path: `/v2/good/repo/manifests/${tag}` }), 404, 'MANIFEST_UNKNOWN');
    });
  });

  describe('clients that send less than they declared and hang up', () => {
    async function serverStillServes(): Promise<void> {
      const base = await fetch(`${r.url}/v2/`);
      expect(base.status).toBe(200);
      const data = randomBlob(100);
      const digest = await pushBlob(r.url, 'good/after', data);
      expect((await bytesOf(await fetch(`${r.url}/v2/good/after/blobs/${digest}`))).equals(data)).toBe(true);
    }

    /** Retries a request the server may briefly refuse while it notices the client has gone. */
    async function untilNot416(send: () => Promise<Response>): Promise<Response> {
      for (let i = 0; ; i++) {
        const res = await send();
        if (res.status !== 416 || i >= 20) return res;
        await res.arrayBuffer();
        await sleep(100);
      }
    }

    it('a monolithic POST: no blob is created, no temporary file is left, and the server keeps serving', async () => {
      const data = randomBlob(100_000);
      const digest = sha256(data);
      const uploadsDir = join(r.config.dataDir, 'uploads');
      const before = await readdir(uploadsDir).catch(() => [] as string[]);
      const res = await sendTruncated(r.url, {
        method: 'POST',
        path: `/v2/trunc/mono/blobs/uploads/?digest=${digest}`,
        headers: { 'Content-Type': 'application/octet-stream' },
        declaredLength: data.length,
        sent: data.subarray(0, 10_000),
      });
      expect(res === undefined || res.status < 500).toBe(true);
      await sleep(300);
      expect((await fetch(`${r.url}/v2/trunc/mono/blobs/${digest}`, { method: 'HEAD' })).status).toBe(404);
      expect((await fetch(`${r.url}/v2/trunc/mono/blobs/${sha256(data.subarray(0, 10_000))}`, { method: 'HEAD' })).status).toBe(404);
      const after = await readdir(uploadsDir).catch(() => [] as string[]);
      expect(after.filter((f) => !before.includes(f))).toEqual([]);
      await serverStillServes();
    });

    it('a chunked PATCH: the offset does not move, and the upload can be finished afterwards', async () => {
      const data = randomBlob(50_000);
      const location = await startUpload(r.url, 'trunc/patch');
      const u = new URL(location);
      const res = await sendTruncated(r.url, {
        method: 'PATCH',
        path: u.pathname,
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `0-${data.length - 1}` },
        declaredLength: data.length,
        sent: data.subarray(0, 20_000),
      });
      expect(res === undefined || res.status < 500).toBe(true);
      const patched = await untilNot416(() => patchChunk(location, data, 0));
      expect(patched.status).toBe(202);
      expect(patched.headers.get('range')).toBe(`0-${data.length - 1}`);
      const put = await fetch(withDigest(location, sha256(data)), { method: 'PUT' });
      expect(put.status).toBe(201);
      expect((await bytesOf(await fetch(`${r.url}/v2/trunc/patch/blobs/${sha256(data)}`))).equals(data)).toBe(true);
      await serverStillServes();
    });

    it('a streamed PATCH (no Content-Range): nothing is acknowledged', async () => {
      const first = randomBlob(1000);
      const location = await startUpload(r.url, 'trunc/stream');
      const ok = await patchChunk(location, first, 0);
      expect(ok.status).toBe(202);
      await sendTruncated(r.url, {
        method: 'PATCH',
        path: new URL(location).pathname,
        headers: { 'Content-Type': 'application/octet-stream' },
        declaredLength: 5000,
        sent: randomBlob(100),
      });
      await sleep(300);
      const status = await fetch(location);
      expect(status.status).toBe(204);
      expect(status.headers.get('range')).toBe('0-999');
      const rest = randomBlob(500);
      const patched = await untilNot416(() => patchChunk(location, rest, 1000));
      expect(patched.status).toBe(202);
      const all = Buffer.concat([first, rest]);
      expect((await fetch(withDigest(location, sha256(all)), { method: 'PUT' })).status).toBe(201);
      expect((await bytesOf(await fetch(`${r.url}/v2/trunc/stream/blobs/${sha256(all)}`))).equals(all)).toBe(true);
    });

    it('a final PUT with a body: no blob is created', async () => {
      const data = randomBlob(30_000);
      const location = await startUpload(r.url, 'trunc/put');
      await sendTruncated(r.url, {
        method: 'PUT',
        path: `${new URL(location).pathname}?digest=${sha256(data)}`,
        headers: { 'Content-Type': 'application/octet-stream' },
        declaredLength: data.length,
        sent: data.subarray(0, 1000),
      });
      await sleep(300);
      expect((await fetch(`${r.url}/v2/trunc/put/blobs/${sha256(data)}`, { method: 'HEAD' })).status).toBe(404);
      await serverStillServes();
    });

    it('a manifest PUT: no manifest and no tag are created', async () => {
      const img = makeImage();
      await pushBlob(r.url, 'trunc/manifest', img.config);
      await pushBlob(r.url, 'trunc/manifest', img.layers[0]);
      await sendTruncated(r.url, {
        method: 'PUT',
        path: '/v2/trunc/manifest/manifests/v1',
        headers: { 'Content-Type': OCI_MANIFEST },
        declaredLength: img.manifest.length,
        sent: img.manifest.subarray(0, 50),
      });
      await sleep(300);
      await expectOciError(await fetch(`${r.url}/v2/trunc/manifest/manifests/v1`), 404, 'MANIFEST_UNKNOWN');
      await serverStillServes();
    });
  });

  describe('never a 5xx', () => {
    const cases: [string, () => RawRequest][] = [
      ['a 20-digit Content-Range', () => ({ method: 'PATCH', path: `/v2/good/repo/blobs/uploads/${uploadId}`, headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': '0-99999999999999999999' }, body: 'abcd' })],
      ['a Content-Range far beyond the offset', () => ({ method: 'PATCH', path: `/v2/good/repo/blobs/uploads/${uploadId}`, headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': '999999999999998-999999999999999' }, body: 'ab' })],
      ['a 30-digit Range on a blob', () => ({ method: 'GET', path: `/v2/good/repo/blobs/${image.digest}`, headers: { Range: 'bytes=0-999999999999999999999999999999' } })],
      ['a Range starting past 2^53', () => ({ method: 'GET', path: `/v2/good/repo/manifests/v1`, headers: { Range: 'bytes=99999999999999999999-' } })],
      ['an Accept of punctuation', () => ({ method: 'GET', path: '/v2/good/repo/manifests/v1', headers: { Accept: ';;;,,, ; q=x, /' } })],
      ['a huge Accept', () => ({ method: 'GET', path: '/v2/good/repo/manifests/v1', headers: { Accept: `${'application/x,'.repeat(2000)}*/*` } })],
      ['a repeated digest parameter', () => ({ method: 'POST', path: `/v2/good/repo/blobs/uploads/?digest=${validDigest}&digest=${sha256('x')}`, headers: { 'Content-Type': 'application/octet-stream' }, body: 'some content' })],
      ['an empty digest parameter', () => ({ method: 'POST', path: '/v2/good/repo/blobs/uploads/?digest=', body: 'x' })],
      ['an empty mount parameter', () => ({ method: 'POST', path: '/v2/good/repo/blobs/uploads/?mount=&from=good/repo' })],
      ['a mount with an empty from', () => ({ method: 'POST', path: `/v2/good/repo/blobs/uploads/?mount=${validDigest}&from=` })],
      ['a referrers filter with a NUL byte', () => ({ method: 'GET', path: `/v2/good/repo/referrers/${image.digest}?artifactType=%00` })],
      ['a referrers filter of 10 000 characters', () => ({ method: 'GET', path: `/v2/good/repo/referrers/${image.digest}?artifactType=${'a'.repeat(10_000)}` })],
      ['a tags list with last of a NUL byte', () => ({ method: 'GET', path: '/v2/good/repo/tags/list?last=%00' })],
      ['a catalog with last of a NUL byte', () => ({ method: 'GET', path: '/v2/_catalog?last=%00' })],
      ['a tags list with an empty n', () => ({ method: 'GET', path: '/v2/good/repo/tags/list?n=' })],
      ['a manifest PUT with no Content-Type and no mediaType', () => ({ method: 'PUT', path: '/v2/good/repo/manifests/x', body: '{"schemaVersion":2}' })],
      ['a manifest PUT with a Content-Type full of parameters', () => ({ method: 'PUT', path: '/v2/good/repo/manifests/x', headers: { 'Content-Type': `${OCI_MANIFEST}; charset=utf-8; x="y;z"` }, body: image.manifest })],
      ['a manifest with a deeply nested annotation value', () => ({ method: 'PUT', path: '/v2/good/repo/manifests/x', headers: { 'Content-Type': OCI_MANIFEST }, body: `{"schemaVersion":2,"annotations":${'['.repeat(5000)}${']'.repeat(5000)}}` })],
      ['a manifest with __proto__ keys', () => ({ method: 'PUT', path: '/v2/good/repo/manifests/x', headers: { 'Content-Type': OCI_MANIFEST }, body: '{"__proto__":{"polluted":1},"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"__proto__":{}},"layers":[]}' })],
      ['a manifest whose size is a float', () => ({ method: 'PUT', path: '/v2/good/repo/manifests/x', headers: { 'Content-Type': OCI_MANIFEST }, body: JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: validDigest, size: 1.5 }, layers: [] }) })],
      ['a manifest whose size is 2^63', () => ({ method: 'PUT', path: '/v2/good/repo/manifests/x', headers: { 'Content-Type': OCI_MANIFEST }, body: `{"schemaVersion":2,"mediaType":"${OCI_MANIFEST}","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"${validDigest}","size":9223372036854775808},"layers":[]}` })],
      ['an upload PUT with a body and an unparseable Content-Length', () => ({ method: 'PUT', path: `/v2/good/repo/blobs/uploads/${uploadId}?digest=${validDigest}`, headers: { 'Content-Length': '12abc' }, body: 'some content' })],
    ];

    it.each(cases)('%s', async (_what, build) => {
      const res = await rawRequest(r.url, build());
      expect({ status: res.status, body: res.body.toString('utf8').slice(0, 200) }).toEqual({ status: expect.any(Number), body: expect.any(String) });
      expect(res.status).toBeLessThan(500);
    });

    it('the server still answers after all of the above', async () => {
      expect((await fetch(`${r.url}/v2/`)).status).toBe(200);
      const get = await fetch(`${r.url}/v2/good/repo/manifests/v1`);
      expect(get.status).toBe(200);
      expect((await bytesOf(get)).equals(image.manifest)).toBe(true);
    });
  });
});
