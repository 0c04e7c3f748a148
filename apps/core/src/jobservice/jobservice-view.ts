import type { JobQueueState, WorkerPoolState, WorkerState } from '@wharf/jobs';

/** Harbor's WorkerPool: one running jobservice process. */
export interface WorkerPoolView {
  pid: number;
  worker_pool_id: string;
  start_at: string;
  heartbeat_at: string;
  concurrency: number;
  host: string;
}

/** Harbor's Worker: a slot of a pool; the job fields only while it runs one. */
export interface WorkerView {
  id: string;
  pool_id: string;
  job_name?: string;
  job_id?: string;
  start_at?: string;
  check_in?: string;
  checkin_at?: string;
}

/** Harbor's JobQueue. */
export interface JobQueueView {
  job_type: string;
  count: number;
  latency: number;
  paused: boolean;
}

export function workerPoolView(p: WorkerPoolState): WorkerPoolView {
  return {
    pid: p.pid,
    worker_pool_id: p.id,
    start_at: p.startAt.toISOString(),
    heartbeat_at: p.heartbeatAt.toISOString(),
    concurrency: p.concurrency,
    host: p.host,
  };
}

export function workerView(w: WorkerState): WorkerView {
  const view: WorkerView = { id: w.id, pool_id: w.poolId };
  if (!w.job) return view;
  view.job_name = w.job.jobName;
  view.job_id = w.job.jobId;
  view.start_at = new Date(w.job.startAt).toISOString();
  if (w.job.checkIn !== '') view.check_in = w.job.checkIn;
  if (w.job.checkInAt !== null) view.checkin_at = new Date(w.job.checkInAt).toISOString();
  return view;
}

export function jobQueueView(q: JobQueueState): JobQueueView {
  return { job_type: q.jobType, count: q.count, latency: q.latency, paused: q.paused };
}
