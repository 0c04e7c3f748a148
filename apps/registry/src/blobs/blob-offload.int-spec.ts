import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, rmSync, truncateSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signToken } from '@wharf/auth';
import { createTestDatabase, TestDatabase } from '@wharf/db/testing';
import { bytesOf, expectOciError, randomBlob, sha512, stopRegistry } from '../conformance/conformance-helpers';
import { IdentityFixtures, pushBlob, RegistryHarness, sha256, startTestRegistry } from '../testing';

/**
 * Blob offload to the gateway: a registry with REGISTRY_ACCEL_PREFIX answers a blob GET marked
 * `X-Wharf-Accel: 1` with `X-Accel-Redirect` and no body, after the same checks as a streamed pull;
 * everything else is served as without it.
 */

const PREFIX = '/_wharf_blobs';
const ACCEL = { 'X-Wharf-Accel': '1' };

function filePath(dataDir: string, digest: string): string {
  const [alg, hex] = digest.split(':');
  return join(dataDir, 'blobs', alg, hex.slice(0, 2), hex);
}

describe('blob offload (REGISTRY_ACCEL_PREFIX set)', () => {
  let r: RegistryHarness;
  const repo = 'offload/app';
  const content = randomBlob(4096);
  let digest: string;
  const blobUrl = (d: string, name = repo) => `${r.url}/v2/${name}/blobs/${d}`;

  beforeAll(async () => {
    r = await startTestRegistry({ accelPrefix: PREFIX });
    digest = await pushBlob(r.url, repo, content);
  });
  afterAll(async () => {
    await stopRegistry(r);
  });

  it('answers a marked GET with 200, the blob headers, X-Accel-Redirect to the file and no body', async () => {
    const res = await fetch(blobUrl(digest), { headers: ACCEL });
    expect(res.status).toBe(200);
    const hex = digest.slice('sha256:'.length);
    expect(res.headers.get('x-accel-redirect')).toBe(`${PREFIX}/sha256/${hex.slice(0, 2)}/${hex}`);
    expect(res.headers.get('docker-content-digest')).toBe(digest);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('etag')).toBe(`"${digest}"`);
    expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    // The gateway sends the file's length and announces ranges for the file it serves.
    expect(res.headers.get('content-length')).toBe('0');
    expect(res.headers.get('accept-ranges')).toBeNull();
    expect((await bytesOf(res)).length).toBe(0);
  });

  it('the redirect names the file holding exactly the blob, below DATA_DIR/blobs', async () => {
    const res = await fetch(blobUrl(digest), { headers: ACCEL });
    const uri = res.headers.get('x-accel-redirect') as string;
    await res.arrayBuffer();
    const below = uri.slice(PREFIX.length + 1);
    expect(readFileSync(join(r.config.dataDir, 'blobs', below)).equals(content)).toBe(true);
  });

  it.each(['bytes=0-9', 'bytes=-10', 'bytes=5000-6000'])('forwards a Range request (%s) for the gateway to apply to the file', async (range) => {
    const res = await fetch(blobUrl(digest), { headers: { ...ACCEL, Range: range } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-accel-redirect')).toMatch(new RegExp(`^${PREFIX}/sha256/`));
    expect(res.headers.get('content-range')).toBeNull();
    expect((await bytesOf(res)).length).toBe(0);
  });

  it('serves a sha512 blob from its sha512 path', async () => {
    const data = randomBlob(300);
    const d = sha512(data);
    const post = await fetch(`${r.url}/v2/${repo}/blobs/uploads/?digest=${d}`, { method: 'POST', body: new Uint8Array(data), headers: { 'Content-Type': 'application/octet-stream' } });
    expect(post.status).toBe(201);
    const res = await fetch(blobUrl(d), { headers: ACCEL });
    const hex = d.slice('sha512:'.length);
    expect(res.headers.get('x-accel-redirect')).toBe(`${PREFIX}/sha512/${hex.slice(0, 2)}/${hex}`);
    expect(res.headers.get('docker-content-digest')).toBe(d);
    await res.arrayBuffer();
  });

  it('without the mark, GET streams the blob as usual (with ranges), and never names the file', async () => {
    const res = await fetch(blobUrl(digest));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-accel-redirect')).toBeNull();
    expect(res.headers.get('content-length')).toBe(String(content.length));
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect((await bytesOf(res)).equals(content)).toBe(true);

    const ranged = await fetch(blobUrl(digest), { headers: { Range: 'bytes=10-19' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 10-19/${content.length}`);
    expect((await bytesOf(ranged)).equals(content.subarray(10, 20))).toBe(true);
  });

  it.each(['0', 'yes', '', '1, 1'])('a mark other than "1" (%j) is ignored', async (value) => {
    const res = await fetch(blobUrl(digest), { headers: { 'X-Wharf-Accel': value } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-accel-redirect')).toBeNull();
    expect((await bytesOf(res)).equals(content)).toBe(true);
  });

  it('HEAD is unchanged by the mark', async () => {
    const res = await fetch(blobUrl(digest), { method: 'HEAD', headers: ACCEL });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-accel-redirect')).toBeNull();
    expect(res.headers.get('content-length')).toBe(String(content.length));
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect((await bytesOf(res)).length).toBe(0);
  });

  it('checks the repository link first: an unknown blob or one of another repository is 404 BLOB_UNKNOWN', async () => {
    await expectOciError(await fetch(blobUrl(sha256('never pushed')), { headers: ACCEL }), 404, 'BLOB_UNKNOWN');
    await pushBlob(r.url, 'offload/stranger', randomBlob(8));
    const res = await fetch(blobUrl(digest, 'offload/stranger'), { headers: ACCEL });
    expect(res.headers.get('x-accel-redirect')).toBeNull();
    await expectOciError(res, 404, 'BLOB_UNKNOWN');
    await expectOciError(await fetch(`${r.url}/v2/no/such/repo/blobs/${digest}`, { headers: ACCEL }), 404, 'BLOB_UNKNOWN');
  });

  it('an invalid digest is 400 DIGEST_INVALID', async () => {
    await expectOciError(await fetch(blobUrl('sha256:..%2F..%2Fetc%2Fpasswd'), { headers: ACCEL }), 400, 'DIGEST_INVALID');
    await expectOciError(await fetch(blobUrl('sha256:' + 'A'.repeat(64)), { headers: ACCEL }), 400, 'DIGEST_INVALID');
  });

  it('a deleted blob is 404 BLOB_UNKNOWN', async () => {
    const d = await pushBlob(r.url, 'offload/deleted', randomBlob(20));
    expect((await fetch(blobUrl(d, 'offload/deleted'), { method: 'DELETE' })).status).toBe(202);
    await expectOciError(await fetch(blobUrl(d, 'offload/deleted'), { headers: ACCEL }), 404, 'BLOB_UNKNOWN');
  });

  it('a file missing from storage is 404 BLOB_UNKNOWN, as when streaming', async () => {
    const d = await pushBlob(r.url, 'offload/missing', randomBlob(50));
    rmSync(filePath(r.config.dataDir, d));
    const res = await fetch(blobUrl(d, 'offload/missing'), { headers: ACCEL });
    expect(res.headers.get('x-accel-redirect')).toBeNull();
    await expectOciError(res, 404, 'BLOB_UNKNOWN');
  });

  it('a damaged file is not handed to the gateway: the registry streams it and cuts the transfer', async () => {
    const data = randomBlob(256 * 1024);
    const d = await pushBlob(r.url, 'offload/damaged', data);
    truncateSync(filePath(r.config.dataDir, d), 1000);
    const res = await fetch(blobUrl(d, 'offload/damaged'), { headers: ACCEL });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-accel-redirect')).toBeNull();
    expect(res.headers.get('content-length')).toBe(String(data.length));
    await expect(res.arrayBuffer()).rejects.toThrow();
  });
});

describe('blob offload not configured', () => {
  let r: RegistryHarness;

  beforeAll(async () => {
    r = await startTestRegistry();
  });
  afterAll(async () => {
    await stopRegistry(r);
  });

  it('the config has no prefix unless REGISTRY_ACCEL_PREFIX is set', () => {
    expect(r.config.accelPrefix).toBeUndefined();
  });

  it('a marked GET streams the blob, with ranges, as without the mark', async () => {
    const data = randomBlob(1000);
    const d = await pushBlob(r.url, 'plain/app', data);
    const res = await fetch(`${r.url}/v2/plain/app/blobs/${d}`, { headers: ACCEL });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-accel-redirect')).toBeNull();
    expect(res.headers.get('content-length')).toBe('1000');
    expect((await bytesOf(res)).equals(data)).toBe(true);
    const ranged = await fetch(`${r.url}/v2/plain/app/blobs/${d}`, { headers: { ...ACCEL, Range: 'bytes=990-' } });
    expect(ranged.status).toBe(206);
    expect((await bytesOf(ranged)).equals(data.subarray(990))).toBe(true);
  });
});

describe('blob offload with token authentication', () => {
  let db: TestDatabase;
  let r: RegistryHarness;
  let fixtures: IdentityFixtures;
  let keyDir: string;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const bearer = async (name: string, actions: string[]) => ({
    Authorization: `Bearer ${(await signToken(privateKey, { issuer: 'iss', audience: 'svc', subject: 'admin', access: [{ type: 'repository', name, actions }], expiresIn: 300 })).token}`,
  });
  let digest: string;

  beforeAll(async () => {
    db = await createTestDatabase('wharf_reg_accel');
    keyDir = await mkdtemp(join(tmpdir(), 'wharf-key-'));
    const keyPath = join(keyDir, 'private_key.pem');
    await writeFile(keyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600 });
    r = await startTestRegistry(
      { accelPrefix: PREFIX, auth: { mode: 'token', realm: 'http://token.example.test/service/token', issuer: 'iss', service: 'svc', privateKeyPath: keyPath, robotPrefix: 'robot$' } },
      { db },
    );
    fixtures = IdentityFixtures.open(db.url);
    await fixtures.project('private');
    digest = await pushBlob(r.url, 'private/app', randomBlob(100), await bearer('private/app', ['pull', 'push']));
  });
  afterAll(async () => {
    await fixtures?.close();
    await r?.close();
    await db?.drop();
    if (keyDir) await rm(keyDir, { recursive: true, force: true });
  });

  it('an anonymous marked GET is challenged and learns no file path', async () => {
    const res = await fetch(`${r.url}/v2/private/app/blobs/${digest}`, { headers: ACCEL });
    expect(res.status).toBe(401);
    expect(res.headers.get('x-accel-redirect')).toBeNull();
    await res.arrayBuffer();
  });

  it('a token for another repository is refused too', async () => {
    const res = await fetch(`${r.url}/v2/private/app/blobs/${digest}`, { headers: { ...ACCEL, ...(await bearer('private/other', ['pull'])) } });
    expect([401, 403]).toContain(res.status);
    expect(res.headers.get('x-accel-redirect')).toBeNull();
    await res.arrayBuffer();
  });

  it('a token granting pull gets the redirect', async () => {
    const res = await fetch(`${r.url}/v2/private/app/blobs/${digest}`, { headers: { ...ACCEL, ...(await bearer('private/app', ['pull'])) } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-accel-redirect')).toBe(`${PREFIX}/sha256/${digest.slice(7, 9)}/${digest.slice(7)}`);
    await res.arrayBuffer();
  });
});
