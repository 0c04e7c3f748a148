import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { type Job, Worker } from 'bullmq';
import type Redis from 'ioredis';
import {
  ExecutionStatus,
  type ExecutionStore,
  isScheduledPayload,
  type JobPayload,
  PoolRegistration,
  QUEUE_OF,
  type RunTaskPayload,
  type ScheduleStore,
  Trigger,
  VendorType,
} from '@wharf/jobs';
import type { Logger } from './logger';
import { TaskContext, type TaskRunner } from './task-runner';

/** Vendors of which at most one execution may be unfinished (a scheduled run is skipped then). */
const EXCLUSIVE: ReadonlySet<VendorType> = new Set([VendorType.GarbageCollection, VendorType.Retention, VendorType.PurgeAuditLog]);

export interface WorkerHostOptions {
  connection: Redis;
  prefix: string;
  workers: number;
  /** Queue lock of a running job; also the interval of the stalled-job check. */
  lockDurationMs: number;
  executions: ExecutionStore;
  schedules: ScheduleStore;
  logger: Logger;
  /**
   * Where this process registers itself as a worker pool (the queues' Redis; a connection that
   * does not block) and how often it renews that; without it the process is not listed.
   */
  pool?: { redis: Redis; heartbeatMs?: number };
}

/** One BullMQ worker with its slots: the ids the worker pools list, and which of them run a job now. */
interface RunnerSlots {
  ids: string[];
  busy: boolean[];
}

/**
 * Consumes the queues: one BullMQ worker per runner. A job names a task (or a schedule that
 * fired, which becomes a new execution first); the task's record follows every step, so the
 * API shows it and a restarted worker knows where things stand. A worker killed mid-task loses
 * its queue lock; another worker (or this one after restart) takes the job again and the task's
 * run_count shows it. Runners are written so that running again finishes the work.
 */
export class WorkerHost {
  private readonly workers: Worker[] = [];
  /** Random, so that a restarted process (same pid in a new container) is a new pool. */
  readonly poolId = randomBytes(12).toString('hex');
  private readonly slots = new Map<TaskRunner, RunnerSlots>();
  private registration: PoolRegistration | undefined;

  constructor(
    private readonly runners: TaskRunner[],
    private readonly options: WorkerHostOptions,
  ) {
    for (const runner of runners) {
      const concurrency = this.concurrencyOf(runner);
      const ids = Array.from({ length: concurrency }, (_, i) => `${this.poolId}-${QUEUE_OF[runner.vendorType]}-${i + 1}`);
      this.slots.set(runner, { ids, busy: ids.map(() => false) });
    }
  }

  private concurrencyOf(runner: TaskRunner): number {
    return Math.max(1, Math.min(runner.concurrency ?? this.options.workers, this.options.workers));
  }

  async start(): Promise<void> {
    const { pool, logger } = this.options;
    if (pool) {
      const info = { id: this.poolId, pid: process.pid, host: hostname(), startAt: new Date(), slots: [...this.slots.values()].flatMap((s) => s.ids) };
      this.registration = new PoolRegistration(pool.redis, this.options.prefix, info, pool.heartbeatMs, (err) =>
        logger.debug('failed to record the worker pool', { error: err.message }),
      );
      await this.registration.start();
    }
    for (const runner of this.runners) {
      const worker = new Worker(QUEUE_OF[runner.vendorType], (job: Job<JobPayload>) => this.occupying(runner, job), {
        connection: this.options.connection,
        prefix: this.options.prefix,
        concurrency: this.concurrencyOf(runner),
        // A killed worker's lock lapses after lockDuration; the next stalled check of any live
        // worker puts the job back in the queue. A job that stalls a third time is failed.
        lockDuration: this.options.lockDurationMs,
        stalledInterval: this.options.lockDurationMs,
        maxStalledCount: 2,
      });
      worker.on('failed', (job, err) => void this.failed(runner, job, err));
      worker.on('error', (err) => this.options.logger.warn('failed to talk to the queue', { queue: QUEUE_OF[runner.vendorType], error: err.message }));
      this.workers.push(worker);
    }
  }

