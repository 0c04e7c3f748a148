import { retryingConflicts, type Sql, type SqlRunner } from '@wharf/db';
import { GC_DEFAULTS, type GcParameters } from '@wharf/jobs';
import type { StorageDriver } from '@wharf/storage';
import type { RepositoryChanges } from '../repository-changes';
import { planUntaggedDeletion, type UntaggedArtifact } from './untagged-plan';

/** Rows handled per transaction. */
const PAGE = 1000;
/** Items named one by one in the log; the rest are counted. */
const LOG_ITEMS = 200;
/** Below this window a push that checks a layer and then references it may fail (never lose data). */
const MIN_SAFE_WINDOW_MS = 10 * 60_000;
/** GC never uses a shorter window: the storage check needs room for the commit's clock slack. */
const MIN_WINDOW_MS = 5_000;

export interface GcReport {
  dry_run: boolean;
  delete_untagged: boolean;
  time_window: number;
  manifests_deleted: number;
  blobs_deleted: number;
  blob_bytes_freed: number;
  orphan_files_deleted: number;
  orphan_bytes_freed: number;
  uploads_purged: number;
  /**
   * Blobs removed from repositories whose artifacts no longer reference them, while artifacts
   * elsewhere still do (the blob stays; the repository's project stops paying for it).
   */
  blob_links_released: number;
  /** Repository rows that never recorded an artifact and held nothing any more (never listed). */
  repositories_deleted: number;
  /** Projects whose stored usage differed from a recount of their references (and was corrected). */
  quotas_corrected: number;
  /** Total bytes released (Harbor's name). */
  freed_space: number;
  stopped?: boolean;
  /** The run ended early because the installation was put in read-only mode (nothing more was deleted). */
  read_only?: boolean;
}

/** Why a run that would delete did not (Harbor's GC fails with the same reason). */
export const GC_READ_ONLY_MESSAGE = 'the system is in read only mode, garbage collection cannot delete anything';

/** Digests whose rows are deleted and whose bytes may still be in storage (see `GcHooks.save`). */
export const PENDING_KEY = 'gc_pending_blob_deletions';

export interface GcHooks {
  info(message: string): void;
  warn(message: string): void;
  /**
   * Records the figures and the digests whose bytes are still to be removed; inside `tx` when
   * given, so they commit exactly with the rows they count.
   */
  save(report: GcReport, pending: readonly string[], tx?: SqlRunner): Promise<void>;
  shouldStop(): Promise<boolean>;
}

/** The counting figures, which a resumed run carries on from what the interrupted one recorded. */
const COUNTERS = ['manifests_deleted', 'blobs_deleted', 'blob_bytes_freed', 'orphan_files_deleted', 'orphan_bytes_freed', 'uploads_purged', 'blob_links_released'] as const;

export interface GcDeps {
  sql: Sql;
  storage: StorageDriver;
  changes: RepositoryChanges;
  /** Uploads untouched this long are purged. */
  uploadMaxAgeMs: number;
  /** Whether the installation is in read-only mode (core's `read_only` setting); a failed read throws. */
  readOnly(): Promise<boolean>;
}

/** Stored parameters as GC uses them: defaults for what is missing, bounds on the rest. */
export function gcParameters(raw: Record<string, unknown>): GcParameters {
  const bool = (v: unknown, d: boolean) => (typeof v === 'boolean' ? v : d);
  const num = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : d);
  return {
    dry_run: bool(raw['dry_run'], GC_DEFAULTS.dry_run),
    delete_untagged: bool(raw['delete_untagged'], GC_DEFAULTS.delete_untagged),
    workers: Math.min(5, Math.max(1, Math.floor(num(raw['workers'], GC_DEFAULTS.workers)))),
    time_window: num(raw['time_window'], GC_DEFAULTS.time_window),
  };
}

class Stop extends Error {}
class ReadOnly extends Error {}

/**
 * Online mark and sweep over the metadata, then the storage. Nothing is read-only meanwhile;
 * what keeps concurrent pushes safe:
 * - only rows last seen (blobs) or pushed (artifacts) before the time window are candidates, and a
 *   registry lookup that tells a client a blob exists refreshes its last-seen time first;
 * - each page of candidates is locked with SKIP LOCKED (a row a push is using right now is skipped)
 *   and checked again in a later statement, whose fresh snapshot sees every reference committed
 *   before the lock; a reference made after the lock waits for this commit and then fails cleanly
 *   (the registry answers MANIFEST_BLOB_UNKNOWN and stores nothing);
 * - bytes go only after their row, through deleteBlobIfStale, which keeps bytes a concurrent
 *   commit wrote over them.
 * A dry run runs the same queries without deleting, against the plan of what would go.
 */
