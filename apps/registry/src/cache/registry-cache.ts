import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { REPOSITORY_CHANGED_CHANNEL, REPOSITORY_DELETED_CHANNEL, REPOSITORY_VERSION_KEY_PREFIX, type Sql, type SqlRunner } from '@wharf/db/plain';
import { type CircuitBreaker, failFastRedisOptions, OutageLogs, redisBreaker } from '@wharf/outage';
import Redis from 'ioredis';
import { Client } from 'pg';
import type { RegistryConfig } from '../config';
import { CONFIG } from '../infra/tokens';
import type { BlobRow } from '../metadata/blob.store';
import type { ResolvedManifest } from '../metadata/artifact.store';
import { ResolutionCache } from './resolution-cache';

const TTL_MS = 60_000;
const MAX_ENTRIES = 100_000;
/** Tag pages are larger than resolutions: fewer of them, and only pages of up to MAX_CACHED_TAGS. */
const MAX_TAG_PAGES = 2_000;
export const MAX_CACHED_TAGS = 1_000;

/** One page of a repository's tags list, with the response body it is served as. */
export interface TagPage {
  tags: string[];
  body: string;
}

/**
 * The hot-path caches (manifest references, blob links) and what keeps every registry process's
 * copy correct:
 * - a per-repository version in Redis, read before each cached lookup and bumped by a writer
 *   after its commit and before its reply (read-after-write for every client, on any process);
 * - PostgreSQL NOTIFY, sent inside the writing transaction and delivered at commit, which evicts
 *   entries everywhere even if the version bump was lost (Redis unreachable at that moment).
 * Every write goes through `write()` and every cached read through `readThrough()`.
 * Without Redis (down, or not answering within REDIS_TIMEOUT_MS), lookups go to the database
 * and Redis is skipped for a few seconds, so that a frozen Redis costs one timeout now and then,
 * not one per request.
 *
 * It also holds the repository ids that writes outside a transaction use (RepositoryStore), which
 * the same feed keeps: a repository's deletion (REPOSITORY_DELETED_CHANNEL) drops its id.
 */
@Injectable()
export class RegistryCache implements OnModuleInit, OnModuleDestroy {
  readonly manifests = new ResolutionCache<ResolvedManifest>(TTL_MS, MAX_ENTRIES);
  readonly blobs = new ResolutionCache<BlobRow>(TTL_MS, MAX_ENTRIES);
  readonly tagPages = new ResolutionCache<TagPage>(TTL_MS, MAX_TAG_PAGES);
  /**
   * Repository ids by name. An id never changes while its repository exists; a deletion notice
   * drops it, and so does (re)connecting the feed, since notices may have been missed meanwhile.
   * A write that meets a deleted id all the same (its notice still on the way) fails on the
   * foreign key, and RepositoryStore retries it with a fresh id.
   */
  readonly repositoryIds = new Map<string, string>();
  private readonly logger = new Logger('cache');
  private client: Client | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;
  private readonly redis: Redis;
  private readonly breaker: CircuitBreaker;

  constructor(
    @Inject(CONFIG) private readonly config: RegistryConfig,
    private readonly outages: OutageLogs,
  ) {
    // Nothing is cached until the feed is listening.
    this.setEnabled(false);
    this.redis = new Redis(config.redisUrl, {
      // Fail fast while disconnected or unanswered: the caller then asks the database instead of waiting.
      ...failFastRedisOptions('wharf-registry-cache', config.redisTimeoutMs),
      enableAutoPipelining: true,
    });
    this.redis.on('error', (err) => this.logger.debug(`failed to reach redis: ${err.message}`));
    this.breaker = redisBreaker(outages, 'cache versions');
  }

  /** The repository's current version, or undefined when it cannot be known (then do not cache). */
  async version(repository: string): Promise<string | undefined> {
    try {
      return await this.breaker.run(async () => {
        const key = REPOSITORY_VERSION_KEY_PREFIX + repository;
        const current = await this.redis.get(key);
        if (current !== null) return current;
        // A lost counter (Redis restarted without persistence) must not come back as a value that
        // old entries were cached under: seed it from the clock, beyond any earlier count.
        await this.redis.set(key, String(Date.now() * 1000 + Math.floor(Math.random() * 1000)), 'NX');
        return (await this.redis.get(key)) ?? undefined;
      });
    } catch {
      return undefined;
    }
  }

