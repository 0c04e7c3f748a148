import type { Sql } from '@wharf/db';
import { eventsStream, type ExecutionStore, type JobQueues } from '@wharf/jobs';
import type { JobServiceConfig } from '../config';
import type { Logger } from '../logger';
import { EventConsumer } from './event-consumer';
import { WebhookProxy } from './proxy';
import { QuotaWarnings } from './quota-warnings';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookReach } from './webhook-reach';
import { WebhookSettings } from './webhook-settings';
import { WebhookRunner } from './webhook.runner';
import { WebhookStore } from './webhook.store';

/** The consumer group of the event stream that webhooks read as. */
export const WEBHOOK_CONSUMER_GROUP = 'webhooks';
/** Finished deliveries kept per policy. */
export const KEPT_DELIVERIES = 500;
const SWEEP_INTERVAL_MS = 10 * 60_000;

export interface Webhooks {
  runner: WebhookRunner;
  consumer: EventConsumer;
  /** Starts reading artifact events (after the runner's worker started). */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Webhooks in the jobservice: the event consumer that creates deliveries and the runner that makes them. */
export function createWebhooks(config: JobServiceConfig, sql: Sql, executions: ExecutionStore, queues: JobQueues, logger: Logger): Webhooks {
  const store = new WebhookStore(sql);
  const notifications = new WebhookSettings(sql);
  const runner = new WebhookRunner(
    store,
    { maxRetry: config.webhookMaxRetry, timeoutMs: config.webhookTimeoutMs },
    notifications,
    new WebhookProxy(config.webhookProxy),
    new WebhookReach(notifications, config.services),
  );
  const dispatcher = new WebhookDispatcher(
    store,
    executions,
    queues,
    { maxRetry: config.webhookMaxRetry, retryDelayMs: config.webhookRetryDelayMs, registryHost: new URL(config.externalUrl).host },
    { notifications, quotaWarnings: new QuotaWarnings(sql), publish: (events) => queues.publishEvents(events) },
    logger,
  );
  const consumer = new EventConsumer(
    { redisUrl: config.jobRedisUrl, stream: eventsStream(config.queuePrefix), group: WEBHOOK_CONSUMER_GROUP, claimIdleMs: config.eventClaimIdleMs, logger },
    (entries) => dispatcher.dispatch(entries),
  );
  let sweeper: NodeJS.Timeout | undefined;
  const sweep = () =>
    store.sweep(KEPT_DELIVERIES).then(
      (n) => n > 0 && logger.info('removed old webhook deliveries', { removed: n }),
      (err: Error) => logger.warn('failed to remove old webhook deliveries', { error: err.message }),
    );
  return {
    runner,
    consumer,
    async start() {
      await consumer.start();
      sweeper = setInterval(() => void sweep(), SWEEP_INTERVAL_MS);
      sweeper.unref();
    },
    async close() {
      clearInterval(sweeper);
      await consumer.close();
    },
  };
}
