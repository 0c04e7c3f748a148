import { once } from 'node:events';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { REPOSITORY_CHANGED_CHANNEL, REPOSITORY_VERSION_KEY_PREFIX, type Sql, type SqlRunner } from '@wharf/db';
import { type CircuitBreaker, failFastRedisOptions, OutageLogs, redisBreaker } from '@wharf/outage';
import Redis from 'ioredis';
import type { CoreConfig } from '../config';
import { CORE_CONFIG, SQL } from '../infra/tokens';


const REDIS_READY_TIMEOUT_MS = 3000;

/** Marks a repository as changed by the transaction being run. */
export type MarkChanged = (repository: string) => void;

/**
 * Runs the API's writes to tags, artifacts and repositories so that no registry process serves
 * what they removed: NOTIFY inside the transaction (delivered at commit, even if Redis is down),
 * then the version bump after the commit and before the API answers (so a pull right after the
 * answer misses every cache, on every process).
 */
@Injectable()
export class RegistryCacheNotifier implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('registry-cache');
  // Its own connection: the shared client may carry a key prefix (tests give each server one),
  // and these keys are a contract with the registry that must be spelled exactly.
  private readonly redis: Redis;
  private readonly breaker: CircuitBreaker;

  constructor(
    @Inject(SQL) private readonly sql: Sql,
    @Inject(CORE_CONFIG) config: CoreConfig,
    outages: OutageLogs,
  ) {
    this.redis = new Redis(config.registryRedisUrl, { ...failFastRedisOptions('wharf-core-cache-notifier', config.redisTimeoutMs), lazyConnect: true });
    this.redis.on('error', (err: Error) => this.logger.debug(`failed to reach redis: ${err.message}`));
    this.breaker = redisBreaker(outages, 'registry cache versions');
  }

  async onModuleInit(): Promise<void> {
    const ready = once(this.redis, 'ready').then(() => true, () => false);
    this.redis.connect().catch(() => undefined);
    const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), REDIS_READY_TIMEOUT_MS).unref());
    if (!(await Promise.race([ready, timeout]))) this.logger.warn('redis is not reachable yet; registry caches rely on database notifications until it is');
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }

  /**
   * Runs `work` in one transaction. Every repository it marks is announced inside the transaction
   * and has its version bumped once the transaction committed.
   */
  async write<T>(work: (tx: SqlRunner, changed: MarkChanged) => Promise<T>): Promise<T> {
    const touched = new Set<string>();
    const result = await this.sql.transaction(async (tx) => {
      const value = await work(tx, (repository) => touched.add(repository));
      for (const repository of touched) await tx.query('SELECT pg_notify($1, $2)', [REPOSITORY_CHANGED_CHANNEL, repository], 'content_notify_changed');
      return value;
    });
    for (const repository of touched) await this.bump(repository);
    return result;
  }

  /** A bump Redis misses (failed, or skipped while Redis is out) is covered by the notification. */
  private async bump(repository: string): Promise<void> {
    const key = REPOSITORY_VERSION_KEY_PREFIX + repository;
    await this.breaker
      .run(async () => {
        // A missing counter is seeded beyond any value it could have had before (as the registry
        // does), so that the bump never lands on a version old cache entries were stored under.
        await this.redis.set(key, String(Date.now() * 1000 + Math.floor(Math.random() * 1000)), 'NX');
        await this.redis.incr(key);
      })
      .catch(() => undefined);
  }
}
