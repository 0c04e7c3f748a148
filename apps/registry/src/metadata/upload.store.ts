import { Inject, Injectable } from '@nestjs/common';
import type { Sql } from '@wharf/db/plain';
import { SQL } from '../infra/tokens';
import { isSignedUploadId, type UploadIdKind } from '../uploads/upload-ids';

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

  /**
   * The session's acknowledged offset; undefined when it names no open session. A signed id
   * (see UploadIds) without a row is a session that holds no bytes yet, unless it was closed.
   */
  async offset(id: string, repository: string, kind: UploadIdKind): Promise<number | undefined> {
    const row = await this.sql.one<{ offset: string | null; closed: boolean }>(
      `SELECT (SELECT "offset" FROM upload WHERE id = $1 AND repository_name = $2) AS "offset",
              EXISTS (SELECT 1 FROM upload_closed WHERE id = $1) AS closed`,
      [id, repository],
      'upload_offset',
    );
    if (row?.offset != null) return Number(row.offset);
    return kind === 'signed' && row && !row.closed ? 0 : undefined;
  }

  /**
   * Takes the upload for one request, so appends from several processes never interleave. The
   * first write of a signed session creates its row (unless the id was closed meanwhile).
   */
  async acquire(id: string, repository: string, kind: UploadIdKind): Promise<LeaseResult> {
    const row =
      kind === 'signed'
        ? await this.sql.one<{ offset: string }>(
            `INSERT INTO upload (id, repository_name, lease_until)
             SELECT $1, $2, now() + make_interval(secs => $3)
              WHERE NOT EXISTS (SELECT 1 FROM upload_closed WHERE id = $1)
             ON CONFLICT (id) DO UPDATE SET lease_until = EXCLUDED.lease_until, updated_at = now()
              WHERE upload.repository_name = $2 AND (upload.lease_until IS NULL OR upload.lease_until < now())
             RETURNING "offset"`,
            [id, repository, UPLOAD_LEASE_SECONDS],
            'upload_acquire_signed',
          )
        : await this.sql.one<{ offset: string }>(
            `UPDATE upload SET lease_until = now() + make_interval(secs => $3), updated_at = now()
              WHERE id = $1 AND repository_name = $2 AND (lease_until IS NULL OR lease_until < now())
              RETURNING "offset"`,
            [id, repository, UPLOAD_LEASE_SECONDS],
            'upload_acquire',
          );
    if (row) return { state: 'acquired', offset: Number(row.offset) };
    const offset = await this.offset(id, repository, 'legacy');
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
   * (free, at offset 0, or a signed id without a row), closes it, records the blob and links it to
   * the repository, in one statement. False when the session is unknown, closed, busy or has
   * bytes; then nothing changed.
   */
  async completeWithBlob(id: string, repository: string, repositoryId: string, digest: string, size: number, kind: UploadIdKind): Promise<boolean> {
    const row = await this.sql.one<{ id: string }>(
      `WITH u AS (
         DELETE FROM upload WHERE id = $1 AND repository_name = $2 AND "offset" = 0
            AND (lease_until IS NULL OR lease_until < now())
         RETURNING id
       ), c AS (
         INSERT INTO upload_closed (id)
         SELECT $1 WHERE EXISTS (SELECT 1 FROM u) OR ($6 AND NOT EXISTS (SELECT 1 FROM upload WHERE id = $1))
         ON CONFLICT (id) DO NOTHING
         RETURNING id
       ), b AS (
         INSERT INTO blob (digest, size) SELECT $4, $5 FROM c
         ON CONFLICT (digest) DO UPDATE SET last_seen_at = now()
         RETURNING id
       ), l AS (
         INSERT INTO repository_blob (repository_id, blob_id) SELECT $3, id FROM b ON CONFLICT DO NOTHING
       )
       SELECT id FROM b`,
      [id, repository, repositoryId, digest, size, kind === 'signed'],
      'upload_complete_with_blob',
    );
    return row !== undefined;
  }

  /**
   * Ends a session: its row goes, and a signed id is recorded as closed so that it is never used
   * again. Other ids (sessions from before signed ids, a monolithic upload's own) mean nothing
   * without their row, so nothing is recorded for them.
   */
  async close(id: string): Promise<void> {
    if (!isSignedUploadId(id)) {
      await this.sql.query('DELETE FROM upload WHERE id = $1', [id], 'upload_delete');
      return;
    }
    await this.sql.query(
      `WITH u AS (DELETE FROM upload WHERE id = $1)
       INSERT INTO upload_closed (id) VALUES ($1) ON CONFLICT (id) DO NOTHING`,
      [id],
      'upload_close',
    );
  }
}
