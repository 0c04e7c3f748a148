import { AuditTrail, createDataSource, Sql } from '@wharf/db';
import { AuditLogSettingsSource, ReadOnlySwitch } from '@wharf/identity';
import { ExecutionStore, JobQueues, ScheduleStore } from '@wharf/jobs';
import { blockingRedisOptions, failFastRedisOptions, openSyslogForwarder } from '@wharf/outage';
import { createStorageDriver } from '@wharf/storage';
import Redis from 'ioredis';
import type { DataSource } from 'typeorm';
import type { JobServiceConfig } from './config';
import { GcRunner } from './gc/gc.runner';
import { Logger } from './logger';
import { PurgeAuditRunner } from './purge/purge-audit.runner';
import { RepositoryChanges } from './repository-changes';
import { RetentionRunner } from './retention/retention.runner';
import { ScheduleSync } from './schedule-sync';
import { createWebhooks, type Webhooks } from './webhook/webhooks';
import { WorkerHost } from './worker-host';

export interface RunningJobService {
  executions: ExecutionStore;
  schedules: ScheduleStore;
  queues: JobQueues;
  sync: ScheduleSync;
  webhooks: Webhooks;
  /** The worker pool this process registered as (GET /jobservice/pools). */
  poolId: string;
  close(): Promise<void>;
}

/** Starts the workers and the schedule sync; `close()` finishes running tasks and disconnects. */
export async function startJobService(config: JobServiceConfig, logger = new Logger('jobservice', config.logLevel)): Promise<RunningJobService> {
  const dataSource: DataSource = await createDataSource({
    url: config.databaseUrl,
    poolSize: Math.min(20, config.workers + 4),
    applicationName: 'wharf-jobservice',
    timeouts: { connectTimeoutMs: config.databaseConnectTimeoutMs, statementTimeoutMs: 0 },
  }).initialize();
  const sql = Sql.fromDataSource(dataSource);
  const storage = createStorageDriver({ driver: 'filesystem', rootDirectory: config.dataDir });
  const executions = new ExecutionStore(sql);
  const schedules = new ScheduleStore(sql);
  const queues = new JobQueues({ redisUrl: config.jobRedisUrl, prefix: config.queuePrefix });
  // BullMQ workers block on their connection: one of their own, separate from the producer's.
  const workerConnection = new Redis(config.jobRedisUrl, blockingRedisOptions('wharf-jobservice-workers'));
  const subscriber = new Redis(config.jobRedisUrl, blockingRedisOptions('wharf-jobservice-schedules'));
  // Bumps after a job's commit: one Redis does not take in time is covered by the notification.
  const cacheRedis = new Redis(config.redisUrl, failFastRedisOptions('wharf-jobservice-cache', config.redisTimeoutMs));
  // The worker pool's heartbeat: the first one waits for the connection, none waits long after.
  const poolRedis = new Redis(config.jobRedisUrl, { ...failFastRedisOptions('wharf-jobservice-pool', config.redisTimeoutMs), enableOfflineQueue: true, maxRetriesPerRequest: 1 });
  for (const r of [workerConnection, subscriber, cacheRedis, poolRedis]) r.on('error', (err: Error) => logger.debug('failed to reach redis', { error: err.message }));
  const changes = new RepositoryChanges(cacheRedis);

  // Deleting jobs look before they start and between pages: a run does not go on deleting once
  // read-only mode is on (within the switch's second).
  const readOnlySwitch = new ReadOnlySwitch(sql);
  const readOnly = () => readOnlySwitch.isOn();

  // Retention's deletions are audited (and forwarded) as core's and the registry's changes are.
  const auditLogger = logger.child('audit');
  const audit = new AuditTrail(new AuditLogSettingsSource(sql), (endpoint) => openSyslogForwarder(endpoint, auditLogger), auditLogger);

  const webhooks = createWebhooks(config, sql, executions, queues, logger.child('webhooks'));

  const host = new WorkerHost([
    new GcRunner(config.databaseUrl, sql, storage, changes, config.uploadMaxAgeMs, readOnly),
    new RetentionRunner({ sql, changes, publish: (events) => queues.publishEvents(events), readOnly, audit }),
    webhooks.runner,
    new PurgeAuditRunner(sql),
  ], {
    connection: workerConnection,
    prefix: config.queuePrefix,
    workers: config.workers,
    lockDurationMs: config.lockDurationMs,
    executions,
    schedules,
    logger: logger.child('worker'),
    pool: { redis: poolRedis },
  });
  await host.start();
  const sync = new ScheduleSync(config.databaseUrl, schedules, queues, subscriber, config.scheduleSyncMs, logger.child('schedules'));
  await sync.start();
  await webhooks.start();
  logger.info('jobservice started', { workers: config.workers, prefix: config.queuePrefix });

  return {
    executions,
    schedules,
    queues,
    sync,
    webhooks,
    poolId: host.poolId,
    async close() {
      await webhooks.close();
      await sync.close();
      await host.close();
      await queues.close();
      workerConnection.disconnect();
      cacheRedis.disconnect();
      poolRedis.disconnect();
      audit.close();
      if (dataSource.isInitialized) await dataSource.destroy();
    },
  };
}
