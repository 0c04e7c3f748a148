import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { failFastRedisOptions } from '@wharf/outage';
import Redis from 'ioredis';
import type { RegistryConfig } from '../config';
import { CONFIG } from '../infra/tokens';
import { ArtifactStore } from '../metadata/artifact.store';

/** How often a process hands its pulls to Redis: what a crashed process can lose. */
const TO_REDIS_MS = 1_000;
/** Pulls a process keeps while Redis does not take them, beyond which new ones are dropped. */
const MAX_PENDING = 100_000;
/** How long a flusher may hold the lock: longer than any flush, shorter than a restart. */
const LOCK_MS = 60_000;

/**
 * Pull statistics in Redis (the job queues' Redis and prefix, which persists), shared by every
 * registry process:
 *   <prefix>:pulls:count      repository id -> manifest pulls not yet in PostgreSQL (HINCRBY)
 *   <prefix>:pulls:artifact   artifact id -> latest pull, ms since the epoch (only moves forward)
 *   <prefix>:pulls:tag        tag id -> latest pull by that tag
 *   <prefix>:pulls:batch      the id of the batch being moved to PostgreSQL, when one is
 *   <prefix>:pulls:batch:*    its three hashes, renamed from the live ones in one step
 *   <prefix>:pulls:lock       the one process moving a batch
 */
export function pullKeys(prefix: string) {
  const base = `${prefix}:pulls`;
  return {
    live: [`${base}:count`, `${base}:artifact`, `${base}:tag`],
    batchId: `${base}:batch`,
    batch: [`${base}:batch:count`, `${base}:batch:artifact`, `${base}:batch:tag`],
    lock: `${base}:lock`,
  };
}

/** Adds counts and raises times (ARGV: n, then n id/value pairs, for each of the three hashes). */
const ADD_SCRIPT = `
local i = 1
for k = 1, 3 do
  local n = tonumber(ARGV[i]); i = i + 1
  for j = 1, n do
    local field, value = ARGV[i], ARGV[i + 1]; i = i + 2
    if k == 1 then
      redis.call('HINCRBY', KEYS[1], field, value)
    else
      local current = redis.call('HGET', KEYS[k], field)
      if (not current) or tonumber(current) < tonumber(value) then redis.call('HSET', KEYS[k], field, value) end
    end
  end
end
return 1`;

/**
 * Takes the batch to move: the one a stopped flusher left, else the live hashes renamed under a
 * new batch id (KEYS: live x3, batch x3, batch id; ARGV: the new id). Returns the id, or false
 * when there is nothing to move.
 */
const TAKE_SCRIPT = `
local id = redis.call('GET', KEYS[7])
if id then return id end
local any = false
for k = 1, 3 do
  if redis.call('EXISTS', KEYS[k]) == 1 then
    redis.call('RENAME', KEYS[k], KEYS[k + 3]); any = true
  end
end
if not any then return false end
redis.call('SET', KEYS[7], ARGV[1])
return ARGV[1]`;

/** Removes the lock only if it is still this holder's. */
const UNLOCK_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

function toMap(hash: Record<string, string>): Map<string, number> {
  return new Map(Object.entries(hash).map(([k, v]) => [k, Number(v)]));
}

/**
 * Records manifest pulls (Harbor's repository pull_count and artifact/tag pull_time) without a
 * database write per pull: each process sums its pulls in memory and hands them to Redis every
 * second; every ARTIFACT_PULL_ASYNC_FLUSH_DURATION seconds one process (whoever takes the lock)
 * moves what Redis holds to PostgreSQL as one batch. A crashed process loses its last second of
 * pulls; a flusher that stops anywhere leaves its batch in Redis for the next one, and PostgreSQL
 * remembers applied batches, so none is counted twice.
 */
@Injectable()
export class PullRecorder implements OnApplicationShutdown {
  private readonly logger = new Logger('pulls');
  private readonly redis: Redis;
  private readonly keys: ReturnType<typeof pullKeys>;
  private counts = new Map<string, number>();
  private artifacts = new Map<string, number>();
  private tags = new Map<string, number>();
  private readonly toRedis: NodeJS.Timeout;
  private readonly toDatabase: NodeJS.Timeout;
  private handing: Promise<void> = Promise.resolve();

