import type { Client } from 'pg';
import { type BlobInfo, type Corpus, OCI_CONFIG, OCI_MANIFEST } from './corpus';

/** Rows per statement: arrays of this size keep each INSERT well under a second. */
const BATCH = 10_000;

const digestOf = (b: BlobInfo) => `sha256:${b.hex}`;

/** A value the loader put into `map` itself: missing means a bug here, not bad input. */
function lookup<K, V>(map: Map<K, V>, key: K): V {
  const value = map.get(key);
  if (value === undefined) throw new Error(`failed to find the row of ${String(key)}`);
  return value;
}

async function inBatches<T>(items: T[], fn: (batch: T[]) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += BATCH) await fn(items.slice(i, i + BATCH));
}

/**
 * The registry's metadata for `corpus`, as pushes record it (libs/db's 0001 migration): every blob
 * row linked to its repository, each artifact with its tag and its artifact_blob rows (manifest,
 * config, layers). Everything was last seen and pushed `ageSeconds` ago. Multi-row INSERTs from
 * arrays (unnest), one transaction; ANALYZE at the end, as autovacuum would have by then.
 */
export async function loadRows(client: Client, corpus: Corpus, ageSeconds: number): Promise<void> {
  await client.query('BEGIN');
  const { rows: times } = await client.query<{ t: Date }>('SELECT now() - make_interval(secs => $1) AS t', [ageSeconds]);
  const at = times[0]?.t;

  await client.query('INSERT INTO project (name, created_at, updated_at) SELECT unnest($1::text[]), $2, $2', [corpus.projects, at]);
  const repoRows = await client.query<{ id: string; name: string }>(
    `INSERT INTO repository (name, project_id, created_at, updated_at)
     SELECT u.name, p.id, $3, $3 FROM unnest($1::text[], $2::text[]) AS u(name, project) JOIN project p ON p.name = u.project
     RETURNING id, name`,
    [corpus.repositories.map((r) => r.name), corpus.repositories.map((r) => r.project), at],
  );
  const repoIdByName = new Map(repoRows.rows.map((r) => [r.name, r.id]));
  const repoIds = corpus.repositories.map((r) => lookup(repoIdByName, r.name));

  const blobIds = new Map<string, string>();
  await inBatches(corpus.sequence, async (batch) => {
    const { rows } = await client.query<{ id: string; digest: string }>(
      `INSERT INTO blob (digest, size, created_at, last_seen_at)
       SELECT d, s, $3, $3 FROM unnest($1::text[], $2::bigint[]) AS u(d, s) RETURNING id, digest`,
      [batch.map(digestOf), batch.map((b) => b.size), at],
    );
    for (const r of rows) blobIds.set(r.digest.slice(7), r.id);
  });
  const blobId = (b: BlobInfo) => lookup(blobIds, b.hex);

  // Every blob is readable through the repository it was pushed to; manifests too.
  const links = new Map<string, [string, string]>();
  const link = (repository: number, b: BlobInfo) => {
    const pair: [string, string] = [repoIds[repository] as string, blobId(b)];
    links.set(pair.join('/'), pair);
  };
  for (const a of corpus.artifacts) for (const b of [a.manifest, a.config, ...a.layers]) link(a.repository, b);
  for (const g of corpus.garbage) link(g.repository, g.blob);
  await inBatches([...links.values()], async (batch) => {
    await client.query(
      'INSERT INTO repository_blob (repository_id, blob_id, created_at) SELECT r, b, $3 FROM unnest($1::bigint[], $2::bigint[]) AS u(r, b)',
      [batch.map((p) => p[0]), batch.map((p) => p[1]), at],
    );
  });

  const artifactIds = new Map<string, string>();
  await inBatches(corpus.artifacts, async (batch) => {
    const { rows } = await client.query<{ id: string; digest: string }>(
      `INSERT INTO artifact (repository_id, digest, media_type, config_media_type, manifest_size, total_size, push_time)
       SELECT r, d, $5, $6, m, t, $7 FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[]) AS u(r, d, m, t)
       RETURNING id, digest`,
      [
        batch.map((a) => repoIds[a.repository]),
        batch.map((a) => digestOf(a.manifest)),
        batch.map((a) => a.manifest.size),
        batch.map((a) => [a.manifest, a.config, ...a.layers].reduce((n, b) => n + b.size, 0)),
        OCI_MANIFEST,
        OCI_CONFIG,
        at,
      ],
    );
    // Manifest digests are unique across the corpus, so the digest alone names the artifact.
    for (const r of rows) artifactIds.set(r.digest.slice(7), r.id);
  });
  const artifactBlobs = corpus.artifacts.flatMap((a) => [a.manifest, a.config, ...a.layers].map((b) => [lookup(artifactIds, a.manifest.hex), blobId(b)]));
  await inBatches(artifactBlobs, async (batch) => {
    await client.query('INSERT INTO artifact_blob (artifact_id, blob_id) SELECT * FROM unnest($1::bigint[], $2::bigint[])', [
      batch.map((p) => p[0]),
      batch.map((p) => p[1]),
    ]);
  });
  await inBatches(corpus.artifacts, async (batch) => {
    await client.query(
      'INSERT INTO tag (repository_id, artifact_id, name, push_time) SELECT r, a, n, $4 FROM unnest($1::bigint[], $2::bigint[], $3::text[]) AS u(r, a, n)',
      [batch.map((a) => repoIds[a.repository]), batch.map((a) => lookup(artifactIds, a.manifest.hex)), batch.map((a) => a.tag), at],
    );
  });
  await client.query('COMMIT');
  await client.query('ANALYZE');
}

/** What the database holds after GC, against what it must hold; a list of problems (empty: right). */
export async function checkRows(client: Client, corpus: Corpus): Promise<string[]> {
  const present = async (blobs: BlobInfo[]) =>
    Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM blob WHERE digest = ANY($1::text[])', [blobs.map(digestOf)])).rows[0]?.n);
  const problems: string[] = [];
  const garbageLeft = await present(corpus.garbage.map((g) => g.blob));
  if (garbageLeft > 0) problems.push(`${garbageLeft} of ${corpus.garbage.length} unreferenced blob rows are still there`);
  const keptLeft = await present(corpus.kept);
  if (keptLeft !== corpus.kept.length) problems.push(`${corpus.kept.length - keptLeft} referenced blob rows were deleted`);
  const { rows } = await client.query<{ artifacts: string; artifact_blobs: string; tags: string }>(
    'SELECT (SELECT count(*) FROM artifact) AS artifacts, (SELECT count(*) FROM artifact_blob) AS artifact_blobs, (SELECT count(*) FROM tag) AS tags',
  );
  const counts = rows[0] ?? { artifacts: '?', artifact_blobs: '?', tags: '?' };
  const expectedLinks = corpus.artifacts.reduce((n, a) => n + 2 + a.layers.length, 0);
  if (Number(counts.artifacts) !== corpus.artifacts.length) problems.push(`${counts.artifacts} artifacts instead of ${corpus.artifacts.length}`);
  if (Number(counts.artifact_blobs) !== expectedLinks) problems.push(`${counts.artifact_blobs} artifact_blob rows instead of ${expectedLinks}`);
  if (Number(counts.tags) !== corpus.artifacts.length) problems.push(`${counts.tags} tags instead of ${corpus.artifacts.length}`);
  return problems;
}
