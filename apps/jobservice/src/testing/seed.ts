import { createHash, randomBytes } from 'node:crypto';
import { utimes } from 'node:fs/promises';
import type { Sql } from '@wharf/db';
import type { StorageDriver } from '@wharf/storage';

/**
 * Writes registry content straight into the database and storage, the way the registry records it,
 * with chosen ages: GC tests need blobs "last seen two days ago" without waiting two days.
 */
export class Seeder {
  constructor(
    private readonly sql: Sql,
    private readonly storage: StorageDriver,
  ) {}

  async repository(name: string): Promise<string> {
    const project = name.split('/')[0];
    await this.sql.query('INSERT INTO project (name) VALUES ($1) ON CONFLICT DO NOTHING', [project]);
    const row = await this.sql.one<{ id: string }>(
      `INSERT INTO repository (name, project_id) SELECT $1, id FROM project WHERE name = $2
       ON CONFLICT (name) DO UPDATE SET updated_at = now() RETURNING id`,
      [name, project],
    );
    return row!.id;
  }

  /** A blob in storage and in the database, linked to the repository, last seen `ageSeconds` ago. */
  async blob(repositoryId: string, ageSeconds: number, content: Buffer = randomBytes(64)): Promise<{ id: string; digest: string; size: number }> {
    const digest = 'sha256:' + createHash('sha256').update(content).digest('hex');
    await this.storage.putBlob(digest, content);
    // The bytes as old as the row says: GC checks both.
    const file = this.storage.localPath?.(digest);
    const written = new Date(Date.now() - ageSeconds * 1000);
    if (file) await utimes(file, written, written);
    const row = await this.sql.one<{ id: string }>(
      `INSERT INTO blob (digest, size, last_seen_at, created_at) VALUES ($1, $2, now() - make_interval(secs => $3), now() - make_interval(secs => $3))
       ON CONFLICT (digest) DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at RETURNING id`,
      [digest, content.length, ageSeconds],
    );
    await this.sql.query('INSERT INTO repository_blob (repository_id, blob_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [repositoryId, row!.id]);
    return { id: row!.id, digest, size: content.length };
  }

  /**
   * An artifact whose manifest is a fresh blob, referencing `blobIds`, optionally tagged, pushed
   * `ageSeconds` ago (its tags too), last pulled `pullAgeSeconds` ago (never when absent);
   * `children` makes it an index, `subjectDigest` a referrer.
   */
  async artifact(
    repositoryId: string,
    opts: { blobIds?: string[]; tags?: string[]; ageSeconds?: number; pullAgeSeconds?: number; children?: string[]; subjectDigest?: string } = {},
  ): Promise<{ id: string; digest: string; manifestBlobId: string }> {
    const age = opts.ageSeconds ?? 0;
    const pullAge = opts.pullAgeSeconds ?? null;
    const manifest = await this.blob(repositoryId, age, Buffer.from(JSON.stringify({ schemaVersion: 2, n: randomBytes(8).toString('hex') })));
    const row = await this.sql.one<{ id: string }>(
      `INSERT INTO artifact (repository_id, digest, media_type, manifest_size, total_size, push_time, pull_time, subject_digest)
       VALUES ($1, $2, 'application/vnd.oci.image.manifest.v1+json', $3, $3, now() - make_interval(secs => $4), now() - make_interval(secs => $5::float8), $6)
       RETURNING id`,
      [repositoryId, manifest.digest, manifest.size, age, pullAge, opts.subjectDigest ?? null],
    );
    const id = row!.id;
    await this.sql.query('INSERT INTO artifact_blob (artifact_id, blob_id) SELECT $1, unnest($2::bigint[])', [id, [manifest.id, ...(opts.blobIds ?? [])]]);
    for (const child of opts.children ?? []) await this.sql.query('INSERT INTO artifact_reference (parent_id, child_id) VALUES ($1, $2)', [id, child]);
    for (const tag of opts.tags ?? []) {
      await this.sql.query('INSERT INTO tag (repository_id, artifact_id, name, push_time) SELECT $1, $2, $3, push_time FROM artifact WHERE id = $2', [repositoryId, id, tag]);
    }
    return { id, digest: manifest.digest, manifestBlobId: manifest.id };
  }
}
