import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { type CircuitBreaker, failFastRedisOptions, OutageLogs, redisBreaker } from '@wharf/outage';
import Redis from 'ioredis';
import type { RegistryConfig } from '../config';
import { CONFIG } from '../infra/tokens';

/**
 * The registry's Redis connection for the login throttle of basic credentials. A Redis that is
 * down or does not answer in time only makes the throttle open (logins still work), and is then
 * skipped for a few seconds rather than waited for by every login.
 */
@Injectable()
export class RegistryRedis implements OnModuleDestroy {
  readonly client: Redis;
  readonly breaker: CircuitBreaker;
  private readonly logger = new Logger('registry');

  constructor(@Inject(CONFIG) config: RegistryConfig, outages: OutageLogs) {
    this.client = new Redis(config.redisUrl, {
      ...failFastRedisOptions('wharf-registry-throttle', config.redisTimeoutMs),
      // Logins right after start wait for the connection (within the command timeout) instead of
      // finding the throttle open.
      enableOfflineQueue: true,
    });
    // Reconnection attempts fail repeatedly while Redis is down; failed commands are what the log reports.
    this.client.on('error', (err: Error) => this.logger.debug(`failed to reach redis: ${err.message}`));
    this.breaker = redisBreaker(outages, 'login throttle');
  }

  onModuleDestroy(): void {
    this.client.disconnect();
  }
}
