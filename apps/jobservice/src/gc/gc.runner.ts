import { Client } from 'pg';
import type { Sql } from '@wharf/db';
import { ExecutionStatus, VendorType } from '@wharf/jobs';
import type { StorageDriver } from '@wharf/storage';
import type { RepositoryChanges } from '../repository-changes';
import type { TaskContext, TaskOutcome, TaskRunner } from '../task-runner';
import { GarbageCollector, GC_READ_ONLY_MESSAGE, PENDING_KEY } from './garbage-collector';

/**
 * Runs a GC task. One GC at a time across every jobservice: the run holds a session advisory lock
 * on a connection of its own, released by the database if the process dies.
 */
export class GcRunner implements TaskRunner {
  readonly vendorType = VendorType.GarbageCollection;
  readonly concurrency = 1;

  constructor(
    private readonly databaseUrl: string,
    private readonly sql: Sql,
    private readonly storage: StorageDriver,
    private readonly changes: RepositoryChanges,
    private readonly uploadMaxAgeMs: number,
    private readonly readOnly: () => Promise<boolean>,
  ) {}

  async run(ctx: TaskContext): Promise<TaskOutcome> {
    const lock = new Client({ connectionString: this.databaseUrl, application_name: 'wharf-gc-lock' });
    // The advisory lock lives as long as this connection: if PostgreSQL ends it (a restart), the
    // run stops at its next step rather than go on unguarded (and the error does not end the process).
    let lockLost: Error | undefined;
    lock.on('error', (err) => {
      lockLost ??= err;
    });
    await lock.connect();
    try {
      const { rows } = await lock.query<{ locked: boolean }>("SELECT pg_try_advisory_lock(hashtextextended('wharf:gc', 0)) AS locked");
      if (!rows[0]?.locked) {
        ctx.error('another garbage collection is running');
        return { status: ExecutionStatus.Error, message: 'another garbage collection is running' };
      }
      const gc = new GarbageCollector(
        { sql: this.sql, storage: this.storage, changes: this.changes, uploadMaxAgeMs: this.uploadMaxAgeMs, readOnly: this.readOnly },
        ctx.parameters,
        {
          info: (m) => ctx.info(m),
          warn: (m) => ctx.warn(m),
          save: (r, pending, tx) => ctx.progress({ ...r, [PENDING_KEY]: pending }, tx),
          shouldStop: async () => lockLost !== undefined || (await ctx.shouldStop()),
        },
        await ctx.recordedProgress(),
      );
      try {
        const report = await gc.run();
        if (lockLost) return { status: ExecutionStatus.Error, message: `lost the database connection holding the GC lock: ${lockLost.message}`, extra: { ...report } };
        // Harbor's GC ends in Error when read-only mode refuses its deletions.
        if (report.read_only) return { status: ExecutionStatus.Error, message: GC_READ_ONLY_MESSAGE, extra: { ...report } };
        return { status: report.stopped ? ExecutionStatus.Stopped : ExecutionStatus.Success, extra: { ...report } };
      } finally {
        // Bookkeeping for a resumed run, not a figure of the run.
        await ctx.dropProgress([PENDING_KEY]).catch(() => undefined);
      }
    } finally {
      await lock.end().catch(() => undefined);
    }
  }
}
