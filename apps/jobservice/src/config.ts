import { resolve } from 'node:path';
import { EnvError, envInt as int, envOneOf, envText as text, envUrl as url } from '@wharf/config';
import { DEFAULT_QUEUE_PREFIX } from '@wharf/jobs';
import { installationServices, type ServiceEndpoint } from '@wharf/policy';
import type { ProxySettings } from './webhook/proxy';

export { EnvError as ConfigError };

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface JobServiceConfig {
  databaseUrl: string;
  /**
   * DATABASE_CONNECT_TIMEOUT_SECONDS. Statements have no time limit here: garbage collection and
   * retention run long ones, and no client waits on them (a frozen database holds a job up until
   * it answers again; the job's queue lock is renewed meanwhile).
   */
  databaseConnectTimeoutMs: number;
  /** REDIS_TIMEOUT_MS: how long a cache version bump may wait for Redis before it is left to the notification. */
  redisTimeoutMs: number;
  /** Redis of the registry cache contract (repository versions). */
  redisUrl: string;
  /** Redis holding the job queues (JOB_REDIS_URL, default REDIS_URL). */
  jobRedisUrl: string;
  queuePrefix: string;
  /** The registry's storage root (the registry's DATA_DIR). */
  dataDir: string;
  /** Jobs run at once by this process (harbor.yml jobservice.max_job_workers). */
  workers: number;
  /**
   * How long a running job's queue lock lasts without renewal (renewed at half of it), and how
   * often stalled jobs are looked for: a task whose jobservice died is taken again within about
   * twice this.
   */
  lockDurationMs: number;
  /** Uploads untouched this long are abandoned; GC purges them. */
  uploadMaxAgeMs: number;
  /** How often the schedules are re-read from the database even without a change announcement. */
  scheduleSyncMs: number;
  /** Retries of a failed webhook delivery (harbor.yml notification.webhook_job_max_retry). */
  webhookMaxRetry: number;
  /** How long one delivery may take (harbor.yml notification.webhook_job_http_client_timeout). */
  webhookTimeoutMs: number;
  /** First retry delay of a webhook delivery; each further one doubles it. */
  webhookRetryDelayMs: number;
  /** Outbound proxy of webhook deliveries (HTTP_PROXY, HTTPS_PROXY, NO_PROXY). */
  webhookProxy: ProxySettings;
  /** Artifact events a jobservice took but did not finish this long ago are taken by another. */
  eventClaimIdleMs: number;
  /** The registry's address as clients use it (EXTERNAL_URL): the host of webhooks' resource_url. */
  externalUrl: string;
  /**
   * The installation's services (EXTERNAL_URL, the database, Redis, and core and the registry as
   * INTERNAL_SERVICES lists them), which webhook deliveries never reach unless
   * webhook_allowed_networks names them.
   */
  services: ServiceEndpoint[];
  logLevel: LogLevel;
}

function externalUrl(env: NodeJS.ProcessEnv): string {
  const raw = url(env, 'EXTERNAL_URL', 'http://127.0.0.1:8080', ['http:', 'https:']).replace(/\/+$/, '');
  const parsed = new URL(raw);
  if (parsed.search || parsed.hash || parsed.username || parsed.password) throw new EnvError('EXTERNAL_URL', 'must not have credentials, a query or a fragment');
  return raw;
}

/** A proxy variable, upper case first (HTTP_PROXY, then http_proxy); undefined when unset. */
function proxyVariable(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const key = [name.toUpperCase(), name.toLowerCase()].find((k) => (env[k] ?? '') !== '');
  if (!key) return undefined;
  const raw = url(env, key, '', ['http:', 'https:']);
  if (new URL(raw).hostname === '') throw new EnvError(key, 'must name the proxy host, like http://proxy.example.com:3128');
  return raw;
}

function webhookProxy(env: NodeJS.ProcessEnv): ProxySettings {
  const noProxy = env['NO_PROXY'] || env['no_proxy'] || undefined;
  return { httpProxy: proxyVariable(env, 'HTTP_PROXY'), httpsProxy: proxyVariable(env, 'HTTPS_PROXY'), noProxy };
}

/** Reads and validates the jobservice's settings from environment variables. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): JobServiceConfig {
  const logLevel = envOneOf<LogLevel>(env, 'LOG_LEVEL', 'info', ['debug', 'info', 'warn', 'error']);
  const redisUrl = url(env, 'REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']);
  const prefix = text(env, 'JOB_QUEUE_PREFIX', DEFAULT_QUEUE_PREFIX);
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(prefix)) throw new EnvError('JOB_QUEUE_PREFIX', 'use 1-64 letters, digits, ".", "_" or "-"');
  const databaseUrl = url(env, 'DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/wharf', ['postgres:', 'postgresql:']);
  const jobRedisUrl = url(env, 'JOB_REDIS_URL', redisUrl, ['redis:', 'rediss:']);
  const external = externalUrl(env);
  let services: ServiceEndpoint[];
  try {
    services = installationServices([external, databaseUrl, redisUrl, jobRedisUrl], env['INTERNAL_SERVICES']);
  } catch (err) {
    throw new EnvError('INTERNAL_SERVICES', (err as Error).message);
  }
  return {
    databaseUrl,
    databaseConnectTimeoutMs: int(env, 'DATABASE_CONNECT_TIMEOUT_SECONDS', 5, 1, 300) * 1000,
    redisUrl,
    redisTimeoutMs: int(env, 'REDIS_TIMEOUT_MS', 500, 10, 60_000),
    jobRedisUrl,
    queuePrefix: prefix,
    dataDir: resolve(text(env, 'DATA_DIR', './data')),
    workers: int(env, 'JOBSERVICE_WORKERS', 10, 1, 100),
    lockDurationMs: int(env, 'JOBSERVICE_LOCK_SECONDS', 30, 1, 600) * 1000,
    uploadMaxAgeMs: int(env, 'GC_UPLOAD_MAX_AGE_SECONDS', 86_400, 60, 365 * 86_400) * 1000,
    scheduleSyncMs: int(env, 'JOBSERVICE_SCHEDULE_SYNC_SECONDS', 30, 1, 3600) * 1000,
    webhookMaxRetry: int(env, 'WEBHOOK_JOB_MAX_RETRY', 3, 0, 1000),
    webhookTimeoutMs: int(env, 'WEBHOOK_JOB_HTTP_CLIENT_TIMEOUT', 3, 1, 3600) * 1000,
    webhookRetryDelayMs: int(env, 'WEBHOOK_JOB_RETRY_DELAY_MS', 1000, 10, 600_000),
    webhookProxy: webhookProxy(env),
    eventClaimIdleMs: int(env, 'EVENTS_CLAIM_IDLE_SECONDS', 60, 1, 86_400) * 1000,
    externalUrl: external,
    services,
    logLevel,
  };
}
