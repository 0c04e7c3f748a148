/** Harbor's WorkerPool, Worker and JobQueue as GET /jobservice/... answer them. */
export interface WorkerPool {
  pid: number;
  worker_pool_id: string;
  start_at: string;
  heartbeat_at: string;
  concurrency: number;
  host: string;
}

export interface Worker {
  id: string;
  pool_id: string;
  job_name?: string;
  job_id?: string;
  start_at?: string;
  check_in?: string;
  checkin_at?: string;
}

export interface JobQueue {
  job_type: string;
  count: number;
  latency: number;
  paused: boolean;
}

export type QueueAction = 'stop' | 'pause' | 'resume';

/** The actions a queue offers now: pause or resume (whichever applies), and stop while jobs wait. */
export function queueActions(queue: JobQueue): QueueAction[] {
  const actions: QueueAction[] = [queue.paused ? 'resume' : 'pause'];
  if (queue.count > 0) actions.unshift('stop');
  return actions;
}

/** "1h 2m 5s" style, from seconds; 0 is "0s". */
export function formatLatency(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const parts: string[] = [];
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h > 0) parts.push(`${h}h`);
  if (m > 0) parts.push(`${m}m`);
  if (s % 60 > 0 || parts.length === 0) parts.push(`${s % 60}s`);
  return parts.join(' ');
}
