import { Client } from 'pg';
import { errorCode, makeImage, pushBlob, pushImage, putManifest, RegistryHarness, sha256, startTestRegistry, type TestImage } from '../testing';
import { OCI_INDEX, stopRegistry } from '../conformance/conformance-helpers';

/**
 * A manifest push is recorded by one statement when the project has no storage limit and no
 * immutable tag rules, and by a transaction of several otherwise. Both must leave exactly the same
 * rows, refuse the same bad pushes, and keep every process's cache correct.
 */
describe('recording a pushed manifest', () => {
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

  /** One project taking the one-statement path (no limit) and one taking the transaction (a limit far away). */
  async function projects(): Promise<{ direct: string; transactional: string }> {
    const direct = `direct${++n}`;
    const transactional = `tx${n}`;
    await db.query('INSERT INTO project (name, storage_limit) VALUES ($1, -1), ($2, $3)', [direct, transactional, 2 ** 40]);
    return { direct, transactional };
  }

  /** Everything the database says about the repository's artifacts, without ids or times. */
  async function recorded(repository: string): Promise<unknown> {
    const { rows } = await db.query(
      `SELECT a.digest, a.media_type, a.artifact_type, a.config_media_type, a.subject_digest, a.annotations,
              a.manifest_size::int, a.total_size::int,
              (SELECT array_agg(b.digest ORDER BY b.digest) FROM artifact_blob ab JOIN blob b ON b.id = ab.blob_id WHERE ab.artifact_id = a.id) AS blobs,
              (SELECT json_agg(json_build_object('child', c.digest, 'platform', ar.platform) ORDER BY c.digest)
                 FROM artifact_reference ar JOIN artifact c ON c.id = ar.child_id WHERE ar.parent_id = a.id) AS children,
              (SELECT array_agg(t.name ORDER BY t.name) FROM tag t WHERE t.artifact_id = a.id) AS tags
         FROM artifact a JOIN repository r ON r.id = a.repository_id
        WHERE r.name = $1 ORDER BY a.digest`,
      [repository],
    );
    const linked = await db.query(
      `SELECT b.digest, b.size::int, b.media_type FROM repository_blob rb JOIN blob b ON b.id = rb.blob_id
         JOIN repository r ON r.id = rb.repository_id WHERE r.name = $1 ORDER BY b.digest`,
      [repository],
    );
    return { artifacts: rows, blobs: linked.rows };
  }

  function indexOf(children: TestImage[], annotations?: Record<string, string>): Buffer {
    return Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: children.map((c, i) => ({
          mediaType: c.mediaType,
          digest: c.digest,
          size: c.manifest.length,
          platform: { os: 'linux', architecture: i === 0 ? 'amd64' : 'arm64' },
        })),
        ...(annotations ? { annotations } : {}),
      }),
    );
  }

  it('records images, indexes, subjects, re-pushes and tag moves identically on both paths', async () => {
    const { direct, transactional } = await projects();
    const shared = Buffer.from('shared layer');
    const amd = makeImage({ layers: [shared, Buffer.from('amd64 layer')] });
    const arm = makeImage({ layers: [shared, Buffer.from('arm64 layer')], annotations: { 'org.example.note': 'arm' } });
    const index = indexOf([amd, arm], { 'org.example.kind': 'multi' });
    const signature = makeImage({ artifactType: 'application/vnd.example.signature', subject: { digest: sha256(index), size: index.length, mediaType: OCI_INDEX } });
    for (const project of [direct, transactional]) {
      const repo = `${project}/app`;
      expect((await pushImage(r.url, repo, amd, amd.digest)).status).toBe(201);
      expect((await pushImage(r.url, repo, arm, 'arm')).status).toBe(201);
      expect((await putManifest(r.url, repo, 'v1', index, OCI_INDEX)).status).toBe(201);
      const pushed = await pushImage(r.url, repo, signature, signature.digest);
      expect(pushed.status).toBe(201);
      expect(pushed.headers.get('oci-subject')).toBe(sha256(index));
      // The same manifest again, under another tag: one artifact, two tags.
      expect((await putManifest(r.url, repo, 'latest', index, OCI_INDEX)).status).toBe(201);
      // A tag moved from one image to another.
      expect((await putManifest(r.url, repo, 'moving', amd.manifest, amd.mediaType)).status).toBe(201);
      expect((await putManifest(r.url, repo, 'moving', arm.manifest, arm.mediaType)).status).toBe(201);
    }
    const a = await recorded(`${direct}/app`);
    expect(a).toEqual(await recorded(`${transactional}/app`));
    // And what was recorded is right, not merely the same twice.
    const artifacts = (a as { artifacts: { digest: string; total_size: number; tags: string[] | null; children: unknown; blobs: string[] }[] }).artifacts;
    const byDigest = new Map(artifacts.map((x) => [x.digest, x]));
    expect(artifacts).toHaveLength(4);
    const idx = byDigest.get(sha256(index));
    expect(idx?.tags).toEqual(['latest', 'v1']);
    expect(idx?.children).toEqual(
      [
        { child: amd.digest, platform: { os: 'linux', architecture: 'amd64' } },
        { child: arm.digest, platform: { os: 'linux', architecture: 'arm64' } },
      ].sort((x, y) => x.child.localeCompare(y.child)),
    );
    const imageSize = (img: TestImage) => img.manifest.length + img.config.length + img.layers.reduce((s, l) => s + l.length, 0);
    expect(idx?.total_size).toBe(index.length + imageSize(amd) + imageSize(arm));
    expect(byDigest.get(amd.digest)?.total_size).toBe(imageSize(amd));
    expect(byDigest.get(amd.digest)?.blobs).toEqual([amd.digest, sha256(amd.config), ...amd.layers.map(sha256)].sort());
    expect(byDigest.get(arm.digest)?.tags).toEqual(['arm', 'moving']);
    expect(byDigest.get(amd.digest)?.tags).toBeNull();
  });

  it('refuses missing blobs, wrong sizes and missing children the same way on both paths, recording nothing', async () => {
    const { direct, transactional } = await projects();
    for (const project of [direct, transactional]) {
      const repo = `${project}/bad`;
      const present = makeImage();
      await pushBlob(r.url, repo, present.config);
      // Layer never uploaded.
      expect(await errorCode(await putManifest(r.url, repo, 'missing', present.manifest, present.mediaType))).toBe('MANIFEST_BLOB_UNKNOWN');
      await pushBlob(r.url, repo, present.layers[0]);
      // A descriptor whose size is not the blob's.
      const lying = JSON.parse(present.manifest.toString()) as { layers: { size: number }[] };
      lying.layers[0].size += 1;
      const wrongSize = await putManifest(r.url, repo, 'wrong-size', JSON.stringify(lying), present.mediaType);
      expect(wrongSize.status).toBe(400);
      expect(await errorCode(wrongSize)).toBe('MANIFEST_INVALID');
      // An index naming a manifest the repository does not have.
      const orphan = makeImage();
      expect(await errorCode(await putManifest(r.url, repo, 'orphan', indexOf([orphan]), OCI_INDEX))).toBe('MANIFEST_BLOB_UNKNOWN');
      // A blob another repository holds does not count.
      const elsewhere = makeImage();
      await pushImage(r.url, `${project}/other`, elsewhere, 'v1');
      expect(await errorCode(await putManifest(r.url, repo, 'elsewhere', elsewhere.manifest, elsewhere.mediaType))).toBe('MANIFEST_BLOB_UNKNOWN');
      const { rows } = await db.query('SELECT count(*)::int AS n FROM artifact a JOIN repository r ON r.id = a.repository_id WHERE r.name = $1', [repo]);
      expect(rows[0].n).toBe(0);
    }
  });

  it('answers a tag moved by a push with the new manifest at once, although the old one was cached', async () => {
    const { direct } = await projects();
    const repo = `${direct}/cached`;
    const first = makeImage();
    const second = makeImage();
    await pushImage(r.url, repo, first, 'v1');
    await pushImage(r.url, repo, second, second.digest);
    const accept = { Accept: first.mediaType };
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${r.url}/v2/${repo}/manifests/v1`, { headers: accept });
      expect(res.headers.get('docker-content-digest')).toBe(first.digest);
    }
    expect((await putManifest(r.url, repo, 'v1', second.manifest, second.mediaType)).status).toBe(201);
    const res = await fetch(`${r.url}/v2/${repo}/manifests/v1`, { headers: accept });
    expect(res.headers.get('docker-content-digest')).toBe(second.digest);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(second.manifest);
  });

  it.each([
    ['keeps it', 201, 'ROLLBACK', 201],
    ['deletes it', 404, 'COMMIT', 404],
  ])('waits for a garbage collection that holds a referenced blob; when GC %s, the push answers %s', async (_what, _shown, end, status) => {
    const { direct } = await projects();
    const repo = `${direct}/gc-${end.toLowerCase()}`;
    const image = makeImage();
    await pushBlob(r.url, repo, image.config);
    const layer = await pushBlob(r.url, repo, image.layers[0]);
    // What GC does to a blob it deletes: lock the row, re-check, delete.
    const gc = new Client({ connectionString: r.db.url });
    await gc.connect();
    try {
      await gc.query('BEGIN');
      await gc.query('SELECT id FROM blob WHERE digest = $1 FOR UPDATE', [layer]);
      const pushed = putManifest(r.url, repo, 'v1', image.manifest, image.mediaType);
      // The push has written its reference to the layer and waits for GC's lock to check it (the
      // statement's text, as far as pg_stat_activity keeps it, starts with its first CTE).
      const waiting = async () =>
        (await db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'WITH repo AS%'`)).rows[0].n > 0;
      for (let i = 0; i < 100 && !(await waiting()); i++) await new Promise((ok) => setTimeout(ok, 20));
      expect(await waiting()).toBe(true);
      await gc.query('DELETE FROM blob WHERE digest = $1', [layer]);
      await gc.query(end);
      const res = await pushed;
      expect(res.status).toBe(status);
      if (status === 404) expect(await errorCode(res)).toBe('MANIFEST_BLOB_UNKNOWN');
      const head = await fetch(`${r.url}/v2/${repo}/manifests/v1`, { method: 'HEAD', headers: { Accept: image.mediaType } });
      expect(head.status).toBe(status === 201 ? 200 : 404);
    } finally {
      await gc.end();
    }
  });
});
