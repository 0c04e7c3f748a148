import { join, resolve } from 'node:path';
import { passwordProblem } from '@wharf/auth';
import { EnvError as ConfigError, envInt as int, envOneOf as oneOf, envText as text, envUrl as url, parseTrustedProxies } from '@wharf/config';
import type { DatabaseTimeouts } from '@wharf/db';
import { AUTH_MODES, type AuthMode } from '@wharf/identity';
import { DEFAULT_QUEUE_PREFIX } from '@wharf/jobs';
import { installationServices, type ServiceEndpoint } from '@wharf/policy';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type { AuthMode };

export interface TokenConfig {
  /** PEM private key that signs registry tokens; created on first start. */
  privateKeyPath: string;
  issuer: string;
  /** The `service` (token audience) the registry expects. */
  service: string;
  expirationMinutes: number;
}

export interface CoreConfig {
  port: number;
  host: string;
  /** Peers whose X-Forwarded-For is believed (TRUSTED_PROXIES; default loopback). */
  trustedProxies: string[];
  dataDir: string;
  databaseUrl: string;
  /**
   * DATABASE_CONNECT_TIMEOUT_SECONDS, DATABASE_STATEMENT_TIMEOUT_SECONDS: how long a request waits
   * for PostgreSQL before it is answered 503 (an unreachable, frozen or overloaded database).
   */
  databaseTimeouts: DatabaseTimeouts;
  redisUrl: string;
  /**
   * REDIS_TIMEOUT_MS: how long a Redis command may take before core goes on without Redis (login
   * throttle open, registry cache versions left to the database's notifications) for a few seconds.
   */
  redisTimeoutMs: number;
  /** Redis of the job queues (JOB_REDIS_URL); the jobservice must read the same one. */
  jobRedisUrl: string;
  /** Redis the registry keeps its repository cache versions in (REGISTRY_REDIS_URL, default REDIS_URL). */
  registryRedisUrl: string;
  /** Prefix of the queues' Redis keys (JOB_QUEUE_PREFIX); the same in core and the jobservice. */
  jobQueuePrefix: string;
  logLevel: LogLevel;
  /** Initial password of `admin`; only used when that user is created. */
  adminPassword: string;
  /** How clients reach this installation (scheme, host, port), without a trailing slash. */
  externalUrl: string;
  robotPrefix: string;
  authMode: AuthMode;
  token: TokenConfig;
  /**
   * REGISTRY_STORAGE_DIR: the directory the registry keeps blobs in (its filesystem storage), whose
   * volume /api/v2.0/systeminfo/volumes measures. Unset: core does not know it, and says so (404).
   */
  storageDir?: string;
  /**
   * CA_CERT_FILE: the root certificate /api/v2.0/systeminfo/getcert offers for download (default
   * DATA_DIR/ca_download/ca.crt); none there, none offered (404), as Harbor's ca_download.
   */
  caCertFile: string;
  /** The registry's internal URL (REGISTRY_URL): /api/v2.0/health reports it and its storage. */
  registryUrl?: string;
  /**
   * The installation's services (this one, its database and Redis, EXTERNAL_URL and what
   * INTERNAL_SERVICES lists), which webhook targets may not name unless an administrator allows it.
   */
  services: ServiceEndpoint[];
  /**
   * INSTANCE_KEY: the installation's key of the instance proof (@wharf/auth): a request carrying
   * a challenge is answered with its proof, so the installer knows it reached this core and not
   * another process on its port. Unset: no proof is given.
   */
  instanceKey?: string;
}

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

// A bad environment variable: names the variable and says what is wrong with it.
export { EnvError as ConfigError } from '@wharf/config';