  /** Stops taking jobs and waits for the running ones (their tasks end normally). */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await this.registration?.close();
  }

  /** Runs the job in a free slot of its runner, recorded as that slot's job while it runs. */
  private async occupying(runner: TaskRunner, job: Job<JobPayload>): Promise<void> {
    const slots = this.slots.get(runner)!;
    // BullMQ never runs more than the concurrency at once, so a slot is free; the last one guards the arithmetic.
    const index = Math.max(0, slots.busy.indexOf(false));
    const slot = slots.ids[index]!;
    slots.busy[index] = true;
    this.registration?.occupy(slot, { jobId: job.id ?? '', jobName: runner.vendorType });
    try {
      await this.process(runner, job, (message) => this.registration?.checkIn(slot, message));
    } finally {
      slots.busy[index] = false;
      this.registration?.release(slot);
    }
  }

  private async process(runner: TaskRunner, job: Job<JobPayload>, checkIn: (message: string) => void): Promise<void> {
    const payload = isScheduledPayload(job.data) ? await this.fromSchedule(runner, job.data.scheduleId) : (job.data as RunTaskPayload);
    if (!payload) return;
    const { executions, logger } = this.options;
    const started = await executions.startTask(payload.taskId, job.id ?? null);
    if (!started) {
      logger.debug('skipped a task that already ended', { task: payload.taskId });
      return;
    }
    const execution = await executions.get(payload.executionId);
    if (!execution) return;
    const ctx = new TaskContext(execution, payload.taskId, started.runCount, executions, checkIn);
    // More runs than the queue's attempts: a worker died holding the task (a retry after a failure is not that).
    if (started.runCount > job.attemptsMade + 1) ctx.warn(`run ${started.runCount}: the previous run of this task was interrupted`);
    const attempts = runner.attempts ?? 1;
    try {
      const outcome = await runner.run(ctx);
      await ctx.close();
      await executions.finishTask(payload.taskId, outcome.status, outcome.message ?? '', outcome.extra ?? {});
    } catch (err) {
      const message = (err as Error).message;
      ctx.error(`failed: ${message}`);
      await ctx.close();
      logger.warn('failed to run a task', { vendor: runner.vendorType, task: payload.taskId, error: message });
      // Left Running for BullMQ's next attempt, or ended here on the last one.
      if (job.attemptsMade + 1 < attempts) throw err;
      await executions.finishTask(payload.taskId, ExecutionStatus.Error, message);
    }
  }

  /** A schedule fired: its execution is created now, with the schedule's parameters. */
  private async fromSchedule(runner: TaskRunner, scheduleId: string): Promise<RunTaskPayload | undefined> {
    const { executions, schedules, logger } = this.options;
    const schedule = await schedules.byId(scheduleId);
    if (!schedule) {
      logger.info('ignored a firing of a removed schedule', { schedule: scheduleId });
      return undefined;
    }
    const created = await executions.create({
      vendorType: runner.vendorType,
      vendorId: schedule.vendorId,
      trigger: Trigger.Schedule,
      parameters: schedule.parameters,
      extraAttrs: { cron: schedule.cron, cron_type: schedule.cronType },
      exclusive: EXCLUSIVE.has(runner.vendorType),
    });
    if (created === 'busy') {
      logger.warn('skipped a scheduled run: the previous one is still running', { vendor: runner.vendorType, schedule: scheduleId });
      return undefined;
    }
    return { executionId: created.executionId, taskId: created.taskIds[0] as string };
  }

  /** BullMQ gave up on a job (stalled too often, or the last attempt threw): its task ends in Error. */
  private async failed(runner: TaskRunner, job: Job<JobPayload> | undefined, err: Error): Promise<void> {
    if (!job || isScheduledPayload(job.data)) return;
    const attempts = runner.attempts ?? 1;
    const final = job.attemptsMade >= attempts || /stalled/i.test(err.message);
    if (!final) return;
    await this.options.executions.finishTask(job.data.taskId, ExecutionStatus.Error, err.message).catch(() => undefined);
  }
}
