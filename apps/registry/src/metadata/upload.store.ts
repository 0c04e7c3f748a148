import { Inject, Injectable } from '@nestjs/common';
import type { Sql, SqlRunner } from '@wharf/db';
import { SQL } from '../infra/tokens';

export type LeaseResult = { state: 'acquired'; offset: number } | { state: 'busy'; offset: number } | { state: 'unknown' };

/**
 * How long one request may hold an upload without renewing it. Short, so that an upload whose
 * holder crashed can be resumed within seconds; holders renew every UPLOAD_LEASE_RENEW_MS.
 */
export const UPLOAD_LEASE_SECONDS = 15;
export const UPLOAD_LEASE_RENEW_MS = 5_000;

@Injectable()
export class UploadStore {
  constructor(@Inject(SQL) private readonly sql: Sql) {}

  async create(id: string, repository: string): Promise<void> {
    await this.sql.query('INSERT INTO upload (id, repository_name) VALUES ($1, $2)', [id, repository], 'upload_create');
  }

  async offset(id: string, repository: string): Promise<number | undefined> {
    const row = await this.sql.one<{ offset: string }>(
      'SELECT "offset" FROM upload WHERE id = $1 AND repository_name = $2',
      [id, repository],
      'upload_offset',
    );
    return row ? Number(row.offset) : undefined;
  }

  /** Takes the upload for one request, so appends from several processes never interleave. */
  async acquire(id: string, repository: string): Promise<LeaseResult> {
    const row = await this.sql.one<{ offset: string }>(
      `UPDATE upload SET lease_until = now() + make_interval(secs => $3), updated_at = now()
        WHERE id = $1 AND repository_name = $2 AND (lease_until IS NULL OR lease_until < now())
        RETURNING "offset"`,
      [id, repository, UPLOAD_LEASE_SECONDS],
      'upload_acquire',
    );
    if (row) return { state: 'acquired', offset: Number(row.offset) };
    const offset = await this.offset(id, repository);
    return offset === undefined ? { state: 'unknown' } : { state: 'busy', offset };
  }

  /** Extends a lease held by a long-running append. */
  async renew(id: string): Promise<void> {
    await this.sql.query('UPDATE upload SET lease_until = now() + make_interval(secs => $2) WHERE id = $1', [id, UPLOAD_LEASE_SECONDS]);
  }

  /** Gives the upload back, recording the new acknowledged offset when the append succeeded. */
  async release(id: string, offset?: number): Promise<void> {
    await this.sql.query(
      `UPDATE upload SET lease_until = NULL, updated_at = now(), "offset" = COALESCE($2, "offset") WHERE id = $1`,
      [id, offset ?? null],
      'upload_release',
    );
  }

  /**
   * Completes a session that holds no bytes yet with a blob already in storage: claims the session
   * (free, at offset 0), records the blob and links it to the repository, in one statement. False
   * when the session is unknown, busy or has bytes; then nothing changed.
   */
  async completeWithBlob(id: string, repository: string, repositoryId: string, digest: string, size: number): Promise<boolean> {
    const row = await this.sql.one<{ id: string }>(
      `WITH u AS (
         DELETE FROM upload WHERE id = $1 AND repository_name = $2 AND "offset" = 0
            AND (lease_until IS NULL OR lease_until < now())
         RETURNING id
       ), b AS (
         INSERT INTO blob (digest, size) SELECT $4, $5 FROM u
         ON CONFLICT (digest) DO UPDATE SET last_seen_at = now()
         RETURNING id
       ), l AS (
         INSERT INTO repository_blob (repository_id, blob_id) SELECT $3, id FROM b ON CONFLICT DO NOTHING
       )
       SELECT id FROM b`,
      [id, repository, repositoryId, digest, size],
      'upload_complete_with_blob',
    );
    return row !== undefined;
  }

  async delete(id: string, runner: SqlRunner = this.sql): Promise<boolean> {
    const rows = await runner.query('DELETE FROM upload WHERE id = $1 RETURNING id', [id], 'upload_delete');
    return rows.length > 0;
  }
}
