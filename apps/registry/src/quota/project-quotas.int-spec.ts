import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { makeImage, pushBlob, pushImage, RegistryHarness, sha256, startTestRegistry, type TestImage } from '../testing';
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
    // Deleting one artifact releases only what no other artifact of the project references.
    expect((await fetch(`${r.url}/v2/${a}/x/manifests/${one.digest}`, { method: 'DELETE' })).status).toBe(202);
    expect(await usage(a)).toBe(sizeOf(two));
    expect(await usage(b)).toBe(sizeOf(one));
  });

  it('refuses the manifest that would pass the limit with 403 and records nothing of it', async () => {
    const p = await project(20_000);
    const first = makeImage({ layers: [Buffer.alloc(9000, 1)] });
    expect((await pushImage(r.url, `${p}/app`, first, 'v1')).status).toBe(201);
    const second = makeImage({ layers: [Buffer.alloc(9000, 2), Buffer.alloc(4000, 3)] });
    const refused = await pushImage(r.url, `${p}/app`, second, 'v2');
    expect(refused.status).toBe(403);
    const body = (await refused.json()) as { errors: { code: string; message: string }[] };
    expect(body.errors[0]).toMatchObject({ code: 'DENIED', message: expect.stringMatching(new RegExp(`quota exceeded: adding .* to project ${p}, which uses .* would pass its storage limit of 19\\.5 KiB`)) });
    expect((await fetch(`${r.url}/v2/${p}/app/manifests/v2`, { method: 'HEAD' })).status).toBe(404);
    expect(await usage(p)).toBe(sizeOf(first));
    // The same content under another tag of an artifact already counted costs nothing: allowed.
    expect((await pushImage(r.url, `${p}/app`, first, 'again')).status).toBe(201);
  });

  it('refuses a blob that alone passes the limit before storing its bytes', async () => {
    const p = await project(1000);
    const big = Buffer.alloc(4000, 7);
    const res = await fetch(`${r.url}/v2/${p}/app/blobs/uploads/?digest=${sha256(big)}`, { method: 'POST', body: new Uint8Array(big), headers: { 'Content-Type': 'application/octet-stream' } });
    expect(res.status).toBe(403);
    expect((await fetch(`${r.url}/v2/${p}/app/blobs/${sha256(big)}`, { method: 'HEAD' })).status).toBe(404);
    const { rows } = await db.query('SELECT 1 FROM blob WHERE digest = $1', [sha256(big)]);
    expect(rows).toHaveLength(0);
    // Chunked: POST, PATCH, PUT: refused at the PUT, the session gone.
    const start = await fetch(`${r.url}/v2/${p}/app/blobs/uploads/`, { method: 'POST' });
    const location = new URL(start.headers.get('location')!, r.url).toString();
    const patched = await fetch(location, { method: 'PATCH', body: new Uint8Array(big), headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `0-${big.length - 1}` } });
    const put = await fetch(`${new URL(patched.headers.get('location')!, r.url)}${patched.headers.get('location')!.includes('?') ? '&' : '?'}digest=${sha256(big)}`, { method: 'PUT' });
    expect(put.status).toBe(403);
    expect((await fetch(location)).status).toBe(404);
    expect(await usage(p)).toBe(0);
  });

  it('never lets concurrent pushes together pass the limit', async () => {
    const p = await project(30_000);
    const images = Array.from({ length: 8 }, (_, i) => makeImage({ layers: [Buffer.alloc(7000, 10 + i)] }));
    const results = await Promise.all(images.map((img, i) => pushImage(r.url, `${p}/race`, img, `t${i}`)));
    const accepted = results.filter((res) => res.status === 201).length;
    expect(results.every((res) => res.status === 201 || res.status === 403)).toBe(true);
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(8);
    const used = await usage(p);
    expect(used).toBeLessThanOrEqual(30_000);
    expect(used).toBe(images.slice(0, 8).filter((_, i) => results[i]!.status === 201).reduce((s, img) => s + sizeOf(img), 0));
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
    // The small config fits the 200 bytes left, its 3000-byte layer does not.
    await expect(pushImage(r.url, `${p}/app`, makeImage({ layers: [Buffer.alloc(3000, 2)] }), 'v2')).rejects.toThrow(/403.*quota exceeded/);
    expect(await pushBlob(r.url, `${p}/app`, Buffer.from('tiny'))).toMatch(/^sha256:/);
    expect(await usage(p)).toBe(used);
  });
});