  constructor(
    @Inject(CONFIG) config: RegistryConfig,
    private readonly store: ArtifactStore,
  ) {
    this.keys = pullKeys(config.events.prefix);
    this.redis = new Redis(config.events.redisUrl, { ...failFastRedisOptions('wharf-registry-pulls', config.redisTimeoutMs), lazyConnect: true });
    this.redis.on('error', (err: Error) => this.logger.debug(`failed to reach redis: ${err.message}`));
    this.redis.connect().catch(() => undefined);
    this.redis.defineCommand('wharfPullsAdd', { numberOfKeys: 3, lua: ADD_SCRIPT });
    this.redis.defineCommand('wharfPullsTake', { numberOfKeys: 7, lua: TAKE_SCRIPT });
    this.redis.defineCommand('wharfPullsUnlock', { numberOfKeys: 1, lua: UNLOCK_SCRIPT });
    this.toRedis = setInterval(() => void this.handToRedis(), TO_REDIS_MS).unref();
    this.toDatabase = setInterval(() => void this.flush().catch(() => undefined), config.pullFlushMs).unref();
  }

  /** One manifest pull (a GET; HEAD requests are not pulls, as in Harbor). */
  record(repositoryId: string, artifactId: string, tagId?: string): void {
    if (this.counts.size + this.artifacts.size + this.tags.size >= MAX_PENDING) return;
    const now = Date.now();
    this.counts.set(repositoryId, (this.counts.get(repositoryId) ?? 0) + 1);
    this.artifacts.set(artifactId, now);
    if (tagId) this.tags.set(tagId, now);
  }

  /** Hands this process's pulls to Redis; kept for the next try if Redis does not take them. */
  handToRedis(): Promise<void> {
    this.handing = this.handing.then(async () => {
      if (this.counts.size + this.artifacts.size + this.tags.size === 0) return;
      const [counts, artifacts, tags] = [this.counts, this.artifacts, this.tags];
      this.counts = new Map();
      this.artifacts = new Map();
      this.tags = new Map();
      const args: (string | number)[] = [];
      for (const map of [counts, artifacts, tags]) {
        args.push(map.size);
        for (const [k, v] of map) args.push(k, v);
      }
      try {
        await (this.redis as unknown as { wharfPullsAdd(...a: (string | number)[]): Promise<number> }).wharfPullsAdd(...this.keys.live, ...args);
      } catch (err) {
        this.logger.debug(`failed to hand pulls to redis: ${(err as Error).message}`);
        for (const [k, v] of counts) this.counts.set(k, (this.counts.get(k) ?? 0) + v);
        for (const [k, v] of artifacts) this.artifacts.set(k, Math.max(v, this.artifacts.get(k) ?? 0));
        for (const [k, v] of tags) this.tags.set(k, Math.max(v, this.tags.get(k) ?? 0));
      }
    });
    return this.handing;
  }

  /**
   * Moves what Redis holds to PostgreSQL, if no other process is doing so. Returns whether a
   * batch was applied.
   */
  async flush(): Promise<boolean> {
    const token = randomUUID();
    if ((await this.redis.set(this.keys.lock, token, 'PX', LOCK_MS, 'NX')) !== 'OK') return false;
    try {
      const r = this.redis as unknown as { wharfPullsTake(...a: string[]): Promise<string | null> };
      const id = await r.wharfPullsTake(...this.keys.live, ...this.keys.batch, this.keys.batchId, randomUUID());
      if (!id) return false;
      const [counts, artifacts, tags] = await Promise.all(this.keys.batch.map((k) => this.redis.hgetall(k)));
      const applied = await this.store.applyPullStats(id, toMap(counts), toMap(artifacts), toMap(tags));
      await this.redis.del(...this.keys.batch, this.keys.batchId);
      return applied;
    } catch (err) {
      this.logger.warn(`failed to move pull statistics to the database: ${(err as Error).message}`);
      return false;
    } finally {
      await (this.redis as unknown as { wharfPullsUnlock(k: string, t: string): Promise<number> }).wharfPullsUnlock(this.keys.lock, token).catch(() => undefined);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.toRedis);
    clearInterval(this.toDatabase);
    await this.handToRedis();
    this.redis.disconnect();
  }
}
