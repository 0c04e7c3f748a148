import { Queue, type JobsOptions } from 'bullmq';
import Redis from 'ioredis';
import { DEFAULT_QUEUE_PREFIX, ExecutionStatus, JobName, QUEUE_OF, type RunTaskPayload, SCHEDULES_CHANGED_CHANNEL, VendorType } from './contract';
import type { CreatedExecution, ExecutionStore, NewExecution } from './execution.store';
import { addEvents, type ArtifactEvent } from './events';

export interface JobQueuesOptions {
  redisUrl: string;
  /** Prefix of the queues' Redis keys (default "wharf"); every service of one installation uses the same. */
  prefix?: string;
}

/** Finished jobs kept in Redis for inspection; the execution rows in PostgreSQL are the record. */
export const KEEP_FINISHED = { removeOnComplete: { count: 1000 }, removeOnFail: { count: 5000 } } as const;

/** How long a producer waits for Redis before it reports the queue unreachable. */
const QUEUE_TIMEOUT_MS = 5000;

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: redis did not answer within ${QUEUE_TIMEOUT_MS} ms`)), QUEUE_TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The producer side of the job queues: what core (and any other service) uses to hand work to the
 * jobservice. One Redis connection for all queues.
 */
export class JobQueues {
  readonly prefix: string;
  private readonly connection: Redis;
  private readonly queues = new Map<string, Queue>();

  constructor(options: JobQueuesOptions) {
    this.prefix = options.prefix ?? DEFAULT_QUEUE_PREFIX;
    // BullMQ requires maxRetriesPerRequest null on its connections.
    this.connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null, connectionName: 'wharf-job-producer', lazyConnect: true, disconnectTimeout: 100 });
    this.connection.on('error', () => undefined);
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
    await withTimeout(this.queue(vendorType).add(JobName.RunTask, payload, { ...KEEP_FINISHED, ...options, jobId }), 'failed to queue the job');
    return jobId;
  }

  /** Appends events to the installation's event stream (the queues' Redis); throws if it cannot. */
  async publishEvents(events: readonly ArtifactEvent[]): Promise<void> {
    if (events.length === 0) return;
    const pipeline = this.connection.pipeline();
    addEvents(pipeline, this.prefix, events);
    const results = (await withTimeout(pipeline.exec(), 'failed to publish events')) ?? [];
    const failed = results.find(([err]) => err);
    if (failed) throw failed[0];
  }

  /** Tells the jobservices that schedule rows changed, so they re-register them now. */
  async announceSchedulesChanged(vendorType: VendorType): Promise<void> {
    await withTimeout(this.connection.publish(schedulesChangedChannel(this.prefix), vendorType), 'failed to announce the schedule change');
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
