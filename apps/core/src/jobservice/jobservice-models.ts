import { bool, dateTime, int, type Models, nullable, object, str } from '../openapi/schema';

/** Harbor's WorkerPool, Worker and JobQueue, as the dashboard answers them. */
export const JOBSERVICE_MODELS: Models = {
  WorkerPool: object({
    pid: { ...int, description: 'the process id of the jobservice' },
    worker_pool_id: str,
    start_at: dateTime,
    heartbeat_at: dateTime,
    concurrency: { ...int, description: 'how many jobs the pool runs at once (its workers)' },
    host: str,
  }),
  Worker: object({
    id: str,
    pool_id: str,
    job_name: { ...str, description: 'the job type of the running job' },
    job_id: str,
    start_at: nullable(dateTime),
    check_in: { ...str, description: 'the running job’s latest log line' },
    checkin_at: nullable(dateTime),
  }),
  JobQueue: object({
    job_type: str,
    count: { ...int, description: 'jobs waiting for a worker' },
    latency: { ...int, description: 'seconds the oldest waiting job has waited' },
    paused: bool,
  }),
};
