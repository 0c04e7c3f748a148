import { Client } from 'pg';
import { makeImage, pushBlob, putManifest, RegistryHarness, sha256, startTestRegistry } from '../testing';
import { stopRegistry } from '../conformance/conformance-helpers';

/**
 * CI systems push the images of one build in parallel: many distinct manifests over the same base
 * layers, each under its own tag, into a repository that did not exist a moment before. Every such
 * push must succeed, and the quota bookkeeping afterwards must be exactly what the rows say.
 */
describe('concurrent manifest pushes sharing blobs', () => {
  const PUSHES = 32;
  const ROUNDS = 6;
  const LAYERS = 3;
  let r: RegistryHarness;
  let db: Client;

  let deadlocksBefore: number;

  /** Deadlocks PostgreSQL detected in the test database (counted by the victim's backend, which reports when idle). */
  async function deadlocks(): Promise<number> {
    await db.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await db.query('SELECT deadlocks::int AS n FROM pg_stat_database WHERE datname = current_database()');
    return rows[0].n;
  }

  beforeAll(async () => {
    r = await startTestRegistry({ dbPoolSize: PUSHES });
    db = new Client({ connectionString: r.db.url });
    await db.connect();
    deadlocksBefore = await deadlocks();
  });

  afterAll(async () => {
    await db.end();
    await stopRegistry(r);
  });

  /** One round of pushes into a new repository of `project`; returns the bytes the project pays for them. */
  async function roundInto(project: string, round: number): Promise<number> {
    const repo = `${project}/build-${round}`;
    const base = makeImage({ layers: Array.from({ length: LAYERS }, (_, i) => Buffer.from(`base layer ${i} of ${project} ${round}`)) });
    const shared = [base.config, ...base.layers];
    for (const blob of shared) await pushBlob(r.url, repo, blob);
    // The same config and layers, a different manifest each time (only an annotation differs).
    const manifests = Array.from({ length: PUSHES }, (_, i) => {
      const m = JSON.parse(base.manifest.toString()) as Record<string, unknown>;
      m['annotations'] = { 'org.example.build': String(i) };
      return Buffer.from(JSON.stringify(m));
    });
    const answers = await Promise.all(manifests.map((m, i) => putManifest(r.url, repo, `t${i}`, m, base.mediaType)));
    const failures = await Promise.all(answers.filter((a) => a.status !== 201).map(async (a) => `${a.status} ${await a.text()}`));
    expect(failures).toEqual([]);

    const { rows: counts } = await db.query(
      `SELECT (SELECT count(*)::int FROM artifact a WHERE a.repository_id = r.id) AS artifacts,
              (SELECT count(*)::int FROM tag t WHERE t.repository_id = r.id) AS tags,
              (SELECT count(*)::int FROM repository_blob rb WHERE rb.repository_id = r.id) AS links,
              (SELECT count(*)::int FROM artifact_blob ab JOIN artifact a ON a.id = ab.artifact_id WHERE a.repository_id = r.id) AS refs
         FROM repository r WHERE r.name = $1`,
      [repo],
    );
    // Each artifact references its manifest, the config and the layers; the repository links the
    // shared blobs and every manifest.
    expect(counts[0]).toEqual({ artifacts: PUSHES, tags: PUSHES, links: PUSHES + shared.length, refs: PUSHES * (1 + shared.length) });
    const { rows: counted } = await db.query(
      `SELECT b.digest, pb.refs, pb.links FROM project_blob pb JOIN blob b ON b.id = pb.blob_id JOIN project p ON p.id = pb.project_id
        WHERE p.name = $1 AND b.digest = ANY($2::text[]) ORDER BY b.digest`,
      [project, shared.map(sha256)],
    );
    expect(counted).toHaveLength(shared.length);
    for (const row of counted) expect({ refs: row.refs, links: row.links }).toEqual({ refs: PUSHES, links: 1 });
    return [...shared, ...manifests].reduce((sum, b) => sum + b.length, 0);
  }

  async function expectUsage(project: string, bytes: number): Promise<void> {
    const { rows } = await db.query(
      'SELECT q.used::int AS used, quota_recomputed(p.id)::int AS recomputed FROM project p JOIN quota q ON q.project_id = p.id WHERE p.name = $1',
      [project],
    );
    expect(rows).toEqual([{ used: bytes, recomputed: bytes }]);
  }

  it.each([
    ['without a storage limit (one statement)', 'direct', -1],
    ['with a storage limit (a transaction)', 'limited', 2 ** 40],
    ['into a project the open registry creates with the first blob (no quota row before)', 'created', null],
  ])('records every push %s', async (_what, name, limit) => {
    const project = `conc-${name}`;
    if (limit !== null) await db.query('INSERT INTO project (name, storage_limit) VALUES ($1, $2)', [project, limit]);
    let bytes = 0;
    for (let round = 0; round < ROUNDS; round++) {
      bytes += await roundInto(project, round);
      await expectUsage(project, bytes);
    }
  });

  it('records pushes over the same layers while other artifacts over them are deleted', async () => {
    const project = 'conc-churn';
    await db.query('INSERT INTO project (name, storage_limit) VALUES ($1, -1)', [project]);
    const repo = `${project}/churn`;
    const base = makeImage({ layers: Array.from({ length: LAYERS }, (_, i) => Buffer.from(`churn layer ${i}`)) });
    const shared = [base.config, ...base.layers];
    for (const blob of shared) await pushBlob(r.url, repo, blob);
    const variant = (i: number) => {
      const m = JSON.parse(base.manifest.toString()) as Record<string, unknown>;
      m['annotations'] = { 'org.example.build': String(i) };
      return Buffer.from(JSON.stringify(m));
    };
    const first = Array.from({ length: PUSHES }, (_, i) => variant(i));
    for (const a of await Promise.all(first.map((m, i) => putManifest(r.url, repo, `a${i}`, m, base.mediaType)))) expect(a.status).toBe(201);
    // Half of those go while as many new ones come, all over the same config and layers.
    const gone = first.slice(0, PUSHES / 2);
    const kept = first.slice(PUSHES / 2);
    const second = Array.from({ length: PUSHES }, (_, i) => variant(PUSHES + i));
    const answers = await Promise.all([
      ...gone.map((m) => fetch(`${r.url}/v2/${repo}/manifests/${sha256(m)}`, { method: 'DELETE' })),
      ...second.map((m, i) => putManifest(r.url, repo, `b${i}`, m, base.mediaType)),
    ]);
    expect(answers.map((a) => a.status)).toEqual([...gone.map(() => 202), ...second.map(() => 201)]);
    const { rows } = await db.query(
      `SELECT pb.refs, pb.links FROM project_blob pb JOIN blob b ON b.id = pb.blob_id JOIN project p ON p.id = pb.project_id
        WHERE p.name = $1 AND b.digest = ANY($2::text[])`,
      [project, shared.map(sha256)],
    );
    expect(rows).toEqual(shared.map(() => ({ refs: kept.length + second.length, links: 1 })));
    // The deleted manifests' blobs stay linked to the repository (and paid for) until GC unlinks them.
    await expectUsage(project, [...shared, ...first, ...second].reduce((sum, b) => sum + b.length, 0));
  });

  // A deadlock's victim is run again (retryingConflicts), so the answers alone can hide a few.
  it('left PostgreSQL no deadlock to break', async () => {
    // Backends report their counters within a second of going idle.
    await new Promise((ok) => setTimeout(ok, 1500));
    expect((await deadlocks()) - deadlocksBefore).toBe(0);
  });
});
