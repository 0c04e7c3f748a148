import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { addEvents, type ArtifactEvent } from '@wharf/jobs/events';
import { type CircuitBreaker, CircuitOpenError, failFastRedisOptions, OutageLogs, redisBreaker } from '@wharf/outage';
import Redis from 'ioredis';
import type { RegistryConfig } from '../config';
import { CONFIG } from '../infra/tokens';

const FLUSH_MS = 200;
const BATCH = 500;
/** Held while Redis is unreachable; newer events are then dropped (and counted). */
const MAX_PENDING = 20_000;

/**
 * Publishes artifact events (push, pull, delete) on the installation's event stream, in batches:
 * pulls come by the thousand per second and each would otherwise cost a round trip. Events are
 * notifications (webhooks), not a ledger: what a crashed process still held, or what Redis could
 * not take for long, is lost and counted in the log. A batch Redis did not answer in time may
 * still be written when it answers again (a frozen Redis reads what was sent meanwhile), so it is
 * not sent again, and no webhook fires twice; it is lost only if that Redis never comes back.
 */
@Injectable()
export class RegistryEvents implements OnApplicationShutdown {
  private readonly logger = new Logger('events');
  private readonly redis: Redis | undefined;
  private readonly breaker: CircuitBreaker;
  private readonly prefix: string;
  private pending: ArtifactEvent[] = [];
  private dropped = 0;
  private flushing: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(@Inject(CONFIG) config: RegistryConfig, outages: OutageLogs) {
    this.prefix = config.events.prefix;
    this.breaker = redisBreaker(outages, 'event stream');
    if (!config.events.enabled) return;
    this.redis = new Redis(config.events.redisUrl, { ...failFastRedisOptions('wharf-registry-events', config.redisTimeoutMs), disconnectTimeout: 100 });
    this.redis.on('error', (err: Error) => this.logger.debug(`failed to reach redis: ${err.message}`));
    this.timer = setInterval(() => void this.flush(), FLUSH_MS).unref();
  }

  publish(event: ArtifactEvent): void {
    if (!this.redis) return;
    if (this.pending.length >= MAX_PENDING) {
      this.dropped++;
      return;
    }
    this.pending.push(event);
    if (this.pending.length >= BATCH) void this.flush();
  }

  /** Sends what is held now (tests, and shutdown). */
  flush(): Promise<void> {
    this.flushing ??= this.send().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async send(): Promise<void> {
    const redis = this.redis;
    while (redis && this.pending.length > 0 && redis.status === 'ready') {
      const batch = this.pending.slice(0, BATCH);
      try {
        await this.breaker.run(async () => {
          const pipeline = redis.pipeline();
          addEvents(pipeline, this.prefix, batch);
          const failed = (await pipeline.exec())?.find(([err]) => err);
          if (failed) throw failed[0];
        });
      } catch (err) {
        // Skipped while Redis is out: held for a later flush. Sent without an answer: see above.
        if (err instanceof CircuitOpenError) return;
        this.pending = this.pending.slice(batch.length);
        this.logger.warn(`failed to publish ${batch.length} artifact events, which may be lost: ${(err as Error).message}`);
        return;
      }
      this.pending = this.pending.slice(batch.length);
    }
    if (this.dropped > 0) {
      this.logger.warn(`dropped ${this.dropped} artifact events while redis was unreachable`);
      this.dropped = 0;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    this.redis?.disconnect();
  }
}