/** Reads and validates core's settings from environment variables; throws on the first bad one. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): CoreConfig {
  const port = int(env, 'CORE_PORT', 8080, 0, 65535);
  const dataDir = resolve(text(env, 'DATA_DIR', './data'));

  const adminPassword = text(env, 'HARBOR_ADMIN_PASSWORD', 'Harbor12345');
  const weak = passwordProblem(adminPassword);
  // Never echo the password itself.
  if (weak) throw new ConfigError('HARBOR_ADMIN_PASSWORD', weak);

  const externalUrl = url(env, 'EXTERNAL_URL', `http://127.0.0.1:${port}`, ['http:', 'https:']).replace(/\/+$/, '');
  const external = new URL(externalUrl);
  if (external.search || external.hash) throw new ConfigError('EXTERNAL_URL', 'must not have a query or fragment');

  const robotPrefix = text(env, 'ROBOT_NAME_PREFIX', 'robot$');
  if (/[\s/:@,]/.test(robotPrefix)) throw new ConfigError('ROBOT_NAME_PREFIX', 'must not contain white space, "/", ":", "@" or ","');

  const redisUrl = url(env, 'REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']);
  const jobQueuePrefix = text(env, 'JOB_QUEUE_PREFIX', DEFAULT_QUEUE_PREFIX);
  // The jobservice's rule: both must accept the same prefixes, or one of them would not start.
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(jobQueuePrefix)) throw new ConfigError('JOB_QUEUE_PREFIX', 'use 1-64 letters, digits, ".", "_" or "-"');

  let trustedProxies: string[];
  try {
    trustedProxies = parseTrustedProxies(env['TRUSTED_PROXIES']);
  } catch (err) {
    throw new ConfigError('TRUSTED_PROXIES', (err as Error).message);
  }

  const registryUrl = env['REGISTRY_URL'] ? url(env, 'REGISTRY_URL', '', ['http:', 'https:']).replace(/\/+$/, '') : undefined;
  const host = text(env, 'CORE_HOST', '0.0.0.0');
  const databaseUrl = url(env, 'DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/wharf', ['postgres:', 'postgresql:']);
  const jobRedisUrl = url(env, 'JOB_REDIS_URL', redisUrl, ['redis:', 'rediss:']);
  const registryRedisUrl = url(env, 'REGISTRY_REDIS_URL', redisUrl, ['redis:', 'rediss:']);
  // Listening on every interface, this service is at least on loopback.
  const self = ['0.0.0.0', '::'].includes(host) ? ['http://127.0.0.1', 'http://[::1]'] : [`http://${host.includes(':') ? `[${host}]` : host}`];
  let services: ServiceEndpoint[];
  try {
    services = installationServices([...self.map((s) => `${s}:${port}`), externalUrl, databaseUrl, redisUrl, jobRedisUrl, registryRedisUrl, ...(registryUrl ? [registryUrl] : [])], env['INTERNAL_SERVICES']);
  } catch (err) {
    throw new ConfigError('INTERNAL_SERVICES', (err as Error).message);
  }
  const instanceKey = text(env, 'INSTANCE_KEY', '');
  if (instanceKey !== '' && instanceKey.length < 16) throw new ConfigError('INSTANCE_KEY', 'must be at least 16 characters');

  return {
    port,
    host,
    trustedProxies,
    dataDir,
    databaseUrl,
    databaseTimeouts: {
      connectTimeoutMs: int(env, 'DATABASE_CONNECT_TIMEOUT_SECONDS', 5, 1, 300) * 1000,
      statementTimeoutMs: int(env, 'DATABASE_STATEMENT_TIMEOUT_SECONDS', 30, 0, 86_400) * 1000,
    },
    redisUrl,
    redisTimeoutMs: int(env, 'REDIS_TIMEOUT_MS', 500, 10, 60_000),
    jobRedisUrl,
    registryRedisUrl,
    jobQueuePrefix,
    logLevel: oneOf(env, 'LOG_LEVEL', 'info', LOG_LEVELS),
    adminPassword,
    externalUrl,
    robotPrefix,
    authMode: oneOf(env, 'AUTH_MODE', 'db_auth', AUTH_MODES),
    token: {
      privateKeyPath: resolve(text(env, 'TOKEN_PRIVATE_KEY', join(dataDir, 'secret', 'core', 'private_key.pem'))),
      issuer: text(env, 'TOKEN_ISSUER', 'harbor-token-issuer'),
      service: text(env, 'TOKEN_SERVICE', 'harbor-registry'),
      // Up to a year; Harbor's default is 30 minutes.
      expirationMinutes: int(env, 'TOKEN_EXPIRATION', 30, 1, 525_600),
    },
    ...(registryUrl ? { registryUrl } : {}),
    ...(env['REGISTRY_STORAGE_DIR'] ? { storageDir: resolve(env['REGISTRY_STORAGE_DIR']) } : {}),
    caCertFile: resolve(text(env, 'CA_CERT_FILE', join(dataDir, 'ca_download', 'ca.crt'))),
    services,
    ...(instanceKey !== '' ? { instanceKey } : {}),
  };
}
