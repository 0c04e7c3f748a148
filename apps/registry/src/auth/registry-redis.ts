import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import type { RegistryConfig } from '../config';
import { CONFIG } from '../infra/tokens';

/**
 * The registry's Redis connection, used only by the login throttle of basic credentials. It
 * connects on first use, and a Redis that is down only makes the throttle open (logins still work).
 */
@Injectable()
export class RegistryRedis implements OnModuleDestroy {
  readonly client: Redis;
  private readonly logger = new Logger('registry');
  private lastError = 0;

  constructor(@Inject(CONFIG) config: RegistryConfig) {
    this.client = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2_000 });
    this.client.on('error', (err: Error) => {
      // Reconnection attempts fail repeatedly while Redis is down: one line a minute is enough.
      if (Date.now() - this.lastError < 60_000) return;
      this.lastError = Date.now();
      this.logger.warn(`failed to reach redis: ${err.message}`);
    });
  }

  onModuleDestroy(): void {
    this.client.disconnect();
  }
}
