import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Access, Action } from '@wharf/auth';
import type { Sql } from '@wharf/db';
import { type Execution, ExecutionStore, JobQueues, launchExecution, type PurgeAuditParameters, ScheduleStore, Trigger, VendorType } from '@wharf/jobs';
import { requireSystemAccess } from '../auth/authorize';
import { notFound } from '../http/harbor-error';
import { type FieldSpecs, orderBy, SqlParams, whereClause, whereFromQuery } from '../http/list-query';
import type { ListRequest } from '../http/query-param';
import { SQL } from '../infra/tokens';
import { withStoredParameters } from '../gc/gc-schedule-request';
import { parsePurgeScheduleRequest, type PurgeScheduleRequest } from './purge-schedule-request';
import { type ExecHistoryView, type ExecutionRun } from '../gc/gc-view';
import { purgeHistoryView, purgeScheduleView } from './purge-view';

/** Harbor's system resource for the audit log purge. */
const RESOURCE = 'purge-audit';

/** What `q` and `sort` may name in the history: the execution's fields, under Harbor's names and ExecHistory's. */
const HISTORY_FIELDS: FieldSpecs = {
  id: { column: 'e.id', type: 'bigint' },
  status: { column: 'e.status', type: 'text' },
  job_status: { column: 'e.status', type: 'text' },
  trigger: { column: 'e.trigger', type: 'text' },
  job_kind: { column: 'e.trigger', type: 'text' },
  start_time: { column: 'e.start_time', type: 'time' },
  creation_time: { column: 'e.start_time', type: 'time' },
  update_time: { column: 'e.update_time', type: 'time' },
  end_time: { column: 'e.end_time', type: 'time' },
};

interface RunRow {
  id: string;
  trigger: Trigger;
  status: Execution['status'];
  parameters: Record<string, unknown>;
  extra_attrs: Record<string, unknown>;
  start_time: Date;
  update_time: Date;
}

function toRun(r: RunRow): ExecutionRun {
  return { id: r.id, trigger: r.trigger, status: r.status, parameters: r.parameters, extraAttrs: r.extra_attrs, startTime: r.start_time, updateTime: r.update_time };
}

/** What applying a schedule request did: the execution it started, if it was "run now". */
export interface PurgeScheduleOutcome {
  executionId?: string;
}

/**
 * Harbor's /system/purgeaudit: runs of the audit log purge (executions of vendor
 * PURGE_AUDIT_LOG, run by the jobservice) and its one cron schedule. For those with Harbor's
 * system permission on purge-audit: system administrators and robots granted it.
 *
 * Read-only mode: the state-changing requests are refused by the global read-only guard as
 * Harbor's middleware refuses them; the purge job itself, like Harbor's, does not look at the
 * switch, so a scheduled purge still runs while the installation is read-only.
 */
@Injectable()
export class PurgeService {
  private readonly logger = new Logger('purge-audit');

  constructor(
    @Inject(SQL) private readonly sql: Sql,
    private readonly executions: ExecutionStore,
    private readonly schedules: ScheduleStore,
    private readonly queues: JobQueues,
  ) {}

  async history(access: Access, { query, sort, paging }: ListRequest): Promise<{ items: ExecHistoryView[]; total: number }> {
    this.require(access, 'list');
    const params = new SqlParams();
    const conditions = [`e.vendor_type = ${params.add(VendorType.PurgeAuditLog)}`, ...whereFromQuery(query, HISTORY_FIELDS, params)];
    const where = whereClause(conditions);
    const order = orderBy(sort, HISTORY_FIELDS, 'e.id DESC', 'e.id DESC');
    const count = await this.sql.one<{ n: string }>(`SELECT count(*) AS n FROM execution e ${where}`, params.values);
    const limit = params.add(paging.pageSize);
    const offset = params.add(paging.offset);
    const rows = await this.sql.query<RunRow>(
      `SELECT e.id, e.trigger, e.status, e.parameters, e.extra_attrs, e.start_time, e.update_time
         FROM execution e ${where} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`,
      params.values,
    );
    const runs = rows.map(toRun);
    const currentCron = runs.some((e) => e.trigger === Trigger.Schedule) ? (await this.schedules.get(VendorType.PurgeAuditLog))?.cron : undefined;
    return { items: runs.map((e) => purgeHistoryView(e, currentCron)), total: Number(count?.n ?? 0) };
  }