  /**
   * After a committed change: drop local entries and bump the shared version. A bump Redis
   * misses (failed, or skipped while Redis is out) is covered by the change notification.
   */
  private async committed(repository: string): Promise<void> {
    this.invalidate(repository);
    await this.breaker.run(() => this.redis.incr(REPOSITORY_VERSION_KEY_PREFIX + repository)).catch(() => undefined);
  }

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    await this.client?.end().catch(() => undefined);
    this.redis.disconnect();
  }

  /**
   * A cached lookup: answers from `cache` while the repository's version is current, else runs
   * `load` and remembers a found answer under the version read before the load began.
   *
   * A key this process knows nothing about goes to the database alone: most such lookups are
   * misses (the HEAD of a layer a client is about to push), and there is nothing to cache then,
   * so reading the version first would be a wasted Redis round trip. A found answer leaves a
   * mark, and the next lookup of the key takes the versioned path and caches.
   */
  async readThrough<V>(
    cache: ResolutionCache<V>,
    repository: string,
    key: string,
    load: () => Promise<V | undefined>,
    cacheable: (value: V) => boolean = () => true,
  ): Promise<V | undefined> {
    if (!cache.has(repository, key)) {
      const generation = cache.begin();
      const value = await load();
      if (value !== undefined && cacheable(value)) cache.mark(repository, key, generation);
      return value;
    }
    const version = await this.version(repository);
    if (version !== undefined) {
      const hit = cache.get(repository, key, version);
      if (hit !== undefined) return hit;
    }
    const generation = cache.begin();
    const value = await load();
    if (value !== undefined && version !== undefined && cacheable(value)) cache.set(repository, key, value, generation, version);
    return value;
  }

  /**
   * Runs `work` in a transaction that may change `repository`. If `changed(result)` says it did,
   * every process is notified inside the transaction (delivered at commit) and, after the commit,
   * before the caller can reply, this process's entries go and the shared version moves on.
   */
  async write<T>(sql: Sql, repository: string, work: (tx: SqlRunner) => Promise<T>, changed: (result: T) => boolean = () => true): Promise<T> {
    const result = await sql.transaction(async (tx) => {
      const r = await work(tx);
      if (changed(r)) await tx.query('SELECT pg_notify($1, $2)', [REPOSITORY_CHANGED_CHANNEL, repository], 'notify_changed');
      return r;
    });
    if (changed(result)) await this.committed(repository);
    return result;
  }

  /**
   * For a change made by one autocommit statement that sends the change notification itself
   * (`pg_notify` on `REPOSITORY_CHANGED_CHANNEL` with the repository's name, delivered at its
   * commit): runs it and, when it reports a change, moves the shared version on before the caller
   * can reply, as `write` does.
   */
  async writeStatement(repository: string, statement: (channel: string) => Promise<boolean>): Promise<boolean> {
    const changed = await statement(REPOSITORY_CHANGED_CHANNEL);
    if (changed) await this.committed(repository);
    return changed;
  }

  /** Drops this process's entries at once (the notification follows for the others). */
  invalidate(repository: string): void {
    this.manifests.invalidate(repository);
    this.blobs.invalidate(repository);
    this.tagPages.invalidate(repository);
  }

  private setEnabled(enabled: boolean): void {
    this.manifests.setEnabled(enabled);
    this.blobs.setEnabled(enabled);
    this.tagPages.setEnabled(enabled);
  }

  private async connect(): Promise<void> {
    const client = new Client({
      connectionString: this.config.databaseUrl,
      application_name: 'wharf-registry-feed',
      connectionTimeoutMillis: this.config.databaseTimeouts.connectTimeoutMs,
    });
    client.on('notification', (msg) => {
      if (!msg.payload) return;
      if (msg.channel === REPOSITORY_DELETED_CHANNEL) this.repositoryIds.delete(msg.payload);
      else this.invalidate(msg.payload);
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${REPOSITORY_CHANGED_CHANNEL}; LISTEN ${REPOSITORY_DELETED_CHANNEL}`);
      this.client = client;
      this.repositoryIds.clear();
      this.setEnabled(true);
    } catch (err) {
      this.lost(client, err as Error);
    }
  }

  private lost(client: Client, err?: Error): void {
    if (this.client !== client && this.client !== undefined) return;
    this.client = undefined;
    this.setEnabled(false);
    client.removeAllListeners();
    client.end().catch(() => undefined);
    if (this.stopped) return;
    // While the database is out this repeats every second: the outage log sums the repeats up.
    if (err) this.outages.database.report('failed to keep the cache invalidation feed', `${err.message}; caching is off until it reconnects`);
    this.retry = setTimeout(() => void this.connect(), 1000);
    this.retry.unref();
  }
}
