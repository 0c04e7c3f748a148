import { CircuitBreaker, CircuitOpenError, REDIS_CONNECT_TIMEOUT_MS, REDIS_RETRY_MS, withTimeout } from '@wharf/outage';
import { Queue, type JobsOptions } from 'bullmq';
import Redis from 'ioredis';
import { DEFAULT_QUEUE_PREFIX, ExecutionStatus, JobName, QUEUE_OF, type RunTaskPayload, SCHEDULES_CHANGED_CHANNEL, VendorType } from './contract';
import type { CreatedExecution, ExecutionStore, NewExecution } from './execution.store';
import { addEvents, type ArtifactEvent } from './events';

export interface JobQueuesOptions {
  redisUrl: string;
  /** Prefix of the queues' Redis keys (default "wharf"); every service of one installation uses the same. */
  prefix?: string;
  /**
   * Skips Redis for a while after it failed or did not answer, so that callers get their
   * JobQueueUnavailableError at once (and the failure is logged where the caller says) instead of
   * each waiting for the timeout. Default: one that only skips.
   */
  breaker?: CircuitBreaker;
}

/**
 * Redis did not take the job (or events, or announcement): down, not answering in time, or
 * skipped after such a failure. The work was not queued, or may have been if Redis answers
 * later; callers answer 503.
 */
export class JobQueueUnavailableError extends Error {
  constructor(what: string, cause: unknown) {
    super(`${what}: ${cause instanceof CircuitOpenError ? 'redis is out' : ((cause as Error)?.message ?? String(cause))}`, { cause });
    this.name = 'JobQueueUnavailableError';
  }
}

/** Finished jobs kept in Redis for inspection; the execution rows in PostgreSQL are the record. */
export const KEEP_FINISHED = { removeOnComplete: { count: 1000 }, removeOnFail: { count: 5000 } } as const;

/**
 * How long one command may wait for Redis's answer, and a whole operation (with the wait for a
 * connection, in the offline queue) before the queue is reported unreachable.
 */
const COMMAND_TIMEOUT_MS = 2_000;
const QUEUE_TIMEOUT_MS = 5_000;

/**
 * The producer side of the job queues: what core (and any other service) uses to hand work to the
 * jobservice. One Redis connection for all queues; none of its commands blocks, so each has a
 * timeout, and a Redis that is out fails every operation with JobQueueUnavailableError within
 * QUEUE_TIMEOUT_MS (at once while the breaker skips it).
 */
export class JobQueues {
  readonly prefix: string;
  private readonly connection: Redis;
  private readonly queues = new Map<string, Queue>();
  private readonly breaker: CircuitBreaker;

  constructor(options: JobQueuesOptions) {
    this.prefix = options.prefix ?? DEFAULT_QUEUE_PREFIX;
    this.breaker = options.breaker ?? new CircuitBreaker({ name: 'redis (job queues)', openMs: REDIS_RETRY_MS });
    // Commands wait in the offline queue while (re)connecting and are sent again after a lost
    // connection (the job id keeps a job single), each within the command timeout.
    this.connection = new Redis(options.redisUrl, {
      connectionName: 'wharf-job-producer',
      lazyConnect: true,
      disconnectTimeout: 100,
      connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
      commandTimeout: COMMAND_TIMEOUT_MS,
      maxRetriesPerRequest: null,
    });
    this.connection.on('error', () => undefined);
  }

  /** Runs `work` on Redis within the timeout and the breaker; any failure is JobQueueUnavailableError. */
  private async guarded<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await this.breaker.run(() => withTimeout(work(), QUEUE_TIMEOUT_MS, `redis did not answer within ${QUEUE_TIMEOUT_MS} ms`));
    } catch (err) {
      throw new JobQueueUnavailableError(what, err);
    }
  }

  queue(vendorType: VendorType): Queue {
    const name = QUEUE_OF[vendorType];
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: this.prefix });
      queue.on('error', () => undefined);
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** Queues a task that has its rows; the job id is derived from the task, so a retry never doubles it. */
  async enqueue(vendorType: VendorType, payload: RunTaskPayload, options: JobsOptions = {}): Promise<string> {
    const jobId = `task-${payload.taskId}`;
    await this.onQueue(vendorType, 'failed to queue the job', (queue) => queue.add(JobName.RunTask, payload, { ...KEEP_FINISHED, ...options, jobId }));
    return jobId;
  }

  /** Runs `work` on the vendor type's queue, guarded; any failure is JobQueueUnavailableError. */
  async onQueue<T>(vendorType: VendorType, what: string, work: (queue: Queue) => Promise<T>): Promise<T> {
    const queue = this.queue(vendorType);
    try {
      return await this.guarded(what, () => work(queue));
    } catch (err) {
      // A queue whose first command failed keeps that failure for good (BullMQ's start-up check):
      // the next attempt gets a fresh one.
      this.discard(vendorType, queue);
      throw err;
    }
  }

  /** Runs `work` with the queues' Redis connection (for keys beside the queues), guarded as every queue operation. */
  withRedis<T>(what: string, work: (redis: Redis) => Promise<T>): Promise<T> {
    return this.guarded(what, () => work(this.connection));
  }

  /** Appends events to the installation's event stream (the queues' Redis); throws if it cannot. */
  async publishEvents(events: readonly ArtifactEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.guarded('failed to publish events', async () => {
      const pipeline = this.connection.pipeline();
      addEvents(pipeline, this.prefix, events);
      const failed = ((await pipeline.exec()) ?? []).find(([err]) => err);
      if (failed) throw failed[0];
    });
  }

  /** Tells the jobservices that schedule rows changed, so they re-register them now. */
  async announceSchedulesChanged(vendorType: VendorType): Promise<void> {
    await this.guarded('failed to announce the schedule change', () => this.connection.publish(schedulesChangedChannel(this.prefix), vendorType));
  }

  private discard(vendorType: VendorType, queue: Queue): void {
    const name = QUEUE_OF[vendorType];
    if (this.queues.get(name) === queue) this.queues.delete(name);
    queue.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
    this.connection.disconnect();
  }
}

/**
 * Deletes every Redis key under a queue prefix: its queues, job schedulers and event stream (an
 * installation's or a test's whole footprint in Redis).
 */
export async function removeQueueKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

export function schedulesChangedChannel(prefix: string): string {
  return `${prefix}:${SCHEDULES_CHANGED_CHANNEL}`;
}

/**
 * Creates an execution and queues its tasks. When queueing fails (Redis unreachable) the tasks end
 * in Error with the reason, so nothing stays Pending forever, and the error is rethrown.
 */
export async function launchExecution(
  executions: ExecutionStore,
  queues: JobQueues,
  e: NewExecution,
  options: JobsOptions = {},
): Promise<CreatedExecution | 'busy'> {
  const created = await executions.create(e);
  if (created === 'busy') return created;
  for (const taskId of created.taskIds) {
    try {
      const jobId = await queues.enqueue(e.vendorType, { executionId: created.executionId, taskId }, options);
      await executions.setJobId(taskId, jobId);
    } catch (err) {
      await executions.finishTask(taskId, ExecutionStatus.Error, (err as Error).message);
      throw err;
    }
  }
  return created;
}