  async get(access: Access, id: number): Promise<ExecHistoryView> {
    this.require(access, 'read');
    const execution = await this.purgeExecution(id);
    const currentCron = execution.trigger === Trigger.Schedule ? (await this.schedules.get(VendorType.PurgeAuditLog))?.cron : undefined;
    return purgeHistoryView(execution, currentCron);
  }

  /** Stopping a run that already ended changes nothing and is not an error (as Harbor). */
  async stop(access: Access, id: number): Promise<void> {
    this.require(access, 'stop');
    const execution = await this.purgeExecution(id);
    if (await this.executions.requestStop(execution.id)) this.logger.log(`requested audit log purge stop: execution=${execution.id}`);
  }

  async log(access: Access, id: number): Promise<string> {
    this.require(access, 'read');
    const execution = await this.purgeExecution(id);
    return this.executions.log(execution.id);
  }

  /** The schedule, or an empty object when there is none (Harbor answers an empty body, as for GC). */
  async schedule(access: Access): Promise<ExecHistoryView | Record<string, never>> {
    this.require(access, 'read');
    const schedule = await this.schedules.get(VendorType.PurgeAuditLog);
    return schedule ? purgeScheduleView(schedule) : {};
  }

  /** POST (create) and PUT (update) /system/purgeaudit/schedule alike: run now, set the schedule, or remove it. */
  async applySchedule(access: Access, action: 'create' | 'update', body: unknown): Promise<PurgeScheduleOutcome> {
    this.require(access, action);
    const request = parsePurgeScheduleRequest(withStoredParameters(body, (await this.schedules.get(VendorType.PurgeAuditLog))?.parameters));
    if (request.action === 'run') return { executionId: await this.runNow(request.parameters) };
    await this.changeSchedule(request);
    return {};
  }

  private require(access: Access, action: Action): void {
    requireSystemAccess(access, RESOURCE, action);
  }

  /**
   * Not exclusive, as Harbor: a second run asked for while one is pending or running waits its
   * turn in the queue (one purge at a time per jobservice). A queue Redis does not take leaves the
   * task in Error and is answered 503.
   */
  private async runNow(parameters: PurgeAuditParameters): Promise<string> {
    const created = await launchExecution(this.executions, this.queues, {
      vendorType: VendorType.PurgeAuditLog,
      trigger: Trigger.Manual,
      parameters: { ...parameters },
    });
    if (created === 'busy') throw new Error('unexpected busy answer for a non-exclusive execution');
    this.logger.log(`queued audit log purge: execution=${created.executionId}`);
    return created.executionId;
  }

  private async changeSchedule(request: Exclude<PurgeScheduleRequest, { action: 'run' }>): Promise<void> {
    if (request.action === 'remove') {
      if (!(await this.schedules.remove(VendorType.PurgeAuditLog))) return;
      this.logger.log('removed audit log purge schedule');
    } else {
      await this.schedules.put({ vendorType: VendorType.PurgeAuditLog, cronType: request.cronType, cron: request.cron, parameters: { ...request.parameters } });
      this.logger.log(`set audit log purge schedule: cron="${request.cron}"`);
    }
    try {
      await this.queues.announceSchedulesChanged(VendorType.PurgeAuditLog);
    } catch (err) {
      // The row is the truth: the jobservice also re-reads the schedules periodically.
      this.logger.warn(`failed to announce the audit log purge schedule change, the jobservice will pick it up later: ${(err as Error).message}`);
    }
  }

  /** A purge execution by id; 404 for unknown ids and for executions of other vendors. */
  private async purgeExecution(id: number): Promise<Execution> {
    const execution = await this.executions.get(String(id));
    if (!execution || execution.vendorType !== VendorType.PurgeAuditLog) throw notFound(`purge job ${id} not found`);
    return execution;
  }
}
