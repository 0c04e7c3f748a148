import { Inject, Injectable } from '@nestjs/common';
import type { Sql, SqlRunner } from '@wharf/db/plain';
import { RegistryCache } from '../cache/registry-cache';
import type { RegistryConfig } from '../config';
import { CONFIG, SQL } from '../infra/tokens';
import { isForeignKeyViolation, isMissingRepository } from './repository.store';

export interface BlobRow {
  id: string;
  digest: string;
  size: number;
  mediaType: string | null;
  /** This process's clock when the database last recorded the blob as seen (lookups only). */
  seenAt?: number;
}

@Injectable()
export class BlobStore {
  private readonly touchMs: number;

  constructor(
    @Inject(SQL) private readonly sql: Sql,
    private readonly cache: RegistryCache,
    @Inject(CONFIG) config: RegistryConfig,
  ) {
    this.touchMs = config.blobTouchMs;
  }

  /**
   * A blob as seen through one repository: absent unless linked to it. Written digest-first (unique
   * index, then the link's primary key) so that even a generic plan made while the tables were tiny
   * never walks every blob of the repository.
   *
   * A client that finds a blob here skips uploading it and references it in a manifest moments
   * later, so the blob must outlive that gap: when its last-seen time is older than the touch
   * interval it is refreshed first. The refresh waits for a garbage collection holding the row;
   * if GC deleted it meanwhile, the blob is reported absent (the client uploads it again).
   */
  async findInRepository(repository: string, digest: string): Promise<BlobRow | undefined> {
    const row = await this.cache.readThrough(this.cache.blobs, repository, digest, async () => {
      const found = await this.sql.one<{ id: string; size: string; media_type: string | null; age_ms: number }>(
        `SELECT b.id, b.size, b.media_type, (extract(epoch FROM now() - b.last_seen_at) * 1000)::float8 AS age_ms FROM blob b
          WHERE b.digest = $2
            AND EXISTS (SELECT 1 FROM repository_blob rb
                         WHERE rb.blob_id = b.id AND rb.repository_id = (SELECT id FROM repository WHERE name = $1))`,
        [repository, digest],
        'blob_in_repo',
      );
      return found && { id: found.id, digest, size: Number(found.size), mediaType: found.media_type, seenAt: Date.now() - found.age_ms };
    });
    if (!row || Date.now() - (row.seenAt ?? 0) <= this.touchMs) return row;
    const touched = await this.sql.one(
      `UPDATE blob b SET last_seen_at = now()
        WHERE b.id = $1
          AND EXISTS (SELECT 1 FROM repository_blob rb
                       WHERE rb.blob_id = b.id AND rb.repository_id = (SELECT id FROM repository WHERE name = $2))
        RETURNING b.id`,
      [row.id, repository],
      'blob_touch',
    );
    if (!touched) {
      this.cache.invalidate(repository);
      return undefined;
    }
    row.seenAt = Date.now();
    return row;
  }

  /** Records a committed blob and links it to the repository; refreshes its GC grace period. */
  async record(repositoryId: string, digest: string, size: number, mediaType: string | null, runner: SqlRunner = this.sql): Promise<string> {
    const row = await runner.one<{ id: string }>(
      `WITH b AS (
         INSERT INTO blob (digest, size, media_type) VALUES ($2, $3, $4)
         ON CONFLICT (digest) DO UPDATE SET last_seen_at = now(),
           media_type = COALESCE(blob.media_type, EXCLUDED.media_type)
         RETURNING id
       ), l AS (
         INSERT INTO repository_blob (repository_id, blob_id) SELECT $1, id FROM b ON CONFLICT DO NOTHING
       )
       SELECT id FROM b`,
      [repositoryId, digest, size, mediaType],
      'blob_record',
    );
    if (!row) throw new Error(`failed to record blob ${digest}`);
    return row.id;
  }

  /**
   * Links a blob that `from` already holds into repository `toId`. Undefined if `from` lacks it,
   * or if garbage collection deleted it while the link was being made (then the client uploads).
   * A `toId` whose repository has been deleted fails, for the caller to retry with a fresh id.
   */
  async mount(from: string, toId: string, digest: string): Promise<BlobRow | undefined> {
    try {
      return await this.mountLinked(from, toId, digest);
    } catch (err) {
      if (isForeignKeyViolation(err) && !isMissingRepository(err)) return undefined;
      throw err;
    }
  }

  private async mountLinked(from: string, toId: string, digest: string): Promise<BlobRow | undefined> {
    const row = await this.sql.one<{ id: string; size: string; media_type: string | null }>(
      `WITH src AS (
         SELECT b.id, b.size, b.media_type FROM blob b
          WHERE b.digest = $3
            AND EXISTS (SELECT 1 FROM repository_blob rb
                         WHERE rb.blob_id = b.id AND rb.repository_id = (SELECT id FROM repository WHERE name = $1))
       ), l AS (
         INSERT INTO repository_blob (repository_id, blob_id) SELECT $2, id FROM src ON CONFLICT DO NOTHING
       ), touch AS (
         UPDATE blob SET last_seen_at = now() WHERE id IN (SELECT id FROM src)
       )
       SELECT id, size, media_type FROM src`,
      [from, toId, digest],
    );
    return row && { id: row.id, digest, size: Number(row.size), mediaType: row.media_type };
  }

  /** Removes the blob from one repository (the bytes stay until GC). False if it was not linked. */
  async unlink(repository: string, digest: string): Promise<boolean> {
    return this.cache.write(this.sql, repository, async (tx) => {
      const rows = await tx.query(
        `DELETE FROM repository_blob rb USING blob b, repository r
          WHERE rb.blob_id = b.id AND rb.repository_id = r.id AND r.name = $1 AND b.digest = $2
          RETURNING rb.blob_id`,
        [repository, digest],
      );
      return rows.length > 0;
    }, (unlinked) => unlinked);
  }

  /** Which of `digests` the repository holds, with their rows. */
  async findManyInRepository(repositoryId: string, digests: string[], runner: SqlRunner = this.sql): Promise<Map<string, BlobRow>> {
    if (digests.length === 0) return new Map();
    const rows = await runner.query<{ id: string; digest: string; size: string; media_type: string | null }>(
      `SELECT b.id, b.digest, b.size, b.media_type FROM blob b
         JOIN repository_blob rb ON rb.blob_id = b.id
        WHERE rb.repository_id = $1 AND b.digest = ANY($2::text[])`,
      [repositoryId, digests],
      'blob_many_in_repo',
    );
    return new Map(rows.map((r) => [r.digest, { id: r.id, digest: r.digest, size: Number(r.size), mediaType: r.media_type }]));
  }
}