export class GarbageCollector {
  private readonly report: GcReport;
  private readonly params: GcParameters;
  private readonly windowMs: number;
  private cutoff!: Date;
  private writtenBefore!: Date;
  private logged = 0;
  /** Digests whose rows this run (or the interrupted one) deleted and whose bytes may remain. */
  private pending = new Set<string>();

  /**
   * `resumed` is what an interrupted run of the same task recorded: its figures are carried on
   * and the bytes of the rows it had deleted are removed first, so the figures come out as those
   * of one uninterrupted run.
   */
  constructor(
    private readonly deps: GcDeps,
    raw: Record<string, unknown>,
    private readonly hooks: GcHooks,
    private readonly resumed: Record<string, unknown> = {},
  ) {
    this.params = gcParameters(raw);
    this.windowMs = Math.max(MIN_WINDOW_MS, this.params.time_window * 3_600_000);
    this.report = {
      dry_run: this.params.dry_run,
      delete_untagged: this.params.delete_untagged,
      time_window: this.params.time_window,
      manifests_deleted: 0,
      blobs_deleted: 0,
      blob_bytes_freed: 0,
      orphan_files_deleted: 0,
      orphan_bytes_freed: 0,
      uploads_purged: 0,
      blob_links_released: 0,
      repositories_deleted: 0,
      quotas_corrected: 0,
      freed_space: 0,
    };
    if (!this.params.dry_run) {
      for (const key of COUNTERS) {
        const value = resumed[key];
        if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) this.report[key] = value;
      }
    }
  }

  async run(): Promise<GcReport> {
    const { sql, storage } = this.deps;
    const p = this.params;
    // A dry run deletes nothing and runs as usual, as in Harbor; a real one must not start.
    if (!p.dry_run && (await this.deps.readOnly())) {
      this.hooks.warn(`${GC_READ_ONLY_MESSAGE}: skipped`);
      this.report.read_only = true;
      return this.report;
    }
    this.hooks.info(`garbage collection started: dry_run=${p.dry_run} delete_untagged=${p.delete_untagged} workers=${p.workers} time_window=${p.time_window}h`);
    if (this.windowMs < MIN_SAFE_WINDOW_MS) {
      this.hooks.warn(`the time window of ${this.windowMs / 1000}s is short: a push that checked a layer longer ago than that and references it now fails (and can be retried); nothing pushed is lost`);
    }
    const restored = await storage.restoreSetAside();
    if (restored > 0) this.hooks.warn(`restored ${restored} blobs an interrupted garbage collection had set aside`);
    const row = await sql.one<{ cutoff: Date }>('SELECT now() - make_interval(secs => $1) AS cutoff', [this.windowMs / 1000]);
    this.cutoff = row!.cutoff;
    // Bytes written after this are kept; half the window tolerates clock skew between hosts.
    this.writtenBefore = new Date(Date.now() - this.windowMs / 2);
    try {
      await this.finishInterruptedRemovals();
      await this.purgeUploads();
      const doomed = p.delete_untagged ? await this.deleteUntagged() : [];
      await this.releaseLinks(doomed);
      await this.deleteBlobs(doomed);
      await this.deleteOrphanFiles();
      await this.deleteUnlistedRepositories();
      await this.checkQuotas();
    } catch (err) {
      if (err instanceof ReadOnly) {
        this.report.read_only = true;
        this.hooks.warn(`${GC_READ_ONLY_MESSAGE}: stopped before the next page`);
      } else {
        if (!(err instanceof Stop)) throw err;
        this.report.stopped = true;
        this.hooks.info('stopped on request');
      }
    }
    this.report.freed_space = this.report.blob_bytes_freed + this.report.orphan_bytes_freed;
    const verb = p.dry_run ? 'would delete' : 'deleted';
    this.hooks.info(
      `garbage collection ${p.dry_run ? 'dry run ' : ''}finished: ${verb} ${this.report.manifests_deleted} untagged artifacts, ${this.report.blobs_deleted} blobs (${this.report.blob_bytes_freed} bytes), ` +
        `${this.report.orphan_files_deleted} unrecorded files (${this.report.orphan_bytes_freed} bytes) and ${this.report.uploads_purged} abandoned uploads; ${this.report.freed_space} bytes in all`,
    );
    return this.report;
  }

  private async checkpoint(): Promise<void> {
    await this.hooks.save(this.report, [...this.pending]);
    if (await this.hooks.shouldStop()) throw new Stop();
    // Switched on mid-run: nothing more goes (Harbor's GC stops at its next deletion); the bytes
    // whose rows this run already deleted are still removed, being no artifact's any more.
    if (!this.params.dry_run && (await this.deps.readOnly())) throw new ReadOnly();
  }

  /** Removes the bytes of rows an interrupted run deleted (and counted) before it could remove them. */
  private async finishInterruptedRemovals(): Promise<void> {
    const recorded = this.resumed[PENDING_KEY];
    if (this.params.dry_run || !Array.isArray(recorded) || recorded.length === 0) return;
    const digests = recorded.filter((d): d is string => typeof d === 'string');
    // A digest pushed again since has a row of its own: its bytes are that row's now.
    const live = new Set((await this.deps.sql.query<{ digest: string }>('SELECT digest FROM blob WHERE digest = ANY($1::text[])', [digests])).map((r) => r.digest));
    let removed = 0;
    for (const digest of digests) {
      if (!live.has(digest) && (await this.deps.storage.deleteBlobIfStale(digest, this.writtenBefore)) === 'deleted') removed++;
    }
    this.hooks.info(`removed the bytes of ${removed} of ${digests.length} blobs whose records the interrupted run had deleted`);
    await this.checkpoint();
  }

  private item(message: string): void {
    if (this.logged < LOG_ITEMS) this.hooks.info(message);
    else if (this.logged === LOG_ITEMS) this.hooks.info('(further items are counted, not listed)');
    this.logged++;
  }

  /** Upload sessions nobody touched within the age limit, and upload files without a session. */
  private async purgeUploads(): Promise<void> {
    const { sql, storage, uploadMaxAgeMs } = this.deps;
    const ageSeconds = uploadMaxAgeMs / 1000;
    const stale = `updated_at < now() - make_interval(secs => $1) AND (lease_until IS NULL OR lease_until < now())`;
    const rows = this.params.dry_run
      ? await sql.query<{ id: string }>(`SELECT id FROM upload WHERE ${stale}`, [ageSeconds])
      : await sql.query<{ id: string }>(`DELETE FROM upload WHERE ${stale} RETURNING id`, [ageSeconds]);
    for (const r of rows) {
      if (!this.params.dry_run) await storage.deleteUpload(r.id);
      this.report.uploads_purged++;
    }
    const limit = Date.now() - uploadMaxAgeMs;
    let batch: string[] = [];
    const sweep = async () => {
      const known = new Set((await sql.query<{ id: string }>('SELECT id FROM upload WHERE id = ANY($1::text[])', [batch])).map((r) => r.id));
      for (const id of batch) {
        if (known.has(id)) continue;
        if (!this.params.dry_run) await storage.deleteUpload(id);
        this.report.uploads_purged++;
      }
      batch = [];
    };
    for await (const u of storage.listUploads()) {
      // A session's file is created right after its row: only old files can be abandoned.
      if (u.modifiedAt.getTime() >= limit) continue;
      batch.push(u.id);
      if (batch.length >= PAGE) await sweep();
    }
    if (batch.length > 0) await sweep();
    // Closed session ids are kept only while an id could still be presented (the registry refuses
    // ids older than REGISTRY_UPLOAD_MAX_AGE_SECONDS, which matches this age by default).
    if (!this.params.dry_run) await sql.query('DELETE FROM upload_closed WHERE closed_at < now() - make_interval(secs => $1)', [ageSeconds]);
    // Blob writes a crash interrupted are abandoned uploads too: counted with them.
    const interrupted = await storage.purgeInterruptedWrites(new Date(limit), this.params.dry_run);
    if (interrupted > 0) this.hooks.info(`${this.params.dry_run ? 'would remove' : 'removed'} ${interrupted} files of interrupted blob writes`);
    this.report.uploads_purged += interrupted;
    if (this.report.uploads_purged > 0) this.hooks.info(`${this.params.dry_run ? 'would purge' : 'purged'} ${this.report.uploads_purged} abandoned uploads`);
    await this.checkpoint();
  }

  /** Untagged artifacts no index or tagged image needs; returns their ids (the dry run's plan). */
  private async deleteUntagged(): Promise<string[]> {
    const { sql } = this.deps;
    const rows = await sql.query<{ id: string; old: boolean; parent_ids: string[] | null; subject_id: string | null }>(
      `SELECT a.id, a.push_time < $1 AS old,
              (SELECT array_agg(ar.parent_id::text) FROM artifact_reference ar WHERE ar.child_id = a.id) AS parent_ids,
              (SELECT s.id FROM artifact s WHERE a.subject_digest IS NOT NULL AND s.repository_id = a.repository_id AND s.digest = a.subject_digest) AS subject_id
         FROM artifact a
        WHERE NOT EXISTS (SELECT 1 FROM tag t WHERE t.artifact_id = a.id)`,
      [this.cutoff],
    );
    const untagged: UntaggedArtifact[] = rows.map((r) => ({ id: r.id, old: r.old, parentIds: r.parent_ids ?? [], subjectId: r.subject_id }));
    const rounds = planUntaggedDeletion(untagged);
    const planned = rounds.flat();
    if (this.params.dry_run) {
      const names = await this.artifactNames(planned);
      for (const id of planned) this.item(`would delete untagged artifact ${names.get(id) ?? id}`);
      this.report.manifests_deleted = planned.length;
      await this.checkpoint();
      return planned;
    }
    for (const round of rounds) {
      for (let i = 0; i < round.length; i += PAGE) {
        await this.deleteArtifactPage(round.slice(i, i + PAGE));
        await this.checkpoint();
      }
    }
    return [];
  }

  private async artifactNames(ids: string[]): Promise<Map<string, string>> {
    const rows = await this.deps.sql.query<{ id: string; name: string }>(
      `SELECT a.id, r.name || '@' || a.digest AS name FROM artifact a JOIN repository r ON r.id = a.repository_id WHERE a.id = ANY($1::bigint[])`,
      [ids.slice(0, LOG_ITEMS + 1)],
    );
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  private async deleteArtifactPage(ids: string[]): Promise<void> {
    const { sql, changes } = this.deps;
    // A deadlock with a push's quota triggers rolls the page back: it is simply taken again.
    const deleted = await retryingConflicts(() => sql.transaction(async (tx) => {
      const locked = (await tx.query<{ id: string }>('SELECT id FROM artifact WHERE id = ANY($1::bigint[]) FOR UPDATE SKIP LOCKED', [ids])).map((r) => r.id);
      if (locked.length === 0) return [];
      // A new statement, a new snapshot: sees every tag or index reference committed before the lock.
      const gone = await tx.query<{ id: string; name: string; repository: string }>(
        `WITH d AS (
           DELETE FROM artifact a
            WHERE a.id = ANY($1::bigint[]) AND a.push_time < $2
              AND NOT EXISTS (SELECT 1 FROM tag t WHERE t.artifact_id = a.id)
              AND NOT EXISTS (SELECT 1 FROM artifact_reference ar WHERE ar.child_id = a.id)
              AND NOT EXISTS (SELECT 1 FROM artifact s WHERE a.subject_digest IS NOT NULL AND s.repository_id = a.repository_id AND s.digest = a.subject_digest)
           RETURNING a.id, a.digest, a.repository_id
         )
         SELECT d.id, r.name || '@' || d.digest AS name, r.name AS repository FROM d JOIN repository r ON r.id = d.repository_id`,
        [locked, this.cutoff],
      );
      await changes.notify(tx, gone.map((g) => g.repository));
      if (gone.length > 0) await this.hooks.save({ ...this.report, manifests_deleted: this.report.manifests_deleted + gone.length }, [...this.pending], tx);
      return gone;
    }));
    await changes.committed(deleted.map((d) => d.repository));
    for (const d of deleted) this.item(`deleted untagged artifact ${d.name}`);
    this.report.manifests_deleted += deleted.length;
  }

  /**
   * A repository keeps a blob while one of its artifacts references it, or while the blob was
   * seen within the time window (just uploaded or mounted, about to be referenced); otherwise the
   * link goes, and with it the project's charge for the blob (migration 0014), as Harbor's GC
   * cleans a project's blob associations. Blobs no artifact references anywhere go whole in
   * deleteBlobs; this handles those still referenced elsewhere (a base layer another project's
   * images share). The same lock-then-recheck protocol as deleteBlobRows keeps a manifest push
   * that references the blob right now safe: the push locks the links it relies on.
   */
  private async releaseLinks(doomed: string[]): Promise<void> {
    const { sql, changes } = this.deps;
    let after: [string, string] = ['0', '0'];
    for (;;) {
      const page = await sql.query<{ repository_id: string; blob_id: string }>(
        `SELECT rb.repository_id, rb.blob_id FROM repository_blob rb JOIN blob b ON b.id = rb.blob_id
          WHERE (rb.blob_id, rb.repository_id) > ($1::bigint, $2::bigint) AND b.last_seen_at < $3
            AND NOT EXISTS (SELECT 1 FROM artifact_blob ab JOIN artifact a ON a.id = ab.artifact_id
                             WHERE ab.blob_id = rb.blob_id AND a.repository_id = rb.repository_id AND a.id <> ALL($4::bigint[]))
            AND EXISTS (SELECT 1 FROM artifact_blob ab WHERE ab.blob_id = rb.blob_id AND ab.artifact_id <> ALL($4::bigint[]))
          ORDER BY rb.blob_id, rb.repository_id LIMIT $5`,
        [after[0], after[1], this.cutoff, doomed, PAGE],
      );
      if (page.length === 0) break;
      const lastRow = page[page.length - 1]!;
      after = [lastRow.blob_id, lastRow.repository_id];
      if (this.params.dry_run) {
        this.report.blob_links_released += page.length;
        continue;
      }
      const repositories = await retryingConflicts(() => sql.transaction(async (tx) => {
        // Links a push is relying on right now are locked by it and skipped (see ArtifactStore.record).
        const locked = await tx.query<{ repository_id: string; blob_id: string }>(
          `SELECT rb.repository_id, rb.blob_id FROM repository_blob rb
             JOIN unnest($1::bigint[], $2::bigint[]) AS l(repository_id, blob_id) ON rb.repository_id = l.repository_id AND rb.blob_id = l.blob_id
            FOR UPDATE OF rb SKIP LOCKED`,
          [page.map((l) => l.repository_id), page.map((l) => l.blob_id)],
        );
        if (locked.length === 0) return [];
        // A new statement, a new snapshot: a reference committed before the lock keeps its link.
        const gone = await tx.query<{ name: string }>(
          `WITH d AS (
             DELETE FROM repository_blob rb USING unnest($1::bigint[], $2::bigint[]) AS l(repository_id, blob_id), blob b
              WHERE rb.repository_id = l.repository_id AND rb.blob_id = l.blob_id AND b.id = rb.blob_id AND b.last_seen_at < $3
                AND NOT EXISTS (SELECT 1 FROM artifact_blob ab JOIN artifact a ON a.id = ab.artifact_id
                                 WHERE ab.blob_id = rb.blob_id AND a.repository_id = rb.repository_id)
             RETURNING rb.repository_id
           )
           SELECT r.name FROM d JOIN repository r ON r.id = d.repository_id`,
          [locked.map((l) => l.repository_id), locked.map((l) => l.blob_id), this.cutoff],
        );
        await changes.notify(tx, [...new Set(gone.map((g) => g.name))]);
        if (gone.length > 0) await this.hooks.save({ ...this.report, blob_links_released: this.report.blob_links_released + gone.length }, [...this.pending], tx);
        return gone.map((g) => g.name);
      }));
      await changes.committed([...new Set(repositories)]);
      this.report.blob_links_released += repositories.length;
      await this.checkpoint();
    }
    if (this.report.blob_links_released > 0) {
      this.hooks.info(`${this.params.dry_run ? 'would release' : 'released'} ${this.report.blob_links_released} blobs from repositories whose artifacts no longer reference them`);
    }
  }

  /**
   * Blobs no artifact references (apart from `doomed`, the dry run's planned deletions). The next
   * page's rows are deleted while the previous page's bytes are removed: the database and the file
   * system work at the same time, every blob still loses its row before its bytes, and at most one
   * page of bytes is in flight.
   */
  private async deleteBlobs(doomed: string[]): Promise<void> {
    const { sql } = this.deps;
    let last = '0';
    let removing: Promise<void> = Promise.resolve();
    try {
      for (;;) {
        const page = await sql.query<{ id: string; digest: string; size: string }>(
          `SELECT b.id, b.digest, b.size FROM blob b
            WHERE b.id > $1 AND b.last_seen_at < $2
              AND NOT EXISTS (SELECT 1 FROM artifact_blob ab WHERE ab.blob_id = b.id AND ab.artifact_id NOT IN (SELECT unnest($3::bigint[])))
            ORDER BY b.id LIMIT $4`,
          [last, this.cutoff, doomed, PAGE],
        );
        if (page.length === 0) break;
        last = page[page.length - 1]!.id;
        if (this.params.dry_run) {
          for (const b of page) {
            this.item(`would delete blob ${b.digest} (${b.size} bytes)`);
            this.report.blobs_deleted++;
            this.report.blob_bytes_freed += Number(b.size);
          }
        } else {
          const deleted = await this.deleteBlobRows(page.map((b) => b.id));
          await removing;
          removing = this.removeBytes(deleted, 'blob');
        }
        await this.checkpoint();
      }
    } finally {
      // Also when stopped: the bytes of rows already deleted go too.
      await removing;
    }
  }

  /** Locks, re-checks and deletes one page of candidate rows; returns what it deleted. */
  private async deleteBlobRows(ids: string[]): Promise<{ digest: string; size: number }[]> {
    const { sql, changes } = this.deps;
    const { deleted, repositories } = await retryingConflicts(() => sql.transaction(async (tx) => {
      const locked = (await tx.query<{ id: string }>('SELECT id FROM blob WHERE id = ANY($1::bigint[]) FOR UPDATE SKIP LOCKED', [ids])).map((r) => r.id);
      if (locked.length === 0) return { deleted: [], repositories: [] };
      const repos = await tx.query<{ name: string }>(
        'SELECT DISTINCT r.name FROM repository_blob rb JOIN repository r ON r.id = rb.repository_id WHERE rb.blob_id = ANY($1::bigint[])',
        [locked],
      );
      const gone = await tx.query<{ digest: string; size: string }>(
        `DELETE FROM blob b WHERE b.id = ANY($1::bigint[]) AND b.last_seen_at < $2
            AND NOT EXISTS (SELECT 1 FROM artifact_blob ab WHERE ab.blob_id = b.id)
          RETURNING b.digest, b.size`,
        [locked, this.cutoff],
      );
      if (gone.length > 0) {
        await changes.notify(tx, repos.map((r) => r.name));
        // Counted with the rows, in their transaction: a crash cannot lose or double the count.
        const counted = {
          ...this.report,
          blobs_deleted: this.report.blobs_deleted + gone.length,
          blob_bytes_freed: this.report.blob_bytes_freed + gone.reduce((n, g) => n + Number(g.size), 0),
        };
        await this.hooks.save(counted, [...this.pending, ...gone.map((g) => g.digest)], tx);
      }
      return { deleted: gone, repositories: gone.length > 0 ? repos.map((r) => r.name) : [] };
    }));
    await changes.committed(repositories);
    for (const d of deleted) {
      this.pending.add(d.digest);
      this.report.blobs_deleted++;
      this.report.blob_bytes_freed += Number(d.size);
    }
    return deleted.map((d) => ({ digest: d.digest, size: Number(d.size) }));
  }

  /** Deletes the bytes of rows already deleted (or never recorded), `workers` x 4 at a time. */
  private async removeBytes(blobs: { digest: string; size: number }[], kind: 'blob' | 'orphan'): Promise<void> {
    const { storage } = this.deps;
    let next = 0;
    const lane = async () => {
      while (next < blobs.length) {
        const b = blobs[next++]!;
        const outcome = await storage.deleteBlobIfStale(b.digest, this.writtenBefore);
        if (kind === 'blob') {
          // Counted when its row went; bytes kept were written again by a push just now.
          this.pending.delete(b.digest);
          if (outcome === 'kept') {
            this.report.blob_bytes_freed -= b.size;
            this.item(`deleted the record of blob ${b.digest}; its bytes were just pushed again and stay`);
          } else {
            this.item(`deleted blob ${b.digest} (${b.size} bytes)`);
          }
        } else if (outcome === 'deleted') {
          this.report.orphan_files_deleted++;
          this.report.orphan_bytes_freed += b.size;
          this.item(`deleted unrecorded file of blob ${b.digest} (${b.size} bytes)`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(20, this.params.workers * 4) }, lane));
  }

  /**
   * Rows of repositories that never recorded an artifact (a push refused before its manifest, an
   * abandoned one) and hold nothing any more: the API never showed them (migration 0015). Only
   * those created before the time window, without upload sessions; a push that is about to link
   * a blob to one fails on the foreign key and recreates it (RepositoryStore.retryingStaleId).
   */
  private async deleteUnlistedRepositories(): Promise<void> {
    const { sql } = this.deps;
    const unlisted = `r.first_push_time IS NULL AND r.created_at < $1
        AND NOT EXISTS (SELECT 1 FROM repository_blob rb WHERE rb.repository_id = r.id)
        AND NOT EXISTS (SELECT 1 FROM artifact a WHERE a.repository_id = r.id)
        AND NOT EXISTS (SELECT 1 FROM upload u WHERE u.repository_name = r.name)`;
    const rows = this.params.dry_run
      ? await sql.query<{ name: string }>(`SELECT r.name FROM repository r WHERE ${unlisted}`, [this.cutoff])
      : await sql.query<{ name: string }>(`DELETE FROM repository r WHERE ${unlisted} RETURNING r.name`, [this.cutoff]);
    for (const r of rows) this.item(`${this.params.dry_run ? 'would delete' : 'deleted'} empty repository ${r.name}, which never held an artifact`);
    this.report.repositories_deleted = rows.length;
    await this.checkpoint();
  }

  /**
   * The consistency check of project usage: recounts every project from its references and
   * corrects (and reports) any stored figure that differs. The triggers keep usage exact, so a
   * correction means something changed references behind their back.
   */
  private async checkQuotas(): Promise<void> {
    const { sql } = this.deps;
    const wrong = await sql.query<{ id: number; name: string; used: string; actual: string }>(
      `SELECT p.id, p.name, q.used, quota_recomputed(p.id) AS actual FROM project p JOIN quota q ON q.project_id = p.id
        WHERE q.used <> quota_recomputed(p.id)`,
    );
    for (const w of wrong) {
      this.hooks.warn(`project ${w.name} recorded ${w.used} bytes used, its references add up to ${w.actual}${this.params.dry_run ? '' : '; corrected'}`);
      if (!this.params.dry_run) {
        await sql.transaction(async (tx) => {
          await tx.query('SELECT 1 FROM quota WHERE project_id = $1 FOR UPDATE', [w.id]);
          // A correction, not a charge: the storage limit does not apply (migration 0014).
          await tx.query("SET LOCAL wharf.quota_check = 'off'");
          await tx.query('UPDATE quota SET used = quota_recomputed($1), update_time = now() WHERE project_id = $1', [w.id]);
        });
      }
    }
    this.report.quotas_corrected = wrong.length;
    await this.checkpoint();
  }

  /** Files in storage with no blob row (a crash between writing and recording, or an older GC). */
  private async deleteOrphanFiles(): Promise<void> {
    const { sql, storage } = this.deps;
    let batch: string[] = [];
    const sweep = async () => {
      const known = new Set((await sql.query<{ digest: string }>('SELECT digest FROM blob WHERE digest = ANY($1::text[])', [batch])).map((r) => r.digest));
      const orphans: { digest: string; size: number }[] = [];
      for (const digest of batch) {
        if (known.has(digest)) continue;
        const stat = await storage.stat(digest);
        // Recent files belong to commits whose rows are being written right now.
        if (!stat || stat.modifiedAt >= this.writtenBefore) continue;
        orphans.push({ digest, size: stat.size });
      }
      batch = [];
      if (this.params.dry_run) {
        for (const o of orphans) {
          this.item(`would delete unrecorded file of blob ${o.digest} (${o.size} bytes)`);
          this.report.orphan_files_deleted++;
          this.report.orphan_bytes_freed += o.size;
        }
      } else {
        await this.removeBytes(orphans, 'orphan');
      }
      await this.checkpoint();
    };
    for await (const digest of storage.listBlobs()) {
      batch.push(digest);
      if (batch.length >= PAGE) await sweep();
    }
    if (batch.length > 0) await sweep();
  }
}
