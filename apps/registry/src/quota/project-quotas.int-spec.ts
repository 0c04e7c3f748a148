import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { makeImage, pushBlob, pushImage, putManifest, RegistryHarness, sha256, startTestRegistry, type TestImage } from '../testing';
import { stopRegistry } from '../conformance/conformance-helpers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('project storage quotas in the data plane', () => {
  let r: RegistryHarness;
  let db: Client;
  let n = 0;

  beforeAll(async () => {
    r = await startTestRegistry();
    db = new Client({ connectionString: r.db.url });
    await db.connect();
  });

  afterAll(async () => {
    await db.end();
    await stopRegistry(r);
  });

  async function project(limit: number): Promise<string> {
    const name = `quota${++n}`;
    await db.query('INSERT INTO project (name, storage_limit) VALUES ($1, $2)', [name, limit]);
    return name;
  }

  /** The stored usage, after checking it equals a recount from the references. */
  async function usage(projectName: string): Promise<number> {
    const { rows } = await db.query<{ used: string | null; recomputed: string }>(
      'SELECT q.used, quota_recomputed(p.id) AS recomputed FROM project p LEFT JOIN quota q ON q.project_id = p.id WHERE p.name = $1',
      [projectName],
    );
    expect(rows[0]!.used ?? '0').toBe(rows[0]!.recomputed);
    return Number(rows[0]!.recomputed);
  }

  const sizeOf = (img: TestImage, counted = true) => (counted ? img.manifest.length + img.config.length + img.layers.reduce((s, l) => s + l.length, 0) : 0);

  const blobIn = (repo: string, data: Buffer) => fetch(`${r.url}/v2/${repo}/blobs/${sha256(data)}`, { method: 'HEAD' });
  /** Repositories the API shows: those that recorded an artifact (migration 0015). */
  const listedRepositories = async (name: string) => (await db.query('SELECT 1 FROM repository WHERE name = $1 AND first_push_time IS NOT NULL', [name])).rows.length;

  it('counts each blob once per project however many artifacts share it, and in each project that has it', async () => {
    const a = await project(-1);
    const b = await project(-1);
    const shared = Buffer.alloc(5000, 's');
    const one = makeImage({ layers: [shared, Buffer.from('one')] });
    const two = makeImage({ layers: [shared, Buffer.from('two')] });
    await pushImage(r.url, `${a}/x`, one, 'v1');
    await pushImage(r.url, `${a}/y`, two, 'v1');
    await pushImage(r.url, `${b}/z`, one, 'v1');
    expect(await usage(a)).toBe(sizeOf(one) + sizeOf(two) - shared.length);
    expect(await usage(b)).toBe(sizeOf(one));
    // Deleting an artifact leaves its blobs in the repository: they stay charged until garbage
    // collection removes them (jobservice gc.int-spec), as in Harbor.
    expect((await fetch(`${r.url}/v2/${a}/x/manifests/${one.digest}`, { method: 'DELETE' })).status).toBe(202);
    expect(await usage(a)).toBe(sizeOf(one) + sizeOf(two) - shared.length);
    // Deleting a blob from a repository releases it unless another repository of the project holds it.
    expect((await fetch(`${r.url}/v2/${a}/x/blobs/${sha256(shared)}`, { method: 'DELETE' })).status).toBe(202);
    expect(await usage(a)).toBe(sizeOf(one) + sizeOf(two) - shared.length);
    expect((await fetch(`${r.url}/v2/${a}/x/blobs/${sha256(one.layers[1]!)}`, { method: 'DELETE' })).status).toBe(202);
    expect(await usage(a)).toBe(sizeOf(one) + sizeOf(two) - shared.length - one.layers[1]!.length);
    expect(await usage(b)).toBe(sizeOf(one));
  });

  it('charges blobs when their upload completes, so blobs alone cannot pass the limit', async () => {
    const p = await project(1024 * 1024);
    const results: number[] = [];
    for (let i = 0; i < 8; i++) {
      const data = randomBytes(200 * 1024);
      const res = await fetch(`${r.url}/v2/${p}/app/blobs/uploads/?digest=${sha256(data)}`, { method: 'POST', body: new Uint8Array(data), headers: { 'Content-Type': 'application/octet-stream' } });
      results.push(res.status);
    }
    // Five fit in the mebibyte; the sixth and later are refused before their bytes are kept.
    expect(results).toEqual([201, 201, 201, 201, 201, 403, 403, 403]);
    expect(await usage(p)).toBe(5 * 200 * 1024);
    // A blob the project already holds costs nothing: mounting or uploading it again is allowed.
    const held = (await db.query<{ digest: string }>(
      `SELECT b.digest FROM blob b JOIN repository_blob rb ON rb.blob_id = b.id JOIN repository r ON r.id = rb.repository_id WHERE r.name = $1 LIMIT 1`,
      [`${p}/app`],
    )).rows[0]!.digest;
    const mount = await fetch(`${r.url}/v2/${p}/other/blobs/uploads/?mount=${held}&from=${p}/app`, { method: 'POST' });
    expect(mount.status).toBe(201);
    expect(await usage(p)).toBe(5 * 200 * 1024);
  });

  it('refuses a mount into a project that cannot hold the blob', async () => {
    const source = await project(-1);
    const data = randomBytes(4000);
    await pushBlob(r.url, `${source}/src`, data);
    const p = await project(1000);
    const mount = await fetch(`${r.url}/v2/${p}/app/blobs/uploads/?mount=${sha256(data)}&from=${source}/src`, { method: 'POST' });
    expect(mount.status).toBe(403);
    expect(((await mount.json()) as { errors: { message: string }[] }).errors[0]!.message).toMatch(/quota exceeded/);
    expect((await blobIn(`${p}/app`, data)).status).toBe(404);
    expect(await usage(p)).toBe(0);
    expect(await listedRepositories(`${p}/app`)).toBe(0);
  });

  it('refuses an upload session once it holds more than the project has left, and frees its bytes', async () => {
    const p = await project(64 * 1024);
    const uploads = join(r.config.dataDir, 'uploads');
    // A streamed PATCH without a length: refused once its bytes pass what is left.
    const start = await fetch(`${r.url}/v2/${p}/app/blobs/uploads/`, { method: 'POST' });
    expect(start.status).toBe(202);
    const location = new URL(start.headers.get('location')!, r.url).toString();
    const streamed = await fetch(location, {
      method: 'PATCH',
      body: Readable.toWeb(Readable.from((function* () { for (let i = 0; i < 64; i++) yield randomBytes(16 * 1024); })())) as ReadableStream,
      headers: { 'Content-Type': 'application/octet-stream' },
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(403);
    expect(((await streamed.json()) as { errors: { code: string }[] }).errors[0]!.code).toBe('DENIED');
    expect((await fetch(location)).status).toBe(404);
    expect(await readdir(uploads).catch(() => [])).toEqual([]);
    // A chunk that declares more than is left is refused before it is read.
    const second = await fetch(`${r.url}/v2/${p}/app/blobs/uploads/`, { method: 'POST' });
    const next = new URL(second.headers.get('location')!, r.url).toString();
    const big = Buffer.alloc(128 * 1024, 3);
    const chunk = await fetch(next, { method: 'PATCH', body: new Uint8Array(big), headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `0-${big.length - 1}` } });
    expect(chunk.status).toBe(403);
    expect((await fetch(next)).status).toBe(404);
    expect(await readdir(uploads).catch(() => [])).toEqual([]);
    expect(await usage(p)).toBe(0);
    // What fits is still accepted.
    expect(await pushBlob(r.url, `${p}/app`, Buffer.alloc(32 * 1024, 4))).toMatch(/^sha256:/);
    expect(await usage(p)).toBe(32 * 1024);
  });

  it('refuses the manifest that would pass the limit with 403 and records nothing of it', async () => {
    const p = await project(-1);
    const image = makeImage({ layers: [Buffer.alloc(9000, 1)] });
    await pushBlob(r.url, `${p}/app`, image.config);
    await pushBlob(r.url, `${p}/app`, image.layers[0]!);
    // Room for the blobs, not for the manifest's own bytes.
    const blobs = await usage(p);
    await db.query('UPDATE project SET storage_limit = $2 WHERE name = $1', [p, blobs + 10]);
    await sleep(3500);
    const refused = await putManifest(r.url, `${p}/app`, 'v1', image.manifest, image.mediaType);
    expect(refused.status).toBe(403);
    const body = (await refused.json()) as { errors: { code: string; message: string }[] };
    expect(body.errors[0]).toMatchObject({ code: 'DENIED', message: expect.stringMatching(new RegExp(`quota exceeded: adding .* to project ${p}, which uses .* would pass its storage limit of 8\\.[0-9] KiB`)) });
    expect((await fetch(`${r.url}/v2/${p}/app/manifests/v1`, { method: 'HEAD' })).status).toBe(404);
    // A push refused by the quota leaves no empty repository behind; its blobs stay charged until
    // garbage collection removes them.
    expect(await listedRepositories(`${p}/app`)).toBe(0);
    expect(await usage(p)).toBe(blobs);
  });

  it('refuses a blob that alone passes the limit before storing its bytes', async () => {
    const p = await project(1000);
    const big = Buffer.alloc(4000, 7);
    const res = await fetch(`${r.url}/v2/${p}/app/blobs/uploads/?digest=${sha256(big)}`, { method: 'POST', body: new Uint8Array(big), headers: { 'Content-Type': 'application/octet-stream' } });
    expect(res.status).toBe(403);
    expect((await blobIn(`${p}/app`, big)).status).toBe(404);
    const { rows } = await db.query('SELECT 1 FROM blob WHERE digest = $1', [sha256(big)]);
    expect(rows).toHaveLength(0);
    // POST then PUT with the whole blob: refused at the PUT, the session gone.
    const start = await fetch(`${r.url}/v2/${p}/app/blobs/uploads/`, { method: 'POST' });
    const location = new URL(start.headers.get('location')!, r.url);
    location.searchParams.set('digest', sha256(big));
    const put = await fetch(location, { method: 'PUT', body: new Uint8Array(big), headers: { 'Content-Type': 'application/octet-stream' } });
    expect(put.status).toBe(403);
    expect((await fetch(new URL(start.headers.get('location')!, r.url))).status).toBe(404);
    expect(await usage(p)).toBe(0);
    expect(await listedRepositories(`${p}/app`)).toBe(0);
  });

  it('never lets concurrent pushes together pass the limit', async () => {
    const p = await project(30_000);
    const images = Array.from({ length: 8 }, (_, i) => makeImage({ layers: [Buffer.alloc(7000, 10 + i)] }));
    const results = await Promise.all(images.map((img, i) => pushImage(r.url, `${p}/race`, img, `t${i}`).then((res) => res.status, (err: Error) => (/ 403 /.test(err.message) ? 403 : 0))));
    const accepted = results.filter((status) => status === 201).length;
    expect(results.every((status) => status === 201 || status === 403)).toBe(true);
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(8);
    const used = await usage(p);
    expect(used).toBeLessThanOrEqual(30_000);
    expect(used).toBeGreaterThanOrEqual(images.filter((_, i) => results[i] === 201).reduce((s, img) => s + sizeOf(img), 0));
  });

  it('refuses skopeo with the reason when the copy would pass the limit, and lets it copy what fits', async () => {
    const source = await project(-1);
    // Random bytes: skopeo compresses a layer it finds uncompressed, and zeros would shrink to nothing.
    const image = makeImage({ layers: [randomBytes(6000)] });
    await pushImage(r.url, `${source}/src`, image, 'v1');
    const small = await project(2000);
    const roomy = await project(50_000);
    const host = r.url.replace('http://', '');
    const copy = (dest: string) =>
      promisify(execFile)('skopeo', ['copy', '--src-tls-verify=false', '--dest-tls-verify=false', `docker://${host}/${source}/src:v1`, `docker://${host}/${dest}`]);
    await expect(copy(`${small}/app:v1`)).rejects.toMatchObject({ stderr: expect.stringMatching(/quota exceeded/) });
    expect(await usage(small)).toBe(0);
    expect(await listedRepositories(`${small}/app`)).toBe(0);
    expect((await fetch(`${r.url}/v2/${small}/app/manifests/v1`, { method: 'HEAD' })).status).toBe(404);
    await copy(`${roomy}/app:v1`);
    expect(await usage(roomy)).toBeGreaterThan(6000);
  });

  it('applies a limit set while the registry runs within seconds', async () => {
    const p = await project(-1);
    await pushImage(r.url, `${p}/app`, makeImage({ layers: [Buffer.alloc(3000, 1)] }), 'v1');
    const used = await usage(p);
    await db.query('UPDATE project SET storage_limit = $2 WHERE name = $1', [p, used + 200]);
    await sleep(3500);
    // The small config fits the 200 bytes left (and is charged), its 3000-byte layer does not.
    const image = makeImage({ layers: [Buffer.alloc(3000, 2)] });
    await expect(pushImage(r.url, `${p}/app`, image, 'v2')).rejects.toThrow(/403.*quota exceeded/);
    expect(await pushBlob(r.url, `${p}/app`, Buffer.from('tiny'))).toMatch(/^sha256:/);
    expect(await usage(p)).toBe(used + image.config.length + 'tiny'.length);
  });
  it('lets pushes pass a limit while quota_per_project_enable is off, still counting, and enforces it again when on', async () => {
    const p = await project(2000);
    const big = makeImage({ layers: [randomBytes(5000)] });
    await expect(pushImage(r.url, `${p}/app`, big, 'v1')).rejects.toThrow(/403.*quota exceeded/);
    await db.query(`INSERT INTO setting (key, value) VALUES ('quota_per_project_enable', 'false'::jsonb)`);
    try {
      expect((await pushImage(r.url, `${p}/app`, big, 'v1')).status).toBe(201);
      // Counted all the same: the recount check in usage() holds.
      expect(await usage(p)).toBe(sizeOf(big));
    } finally {
      await db.query(`DELETE FROM setting WHERE key = 'quota_per_project_enable'`);
    }
    const more = makeImage({ layers: [randomBytes(100)] });
    await expect(pushImage(r.url, `${p}/app`, more, 'v2')).rejects.toThrow(/403.*quota exceeded/);
    expect(await usage(p)).toBe(sizeOf(big));
  });
});
