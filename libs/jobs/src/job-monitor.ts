import { JobName, type RunTaskPayload, VendorType } from './contract';
import type { ExecutionStore } from './execution.store';
import type { JobQueues } from './job-queues';
import { readPools, readWorkers, type WorkerPoolState, type WorkerState } from './worker-pools';

/** Harbor's job types that Wharf runs, in the order its dashboard lists them. */
export const JOB_TYPES: readonly VendorType[] = Object.values(VendorType);

export interface JobQueueState {
  jobType: VendorType;
  /** Jobs waiting for a worker. */
  count: number;
  /** Seconds the oldest of them has waited (0 when none waits). */
  latency: number;
  paused: boolean;
}

/** What stopping a job did: nothing when no task runs under that job id (any more). */
export type JobStopOutcome = 'stopped' | 'stop-requested' | 'unknown';

/** How many waiting jobs one round of "stop the queue" reads. */
const STOP_BATCH = 500;

const STOPPED_IN_QUEUE = 'stopped while it waited in the queue';

/**
 * Harbor's jobservice dashboard over the real state: the worker pools the jobservices register,
 * BullMQ's queues (waiting jobs, pause flag) and the tasks in PostgreSQL. Pausing is BullMQ's own
 * flag in Redis, so every jobservice replica sees it and it outlives restarts.
 */
export class JobMonitor {
  constructor(
    private readonly queues: JobQueues,
    private readonly executions: ExecutionStore,
  ) {}

  pools(): Promise<WorkerPoolState[]> {
    return this.queues.withRedis('failed to read the worker pools', (redis) => readPools(redis, this.queues.prefix));
  }

  /** The workers of one pool, or of every pool for "all"; undefined when no such pool is alive. */
  workers(poolId: string): Promise<WorkerState[] | undefined> {
    return this.queues.withRedis('failed to read the workers', async (redis) => {
      const pools = await readPools(redis, this.queues.prefix);
      const all = poolId.toLowerCase() === 'all';
      const chosen = all ? pools : pools.filter((p) => p.id === poolId);
      if (!all && chosen.length === 0) return undefined;
      return readWorkers(redis, this.queues.prefix, chosen);
    });
  }

  queueStates(): Promise<JobQueueState[]> {
    return Promise.all(
      JOB_TYPES.map((jobType) =>
        this.queues.onQueue(jobType, 'failed to read the queue', async (queue) => {
          const [count, oldest, paused] = await Promise.all([queue.getWaitingCount(), queue.getJobs(['waiting'], 0, 0, true), queue.isPaused()]);
          const since = oldest[0]?.timestamp;
          const latency = since === undefined ? 0 : Math.max(0, Math.floor((Date.now() - since) / 1000));
          return { jobType, count, latency, paused };
        }),
      ),
    );
  }

  async pause(jobType: VendorType): Promise<void> {
    await this.queues.onQueue(jobType, 'failed to pause the queue', (queue) => queue.pause());
  }

  async resume(jobType: VendorType): Promise<void> {
    await this.queues.onQueue(jobType, 'failed to resume the queue', (queue) => queue.resume());
  }

  /**
   * Removes the waiting jobs of a type and ends their tasks Stopped; answers how many. A task is
   * marked before its job is removed, so a worker that takes the job meanwhile skips it; one that
   * took it first keeps it (it runs, and can be stopped as a running job). Waiting firings of a
   * schedule have no task yet and stay: removing them would end the schedule's chain of runs.
   */
  async stopWaiting(jobType: VendorType): Promise<number> {
    let stopped = 0;
    let kept = 0;
    for (;;) {
      const jobs = await this.queues.onQueue(jobType, 'failed to read the queue', (queue) => queue.getJobs(['waiting'], kept, kept + STOP_BATCH - 1, true));
      let progressed = false;
      for (const job of jobs) {
        const taskId = job.name === JobName.RunTask ? (job.data as RunTaskPayload | undefined)?.taskId : undefined;
        const jobId = job.id;
        if (!jobId || typeof taskId !== 'string') {
          kept += 1;
          progressed = true;
          continue;
        }
        if (await this.executions.stopPendingTask(taskId, STOPPED_IN_QUEUE)) stopped += 1;
        // 0 when a worker took it between the read and the removal: it left the waiting list anyway.
        const removed = await this.queues.onQueue(jobType, 'failed to remove a job', (queue) => queue.remove(jobId));
        if (removed > 0) progressed = true;
      }
      if (!progressed) return stopped;
    }
  }

  /**
   * Stops the job's task: one still waiting ends Stopped at once (and leaves the queue); a running
   * one is asked to stop, as stopping its execution does (the runner ends it Stopped at its next
   * check). "all" stops every job the workers run now.
   */
  async stopJob(jobId: string): Promise<JobStopOutcome> {
    if (jobId.toLowerCase() === 'all') {
      const workers = (await this.workers('all')) ?? [];
      let outcome: JobStopOutcome = 'unknown';
      for (const w of workers) if (w.job && (await this.stopJob(w.job.jobId)) !== 'unknown') outcome = 'stop-requested';
      return outcome;
    }
    const task = await this.executions.taskByJobId(jobId);
    if (!task) return 'unknown';
    if (await this.executions.stopPendingTask(task.id, STOPPED_IN_QUEUE)) {
      await this.queues.onQueue(task.vendorType, 'failed to remove a job', (queue) => queue.remove(jobId));
      return 'stopped';
    }
    return (await this.executions.requestStop(task.executionId)) ? 'stop-requested' : 'unknown';
  }

  /** The log of the task a job ran (or runs), undefined for a job id no task has. */
  async jobLog(jobId: string): Promise<string | undefined> {
    const task = await this.executions.taskByJobId(jobId);
    return task && this.executions.taskLog(task.id);
  }
}
