import { Injectable, Logger } from '@nestjs/common';
import type { Access } from '@wharf/auth';
import { type Execution, ExecutionStore, type GcParameters, JobQueues, launchExecution, ScheduleStore, Trigger, VendorType } from '@wharf/jobs';
import { requireSysadmin } from '../auth/authorize';
import { badRequest, conflict, notFound } from '../http/harbor-error';
import type { ListRequest } from '../http/query-param';
import { GcScheduleRequest, parseGcScheduleRequest, withStoredParameters } from './gc-schedule-request';
import { ExecHistoryView, gcHistoryView, gcScheduleView } from './gc-view';

/** The history's only order (newest first), under the names a client may ask for it by. */
const NEWEST_FIRST_SORTS = new Set(['-creation_time', '-id']);

/** What applying a schedule request did: the execution it started, if it was "run now". */
export interface GcScheduleOutcome {
  executionId?: string;
}

/**
 * Harbor's /system/gc: runs of garbage collection (executions of vendor GARBAGE_COLLECTION, run
 * by the jobservice) and its one cron schedule. System administrators only.
 */
@Injectable()
export class GcService {
  private readonly logger = new Logger('gc');

  constructor(
    private readonly executions: ExecutionStore,
    private readonly schedules: ScheduleStore,
    private readonly queues: JobQueues,
  ) {}

  async history(access: Access, { query, sort, paging }: ListRequest): Promise<{ items: ExecHistoryView[]; total: number }> {
    requireSysadmin(access);
    const filters = [...query.keys()];
    if (filters.length > 0) throw badRequest(`the GC history cannot be filtered (by ${filters.join(', ')})`);
    const order = sort.map((s) => `${s.descending ? '-' : ''}${s.key}`).join(',');
    if (order !== '' && !NEWEST_FIRST_SORTS.has(order)) throw badRequest(`the GC history is sorted newest first only (sort=-creation_time), not by ${JSON.stringify(order)}`);
    const page = await this.executions.list(VendorType.GarbageCollection, undefined, paging.page, paging.pageSize);
    const currentCron = page.items.some((e) => e.trigger === Trigger.Schedule) ? (await this.schedules.get(VendorType.GarbageCollection))?.cron : undefined;
    return { items: page.items.map((e) => gcHistoryView(e, currentCron)), total: page.total };
  }

  async get(access: Access, id: number): Promise<ExecHistoryView> {
    requireSysadmin(access);
    const execution = await this.gcExecution(id);
    const currentCron = execution.trigger === Trigger.Schedule ? (await this.schedules.get(VendorType.GarbageCollection))?.cron : undefined;
    return gcHistoryView(execution, currentCron);
  }

  /** Stopping a run that already ended changes nothing and is not an error (as Harbor). */
  async stop(access: Access, id: number): Promise<void> {
    requireSysadmin(access);
    const execution = await this.gcExecution(id);
    if (await this.executions.requestStop(execution.id)) this.logger.log(`requested gc stop: execution=${execution.id}`);
  }

  async log(access: Access, id: number): Promise<string> {
    requireSysadmin(access);
    const execution = await this.gcExecution(id);
    return this.executions.log(execution.id);
  }

  /** The schedule, or an empty object when there is none (Harbor answers an empty body; see the controller). */
  async schedule(access: Access): Promise<ExecHistoryView | Record<string, never>> {
    requireSysadmin(access);
    const schedule = await this.schedules.get(VendorType.GarbageCollection);
    return schedule ? gcScheduleView(schedule) : {};
  }

  /** POST and PUT /system/gc/schedule alike: run now, set the schedule, or remove it. */
  async applySchedule(access: Access, body: unknown): Promise<GcScheduleOutcome> {
    requireSysadmin(access);
    const request = parseGcScheduleRequest(withStoredParameters(body, (await this.schedules.get(VendorType.GarbageCollection))?.parameters));
    if (request.action === 'run') return { executionId: await this.runNow(request.parameters) };
    await this.changeSchedule(request);
    return {};
  }

  private async runNow(parameters: GcParameters): Promise<string> {
    // A queue Redis does not take leaves the task in Error with the reason (the history shows the
    // failed attempt) and is answered 503 (JobQueueUnavailableError).
    const created = await launchExecution(this.executions, this.queues, {
      vendorType: VendorType.GarbageCollection,
      trigger: Trigger.Manual,
      parameters: { ...parameters },
      exclusive: true,
    });
    if (created === 'busy') throw conflict('a garbage collection is already pending or running; wait for it to end or stop it first');
    this.logger.log(`queued gc: execution=${created.executionId}`);
    return created.executionId;
  }

  private async changeSchedule(request: Exclude<GcScheduleRequest, { action: 'run' }>): Promise<void> {
    if (request.action === 'remove') {
      const removed = await this.schedules.remove(VendorType.GarbageCollection);
      if (!removed) return;
      this.logger.log('removed gc schedule');
    } else {
      await this.schedules.put({
        vendorType: VendorType.GarbageCollection,
        cronType: request.cronType,
        cron: request.cron,
        parameters: { ...request.parameters },
      });
      this.logger.log(`set gc schedule: cron="${request.cron}"`);
    }
    try {
      await this.queues.announceSchedulesChanged(VendorType.GarbageCollection);
    } catch (err) {
      // The row is the truth: the jobservice also re-reads the schedules periodically.
      this.logger.warn(`failed to announce the gc schedule change, the jobservice will pick it up later: ${(err as Error).message}`);
    }
  }

  /** A GC execution by id; 404 for unknown ids and for executions of other vendors. */
  private async gcExecution(id: number): Promise<Execution> {
    const execution = await this.executions.get(String(id));
    if (!execution || execution.vendorType !== VendorType.GarbageCollection) throw notFound(`garbage collection ${id} not found`);
    return execution;
  }
}
