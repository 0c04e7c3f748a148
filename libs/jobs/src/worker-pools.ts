import type Redis from 'ioredis';

/**
 * Harbor's worker pools, kept in the queues' Redis: every jobservice process registers itself as
 * one pool and keeps it alive with a heartbeat; each of its worker slots records the job it runs.
 * Core reads them from any replica, so nothing a dashboard shows lives in one process's memory.
 *
 *   <prefix>:jobservice:pools             sorted set: pool id -> last heartbeat (ms)
 *   <prefix>:jobservice:pool:<id>         hash: pid, host, start_at, heartbeat_at (ms), concurrency, slots (JSON)
 *   <prefix>:jobservice:pool:<id>:jobs    hash: slot id -> RunningJob (JSON)
 *
 * Both hashes expire POOL_TTL_FACTOR heartbeats after the last one: a pool that died (killed,
 * frozen, cut off from Redis) drops out of the list on its own.
 */

/** Heartbeats a pool may miss before it counts as gone. */
export const POOL_TTL_FACTOR = 3;

export const DEFAULT_POOL_HEARTBEAT_MS = 5_000;

export interface PoolInfo {
  id: string;
  pid: number;
  host: string;
  startAt: Date;
  /** The worker slots (the pool's concurrency is their number). */
  slots: readonly string[];
}

export interface WorkerPoolState extends PoolInfo {
  heartbeatAt: Date;
  concurrency: number;
}

/** The job a worker slot runs. */
export interface RunningJob {
  jobId: string;
  /** Harbor's job type (the vendor type). */
  jobName: string;
  startAt: number;
  /** The job's latest log line. */
  checkIn: string;
  checkInAt: number | null;
}

export interface WorkerState {
  id: string;
  poolId: string;
  job?: RunningJob;
}

const poolsKey = (prefix: string) => `${prefix}:jobservice:pools`;
const poolKey = (prefix: string, id: string) => `${prefix}:jobservice:pool:${id}`;
const jobsKey = (prefix: string, id: string) => `${prefix}:jobservice:pool:${id}:jobs`;

/**
 * A running jobservice's registration. Writes go out fire-and-forget: a Redis that does not answer
 * must not hold up a job, and the next heartbeat writes the whole record again.
 */
export class PoolRegistration {
  private timer: NodeJS.Timeout | undefined;
  private readonly jobs = new Map<string, RunningJob>();
  private readonly ttlMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly info: PoolInfo,
    private readonly heartbeatMs = DEFAULT_POOL_HEARTBEAT_MS,
    private readonly onError: (err: Error) => void = () => undefined,
  ) {
    this.ttlMs = heartbeatMs * POOL_TTL_FACTOR;
  }

  /** Registers the pool and starts the heartbeat; resolves once the first registration is written (or failed). */
  async start(): Promise<void> {
    clearInterval(this.timer);
    this.timer = setInterval(() => void this.beat(), this.heartbeatMs);
    this.timer.unref();
    await this.beat();
  }

  occupy(slot: string, job: Omit<RunningJob, 'checkIn' | 'checkInAt' | 'startAt'>): void {
    const running: RunningJob = { ...job, startAt: Date.now(), checkIn: '', checkInAt: null };
    this.jobs.set(slot, running);
    this.write(slot, running);
  }

  checkIn(slot: string, message: string): void {
    const running = this.jobs.get(slot);
    if (!running) return;
    running.checkIn = message;
    running.checkInAt = Date.now();
    this.write(slot, running);
  }

  release(slot: string): void {
    this.jobs.delete(slot);
    this.redis.hdel(jobsKey(this.prefix, this.info.id), slot).catch(this.onError);
  }

  /** Stops the heartbeat and removes the pool from the list. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    const { id } = this.info;
    await this.redis
      .multi()
      .zrem(poolsKey(this.prefix), id)
      .del(poolKey(this.prefix, id), jobsKey(this.prefix, id))
      .exec()
      .catch(this.onError);
  }

  private write(slot: string, job: RunningJob): void {
    const key = jobsKey(this.prefix, this.info.id);
    this.redis.multi().hset(key, slot, JSON.stringify(job)).pexpire(key, this.ttlMs).exec().catch(this.onError);
  }

  private async beat(): Promise<void> {
    const { id, pid, host, startAt, slots } = this.info;
    const now = Date.now();
    const jobs = jobsKey(this.prefix, id);
    const pipeline = this.redis
      .multi()
      .hset(poolKey(this.prefix, id), {
        pid: String(pid),
        host,
        start_at: String(startAt.getTime()),
        heartbeat_at: String(now),
        concurrency: String(slots.length),
        slots: JSON.stringify(slots),
      })
      .pexpire(poolKey(this.prefix, id), this.ttlMs)
      .zadd(poolsKey(this.prefix), now, id)
      // Pools that stopped beating long ago leave the index too (their hashes expired already).
      .zremrangebyscore(poolsKey(this.prefix), '-inf', now - 10 * this.ttlMs)
      .del(jobs);
    if (this.jobs.size > 0) pipeline.hset(jobs, Object.fromEntries([...this.jobs].map(([slot, job]) => [slot, JSON.stringify(job)]))).pexpire(jobs, this.ttlMs);
    await pipeline.exec().catch(this.onError);
  }
}

function parseSlots(raw: string | undefined): string[] {
  try {
    const slots: unknown = JSON.parse(raw ?? '[]');
    return Array.isArray(slots) ? slots.filter((s): s is string => typeof s === 'string') : [];
  } catch {
    return [];
  }
}

/** The pools alive now (a registration that expired is left out), oldest first. */
export async function readPools(redis: Redis, prefix: string): Promise<WorkerPoolState[]> {
  const ids = await redis.zrange(poolsKey(prefix), 0, -1);
  if (ids.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.hgetall(poolKey(prefix, id));
  const results = (await pipeline.exec()) ?? [];
  const pools: WorkerPoolState[] = [];
  ids.forEach((id, i) => {
    const [err, hash] = results[i] ?? [];
    const h = hash as Record<string, string> | undefined;
    if (err || !h || h['pid'] === undefined) return;
    const slots = parseSlots(h['slots']);
    pools.push({
      id,
      pid: Number(h['pid']),
      host: h['host'] ?? '',
      startAt: new Date(Number(h['start_at'])),
      heartbeatAt: new Date(Number(h['heartbeat_at'])),
      concurrency: Number(h['concurrency'] ?? slots.length),
      slots,
    });
  });
  return pools.sort((a, b) => a.startAt.getTime() - b.startAt.getTime() || a.id.localeCompare(b.id));
}

function parseJob(raw: string | undefined): RunningJob | undefined {
  if (!raw) return undefined;
  try {
    const job = JSON.parse(raw) as RunningJob;
    return typeof job.jobId === 'string' ? job : undefined;
  } catch {
    return undefined;
  }
}

/** The worker slots of the given pools, each with the job it runs (if any). */
export async function readWorkers(redis: Redis, prefix: string, pools: readonly WorkerPoolState[]): Promise<WorkerState[]> {
  if (pools.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const pool of pools) pipeline.hgetall(jobsKey(prefix, pool.id));
  const results = (await pipeline.exec()) ?? [];
  return pools.flatMap((pool, i) => {
    const jobs = (results[i]?.[1] as Record<string, string> | undefined) ?? {};
    return pool.slots.map((slot) => {
      const job = parseJob(jobs[slot]);
      return job ? { id: slot, poolId: pool.id, job } : { id: slot, poolId: pool.id };
    });
  });
}
