import { once } from 'node:events';
import { DynamicModule, Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { AuditTrail, createDataSource, Sql } from '@wharf/db';
import { AuditLogSettingsSource, AuthModeIdentityStore, ldapSettingsOf, LoginThrottle } from '@wharf/identity';
import { ExecutionStore, JobQueues, ScheduleStore } from '@wharf/jobs';
import { failFastRedisOptions, openSyslogForwarder, OutageLogs, redisBreaker } from '@wharf/outage';
import Redis from 'ioredis';
import type { DataSource } from 'typeorm';
import type { CoreConfig } from '../config';
import { SettingsService } from '../configurations/settings.service';
import { CORE_CONFIG, DATA_SOURCE, IDENTITY, LOGIN_THROTTLE, REDIS, SQL } from './tokens';

export { CORE_CONFIG, DATA_SOURCE, IDENTITY, LOGIN_THROTTLE, REDIS, SQL } from './tokens';

export interface InfraOptions {
  /**
   * Prefix of every Redis key this process writes (login failure counters, ...). Tests give
   * each server its own so that counters of parallel test files do not add up.
   */
  redisKeyPrefix?: string;
}

/** How long start-up waits for Redis before going on without it (it reconnects in the background). */
const REDIS_READY_TIMEOUT_MS = 3000;

async function connectRedis(config: CoreConfig, options: InfraOptions): Promise<Redis> {
  const logger = new Logger('redis');
  const redis = new Redis(config.redisUrl, {
    // Fail fast while disconnected or unanswered: callers (login throttle, health) degrade instead of waiting.
    ...failFastRedisOptions('wharf-core', config.redisTimeoutMs),
    keyPrefix: options.redisKeyPrefix,
  });
  redis.on('error', (err: Error) => logger.debug(`failed to reach redis: ${err.message}`));
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), REDIS_READY_TIMEOUT_MS).unref());
  const ready = await Promise.race([once(redis, 'ready').then(() => 'ready' as const, () => 'timeout' as const), timeout]);
  if (ready === 'timeout') logger.warn('redis is not reachable yet; login throttling is off until it is');
  return redis;
}

/** Closes the pools this module opened, after Nest has stopped serving. */
@Injectable()
class InfraLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly queues: JobQueues,
    private readonly auditTrail: AuditTrail,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    this.auditTrail.close();
    await this.queues.close();
    this.redis.disconnect();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/**
 * Core's shared infrastructure, injectable everywhere (the API's feature modules and the token
 * service alike): the configuration, the outage logs, PostgreSQL (TypeORM DataSource and the raw Sql helper over
 * its pool), Redis, the stored system settings, the identity store, the login throttle, and the
 * job records (executions, schedules) with the producer side of the job queues.
 */
@Global()
@Module({})
export class InfraModule {
  static forRoot(config: CoreConfig, options: InfraOptions = {}): DynamicModule {
    return {
      module: InfraModule,
      providers: [
        { provide: CORE_CONFIG, useValue: config },
        {
          provide: OutageLogs,
          useFactory: () => new OutageLogs({ database: (line) => new Logger('database').error(line), redis: (line) => new Logger('redis').warn(line) }),
        },
        {
          provide: DATA_SOURCE,
          useFactory: () =>
            createDataSource({ url: config.databaseUrl, poolSize: 10, applicationName: 'wharf-core', timeouts: config.databaseTimeouts }).initialize(),
        },
        { provide: SQL, useFactory: (ds: DataSource) => Sql.fromDataSource(ds), inject: [DATA_SOURCE] },
        { provide: REDIS, useFactory: () => connectRedis(config, options) },
        SettingsService,
        {
          provide: IDENTITY,
          // LDAP logins follow the stored auth mode and LDAP settings, as they change.
          useFactory: (sql: Sql, settings: SettingsService) =>
            new AuthModeIdentityStore(sql, config.robotPrefix, async () => {
              const current = await settings.current();
              return { authMode: current.auth_mode, ldap: ldapSettingsOf(current) };
            }),
          inject: [SQL, SettingsService],
        },
        {
          provide: LOGIN_THROTTLE,
          useFactory: (redis: Redis, outages: OutageLogs) => new LoginThrottle(redis, { breaker: redisBreaker(outages, 'login throttle') }),
          inject: [REDIS, OutageLogs],
        },
        { provide: ExecutionStore, useFactory: (sql: Sql) => new ExecutionStore(sql), inject: [SQL] },
        { provide: ScheduleStore, useFactory: (sql: Sql) => new ScheduleStore(sql), inject: [SQL] },
        // Connects on first use: core starts (and serves everything else) while the queues' Redis is down.
        {
          provide: JobQueues,
          useFactory: (outages: OutageLogs) =>
            new JobQueues({ redisUrl: config.jobRedisUrl, prefix: config.jobQueuePrefix, breaker: redisBreaker(outages, 'job queues') }),
          inject: [OutageLogs],
        },
        {
          // One per process, shared by every module's AuditService: one connection to the syslog endpoint.
          provide: AuditTrail,
          useFactory: (sql: Sql) => {
            const logger = new Logger('audit');
            return new AuditTrail(new AuditLogSettingsSource(sql), (endpoint) => openSyslogForwarder(endpoint, logger), logger);
          },
          inject: [SQL],
        },
        InfraLifecycle,
      ],
      exports: [CORE_CONFIG, OutageLogs, DATA_SOURCE, SQL, REDIS, IDENTITY, LOGIN_THROTTLE, SettingsService, ExecutionStore, ScheduleStore, JobQueues, AuditTrail],
    };
  }
}
