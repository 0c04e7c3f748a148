import { READ_ONLY_CACHE_MS, READ_ONLY_MESSAGE } from '@wharf/db/plain';
import { Client } from 'pg';
import { stopRegistry } from '../conformance/conformance-helpers';
import { makeImage, pushBlob, pushImage, putManifest, RegistryHarness, sha256, startTestRegistry } from '../testing';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const DENIED = { errors: [{ code: 'DENIED', message: READ_ONLY_MESSAGE }] };

describe('read-only mode on /v2/', () => {
  let r: RegistryHarness;
  let db: Client;
  const repo = 'frozen/app';
  const image = makeImage();

  /** Core's switch as PUT /configurations stores it; then waits out the registry's copy of the old value. */
  async function setReadOnly(on: boolean): Promise<void> {
    await db.query(`INSERT INTO setting (key, value) VALUES ('read_only', $1::jsonb) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [JSON.stringify(on)]);
    await sleep(READ_ONLY_CACHE_MS + 100);
  }
  const v2 = (method: string, path: string, init: RequestInit = {}) => fetch(`${r.url}/v2/${path}`, { method, ...init });
  const rows = async () => (await db.query<{ digest: string; tags: string | null }>(
    `SELECT a.digest, string_agg(t.name, ',' ORDER BY t.name) AS tags FROM artifact a LEFT JOIN tag t ON t.artifact_id = a.id GROUP BY a.digest ORDER BY a.digest`,
  )).rows;
  async function expectDenied(res: Response, what: string): Promise<void> {
    expect({ what, status: res.status, type: res.headers.get('content-type'), body: await res.json() }).toEqual({
      what,
      status: 403,
      type: 'application/json; charset=utf-8',
      body: DENIED,
    });
  }

  beforeAll(async () => {
    r = await startTestRegistry();
    db = new Client({ connectionString: r.db.url });
    await db.connect();
    await db.query("INSERT INTO project (name) VALUES ('frozen')");
    expect((await pushImage(r.url, repo, image, 'v1')).status).toBe(201);
  });
  afterAll(async () => {
    await db?.end();
    if (r) await stopRegistry(r);
  });

  it('refuses every upload step, manifest push and deletion with DENIED; pulls and listings go on; off again, pushes work', async () => {
    // An upload begun before the switch: its later steps are refused too.
    const started = await v2('POST', `${repo}/blobs/uploads/`);
    expect(started.status).toBe(202);
    const location = new URL(started.headers.get('location')!, r.url).pathname.replace(/^\/v2\//, '');
    const chunk = Buffer.from('late chunk');
    await setReadOnly(true);
    const before = await rows();

    const other = makeImage();
    await expectDenied(await v2('POST', `${repo}/blobs/uploads/`), 'start an upload');
    await expectDenied(await v2('POST', `${repo}/blobs/uploads/?digest=${sha256(other.config)}`, { body: new Uint8Array(other.config) }), 'monolithic upload');
    await expectDenied(await v2('POST', `frozen/copy/blobs/uploads/?mount=${sha256(image.config)}&from=${repo}`), 'cross-repository mount');
    await expectDenied(await v2('PATCH', location, { body: new Uint8Array(chunk), headers: { 'Content-Type': 'application/octet-stream' } }), 'upload a chunk');
    await expectDenied(await v2('PUT', `${location}${location.includes('?') ? '&' : '?'}digest=${sha256(chunk)}`), 'finish an upload');
    await expectDenied(await v2('DELETE', location), 'cancel an upload');
    await expectDenied(await putManifest(r.url, repo, 'v2', image.manifest, image.mediaType), 'tag an existing manifest');
    await expectDenied(await putManifest(r.url, repo, other.digest, other.manifest, other.mediaType), 'push a manifest by digest');
    await expectDenied(await v2('DELETE', `${repo}/manifests/v1`), 'delete a tag');
    await expectDenied(await v2('DELETE', `${repo}/manifests/${image.digest}`), 'delete a manifest');
    await expectDenied(await v2('DELETE', `${repo}/blobs/${sha256(image.layers[0]!)}`), 'delete a blob');
    // Refused before anything else is looked at: a repository that does not exist is refused alike.
    await expectDenied(await v2('DELETE', 'frozen/nothing/manifests/latest'), 'delete in a missing repository');

    expect(await rows()).toEqual(before);
    expect((await v2('GET', '')).status).toBe(200);
    expect((await v2('GET', `${repo}/manifests/v1`, { headers: { Accept: image.mediaType } })).status).toBe(200);
    expect((await v2('HEAD', `${repo}/manifests/${image.digest}`, { headers: { Accept: image.mediaType } })).status).toBe(200);
    const layer = await v2('GET', `${repo}/blobs/${sha256(image.layers[0]!)}`);
    expect(Buffer.from(await layer.arrayBuffer())).toEqual(image.layers[0]);
    expect(await (await v2('GET', `${repo}/tags/list`)).json()).toEqual({ name: repo, tags: ['v1'] });
    expect((await v2('GET', '_catalog')).status).toBe(200);
    expect((await v2('GET', location)).status).toBe(204);

    await setReadOnly(false);
    // The upload begun before goes on where it was.
    expect((await v2('PATCH', location, { body: new Uint8Array(chunk), headers: { 'Content-Type': 'application/octet-stream' } })).status).toBe(202);
    expect((await pushImage(r.url, repo, other, 'v2')).status).toBe(201);
    expect((await v2('DELETE', `${repo}/manifests/v2`)).status).toBe(202);
  });

  it('fails safe: a write it cannot check against the setting is not let through', async () => {
    await db.query('ALTER TABLE setting RENAME TO setting_away');
    try {
      await sleep(READ_ONLY_CACHE_MS + 100);
      const refused = await v2('POST', `${repo}/blobs/uploads/?digest=${sha256('unchecked')}`, { body: 'unchecked' });
      expect(refused.status).toBeGreaterThanOrEqual(500);
      expect(((await refused.json()) as { errors: unknown[] }).errors).toHaveLength(1);
      expect((await db.query('SELECT 1 FROM blob WHERE digest = $1', [sha256('unchecked')])).rowCount).toBe(0);
      // Reads do not ask.
      expect((await v2('GET', `${repo}/manifests/v1`, { headers: { Accept: image.mediaType } })).status).toBe(200);
    } finally {
      await db.query('ALTER TABLE setting_away RENAME TO setting');
    }
    await sleep(READ_ONLY_CACHE_MS + 100);
    expect(await pushBlob(r.url, repo, 'checked')).toBe(sha256('checked'));
  });
});
