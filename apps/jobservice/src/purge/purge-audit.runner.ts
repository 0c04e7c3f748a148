import type { Sql } from '@wharf/db';
import { ExecutionStatus, MAX_AUDIT_RETENTION_HOUR, type PurgeAuditParameters, VendorType } from '@wharf/jobs';
import type { TaskContext, TaskOutcome, TaskRunner } from '../task-runner';
import { type EventKind, selectEventTypes } from './audit-event-types';

/** Rows deleted per statement: each batch is its own short transaction, so no lock is held long. */
export const PURGE_BATCH_SIZE = 1000;

/** The figure the run records (and the history shows in job_parameters). */
export const PURGED_KEY = 'purged_audit_logs';

/** The parameters as core stored them; read leniently, as Harbor's job reads its own. */
function readParameters(raw: Record<string, unknown>): PurgeAuditParameters {
  const hours = raw['audit_retention_hour'];
  const types = raw['include_event_types'];
  return {
    audit_retention_hour: typeof hours === 'number' && Number.isFinite(hours) ? Math.trunc(hours) : 0,
    include_event_types: typeof types === 'string' ? types : '',
    dry_run: raw['dry_run'] === true,
  };
}

/**
 * The tables a run purges, as Harbor 2.13's job purges audit_log and audit_log_ext with the one
 * list, each with the resource type names it holds (the extended log's member is audit_log's
 * project_member).
 */
const TABLES = [
  { table: 'audit_log', resourceType: (type: string) => type },
  { table: 'audit_log_ext', resourceType: (type: string) => (type === 'project_member' ? 'member' : type) },
] as const;

/** The rows a run purges: older than the cutoff, of one of the selected kinds. */
const MATCH = `op_time < $1 AND (operation, resource_type) IN (SELECT o, r FROM unnest($2::text[], $3::text[]) AS k(o, r))`;

/**
 * Harbor's audit log purge (vendor PURGE_AUDIT_LOG): deletes the audit_log and audit_log_ext rows older than
 * audit_retention_hour of the event types in include_event_types; a dry run only counts them.
 * Unlike Harbor's single DELETE, rows go in batches of `batchSize`, oldest first, each batch
 * committed with the running count, so that a large table is never locked whole, a stop request
 * takes effect between batches and a run taken up again after a crash goes on where it was.
 * The cutoff is fixed when the run starts. As Harbor's job, it does not look at read-only mode.
 */
export class PurgeAuditRunner implements TaskRunner {
  readonly vendorType = VendorType.PurgeAuditLog;
  readonly concurrency = 1;

  constructor(
    private readonly sql: Sql,
    private readonly batchSize = PURGE_BATCH_SIZE,
  ) {}

  async run(ctx: TaskContext): Promise<TaskOutcome> {
    const p = readParameters(ctx.parameters);
    ctx.info(`purge audit logs: audit_retention_hour=${p.audit_retention_hour} include_event_types="${p.include_event_types}" dry_run=${p.dry_run}`);
    if (await ctx.shouldStop()) {
      ctx.info('stopped before it started');
      return { status: ExecutionStatus.Stopped, extra: { [PURGED_KEY]: 0 } };
    }
    // Harbor's "keep everything" values.
    if (p.audit_retention_hour <= 0) {
      ctx.info(`nothing to purge: audit_retention_hour ${p.audit_retention_hour} keeps every audit log`);
      return { status: ExecutionStatus.Success, extra: { [PURGED_KEY]: 0 } };
    }
    const hours = Math.min(p.audit_retention_hour, MAX_AUDIT_RETENTION_HOUR);
    const selection = selectEventTypes(p.include_event_types);
    if (selection.ignored.length > 0) ctx.warn(`ignored unknown event types: ${selection.ignored.join(', ')}`);
    if (selection.kinds.length === 0) {
      ctx.info('nothing to purge: no event type selected');
      return { status: ExecutionStatus.Success, extra: { [PURGED_KEY]: 0 } };
    }
    const cutoff = (await this.sql.one<{ cutoff: Date }>(`SELECT now() - $1::int * interval '1 hour' AS cutoff`, [hours]))!.cutoff;
    ctx.info(`purging audit logs older than ${cutoff.toISOString()} of event types ${selection.accepted.join(', ')}`);
    const valuesFor = (t: (typeof TABLES)[number]) => [cutoff, selection.kinds.map((k: EventKind) => k.operation), selection.kinds.map((k) => t.resourceType(k.resourceType))];

    if (p.dry_run) {
      let n = 0;
      for (const t of TABLES) {
        const row = await this.sql.one<{ n: string }>(`SELECT count(*) AS n FROM ${t.table} WHERE ${MATCH}`, valuesFor(t));
        n += Number(row?.n ?? 0);
      }
      ctx.info(`[DRYRUN] finished: would purge ${n} audit logs`);
      return { status: ExecutionStatus.Success, extra: { [PURGED_KEY]: n } };
    }

    // A run taken up again after its worker died counts on from what the first one committed.
    let purged = Number((await ctx.recordedProgress())[PURGED_KEY] ?? 0);
    for (const t of TABLES) {
      for (;;) {
        const n = await this.sql.transaction(async (tx) => {
          const row = await tx.one<{ n: number }>(
            `WITH doomed AS (
               SELECT id FROM ${t.table} WHERE ${MATCH} ORDER BY op_time, id LIMIT $4 FOR UPDATE SKIP LOCKED
             ), gone AS (
               DELETE FROM ${t.table} a USING doomed WHERE a.id = doomed.id RETURNING 1
             )
             SELECT count(*)::int AS n FROM gone`,
            [...valuesFor(t), this.batchSize],
          );
          const deleted = row?.n ?? 0;
          if (deleted > 0) await ctx.progress({ [PURGED_KEY]: purged + deleted }, tx);
          return deleted;
        });
        purged += n;
        if (n > 0) ctx.info(`purged ${n} audit logs (${purged} so far)`);
        if (n < this.batchSize) break;
        if (await ctx.shouldStop()) {
          ctx.info(`stopped: purged ${purged} audit logs`);
          return { status: ExecutionStatus.Stopped, extra: { [PURGED_KEY]: purged } };
        }
      }
    }
    ctx.info(`finished: purged ${purged} audit logs`);
    return { status: ExecutionStatus.Success, extra: { [PURGED_KEY]: purged } };
  }
}
