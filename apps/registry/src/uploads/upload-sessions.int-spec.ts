import { Client } from 'pg';
import { RegistryHarness, sha256, startTestRegistry } from '../testing';
import { abs, bytesOf, expectOciError, patchChunk, randomBlob, startSibling, startUpload, stopRegistry, withDigest } from '../conformance/conformance-helpers';
import { signUploadId, UPLOAD_SECRET_NAME } from './upload-ids';

/**
 * Sessions without rows: POST records nothing, the first write creates the row, and closing a
 * session (completion, cancel) records its id so that it cannot be used again.
 */
describe('upload sessions (signed ids)', () => {
  let r: RegistryHarness;
  let db: Client;
  let key: Buffer;

  beforeAll(async () => {
    r = await startTestRegistry();
    db = new Client({ connectionString: r.db.url });
    await db.connect();
    key = (await db.query<{ value: Buffer }>('SELECT value FROM registry_secret WHERE name = $1', [UPLOAD_SECRET_NAME])).rows[0].value;
  });
  afterAll(async () => {
    await db.end();
    await stopRegistry(r);
  });

  const idOf = (location: string) => new URL(location).pathname.split('/').pop() ?? '';
  const rows = async (id: string) => (await db.query('SELECT "offset" FROM upload WHERE id = $1', [id])).rows;
  const closed = async (id: string) => (await db.query('SELECT 1 FROM upload_closed WHERE id = $1', [id])).rowCount;
  const put = (location: string, digest: string, body?: Buffer) =>
    fetch(withDigest(location, digest), { method: 'PUT', ...(body ? { body: new Uint8Array(body), headers: { 'Content-Type': 'application/octet-stream' } } : {}) });

  it('POST records nothing; PUT stores the blob and closes the id for good', async () => {
    const data = randomBlob(700);
    const location = await startUpload(r.url, 'sess/a');
    const id = idOf(location);
    expect(id).toMatch(/^[0-9a-f]{52}$/);
    expect(await rows(id)).toEqual([]);
    const status = await fetch(location);
    expect(status.status).toBe(204);
    expect(status.headers.get('range')).toBe('0-0');

    expect((await put(location, sha256(data), data)).status).toBe(201);
    expect((await bytesOf(await fetch(`${r.url}/v2/sess/a/blobs/${sha256(data)}`))).equals(data)).toBe(true);
    expect(await rows(id)).toEqual([]);
    expect(await closed(id)).toBe(1);
    // The same id again: the session is over, whatever is sent.
    await expectOciError(await fetch(location), 404, 'BLOB_UPLOAD_UNKNOWN');
    await expectOciError(await put(location, sha256(data), data), 404, 'BLOB_UPLOAD_UNKNOWN');
    await expectOciError(await patchChunk(location, data, 0), 404, 'BLOB_UPLOAD_UNKNOWN');
    await expectOciError(await fetch(location, { method: 'DELETE' }), 404, 'BLOB_UPLOAD_UNKNOWN');
  });

  it('the first PATCH creates the row; chunks and the final PUT go through it', async () => {
    const data = randomBlob(3000);
    let location = await startUpload(r.url, 'sess/b');
    const id = idOf(location);
    const p1 = await patchChunk(location, data.subarray(0, 1000), 0);
    expect(p1.status).toBe(202);
    expect(await rows(id)).toEqual([{ offset: '1000' }]);
    location = abs(r.url, p1.headers.get('location'));
    expect((await patchChunk(location, data.subarray(1000), 1000)).status).toBe(202);
    expect((await put(location, sha256(data))).status).toBe(201);
    expect(await rows(id)).toEqual([]);
    expect(await closed(id)).toBe(1);
    await expectOciError(await fetch(location), 404, 'BLOB_UPLOAD_UNKNOWN');
  });

  it('a cancelled session without bytes is gone, and its id cannot start writing', async () => {
    const location = await startUpload(r.url, 'sess/c');
    expect((await fetch(location, { method: 'DELETE' })).status).toBe(204);
    await expectOciError(await fetch(location), 404, 'BLOB_UPLOAD_UNKNOWN');
    await expectOciError(await patchChunk(location, Buffer.from('late'), 0), 404, 'BLOB_UPLOAD_UNKNOWN');
    expect(await rows(idOf(location))).toEqual([]);
  });

  it('an id is valid only for the repository it was issued for', async () => {
    const location = await startUpload(r.url, 'sess/mine');
    const id = idOf(location);
    const data = Buffer.from('not for you');
    await expectOciError(await fetch(`${r.url}/v2/sess/theirs/blobs/uploads/${id}`), 404, 'BLOB_UPLOAD_UNKNOWN');
    await expectOciError(await put(`${r.url}/v2/sess/theirs/blobs/uploads/${id}`, sha256(data), data), 404, 'BLOB_UPLOAD_UNKNOWN');
    await expectOciError(await fetch(`${r.url}/v2/sess/theirs/blobs/${sha256(data)}`), 404, 'BLOB_UNKNOWN');
    // Still usable where it belongs.
    expect((await put(location, sha256(data), data)).status).toBe(201);
  });

  it('ids older than the age limit, forged or altered name no session', async () => {
    const data = Buffer.from('expired');
    const old = signUploadId(key, 'sess/d', Date.now() - r.config.uploadMaxAgeMs - 60_000);
    await expectOciError(await put(`${r.url}/v2/sess/d/blobs/uploads/${old}`, sha256(data), data), 404, 'BLOB_UPLOAD_UNKNOWN');
    const forged = signUploadId(Buffer.alloc(32, 1), 'sess/d', Date.now());
    await expectOciError(await put(`${r.url}/v2/sess/d/blobs/uploads/${forged}`, sha256(data), data), 404, 'BLOB_UPLOAD_UNKNOWN');
    const fresh = idOf(await startUpload(r.url, 'sess/d'));
    const altered = fresh.slice(0, 20) + (fresh[20] === 'a' ? 'b' : 'a') + fresh.slice(21);
    await expectOciError(await fetch(`${r.url}/v2/sess/d/blobs/uploads/${altered}`), 404, 'BLOB_UPLOAD_UNKNOWN');
    expect((await db.query("SELECT count(*)::int AS n FROM blob WHERE digest = $1", [sha256(data)])).rows[0].n).toBe(0);
  });

  it('of two PUTs of one session at once, exactly one completes it', async () => {
    for (let round = 0; round < 5; round++) {
      const data = randomBlob(500);
      const location = await startUpload(r.url, 'sess/race');
      const statuses = (await Promise.all([put(location, sha256(data), data), put(location, sha256(data), data)])).map((res) => res.status).sort();
      expect(statuses).toEqual([201, 404]);
    }
  });

  it('a session issued by one registry process is continued by another sharing the database', async () => {
    const sibling = await startSibling(r.config);
    try {
      const data = randomBlob(2000);
      const location = await startUpload(r.url, 'sess/e');
      const onSibling = location.replace(r.url, sibling.url);
      expect((await patchChunk(onSibling, data.subarray(0, 1200), 0)).status).toBe(202);
      const status = await fetch(location);
      expect(status.headers.get('range')).toBe('0-1199');
      expect((await patchChunk(location, data.subarray(1200), 1200)).status).toBe(202);
      expect((await put(onSibling, sha256(data))).status).toBe(201);
      expect((await bytesOf(await fetch(`${r.url}/v2/sess/e/blobs/${sha256(data)}`))).equals(data)).toBe(true);
    } finally {
      await sibling.close();
    }
  });

  it('only signed ids are recorded as closed: a large monolithic push leaves none, stored or refused', async () => {
    const large = randomBlob(2 * 1024 * 1024);
    const mono = await fetch(`${r.url}/v2/sess/mono/blobs/uploads/?digest=${sha256(large)}`, {
      method: 'POST',
      body: new Uint8Array(large),
      headers: { 'Content-Type': 'application/octet-stream' },
    });
    expect(mono.status).toBe(201);
    const wrong = await fetch(`${r.url}/v2/sess/mono/blobs/uploads/?digest=${sha256('something else')}`, {
      method: 'POST',
      body: new Uint8Array(large),
      headers: { 'Content-Type': 'application/octet-stream' },
    });
    await expectOciError(wrong, 400, 'DIGEST_INVALID');
    expect((await db.query("SELECT id FROM upload_closed WHERE id NOT SIMILAR TO '[0-9a-f]{52}'")).rows).toEqual([]);
  });

  it('a session begun before signed ids (a UUID with its row) still completes', async () => {
    const id = '5d8c6174-ab90-4e30-9c79-5e4f3a2b1c0d';
    await db.query('INSERT INTO upload (id, repository_name) VALUES ($1, $2)', [id, 'sess/legacy']);
    const data = randomBlob(900);
    const location = `${r.url}/v2/sess/legacy/blobs/uploads/${id}`;
    expect((await fetch(location)).status).toBe(204);
    expect((await patchChunk(location, data, 0)).status).toBe(202);
    expect((await put(location, sha256(data))).status).toBe(201);
    await expectOciError(await fetch(location), 404, 'BLOB_UPLOAD_UNKNOWN');
    // Its row is gone, and that alone ends it: nothing is recorded for it.
    expect(await rows(id)).toEqual([]);
    expect(await closed(id)).toBe(0);
    // A UUID without a row was never a session.
    await expectOciError(await fetch(`${r.url}/v2/sess/legacy/blobs/uploads/6e9d7285-bca1-4f41-8d8a-6f5a4b3c2d1e`), 404, 'BLOB_UPLOAD_UNKNOWN');
  });
});
