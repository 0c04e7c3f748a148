import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { loadAuditConfig, type RegistryAuditConfig } from './audit/audit-config';
import { parseTrustedProxies } from '@wharf/config';
import type { DescriptorUrlPolicy } from '@wharf/oci';
import type { DatabaseTimeouts } from '@wharf/db/plain';

/**
 * How the data plane authenticates. `token`: Docker registry token authentication, with tokens
 * from core's `/service/token` (verified with the signer's public key) or basic credentials sent
 * directly. `none`: an open registry, for development, the conformance suites and the benchmark.
 */
export type RegistryAuthConfig =
  | { mode: 'none' }
  | {
      mode: 'token';
      /** The token service clients are sent to (`WWW-Authenticate: Bearer realm=...`). */
      realm: string;
      issuer: string;
      /** This registry's name in tokens (`aud`) and challenges (`service`). */
      service: string;
      /** PEM public key of the token signer; when unset, derived from `privateKeyPath`. */
      publicKeyPath?: string;
      privateKeyPath: string;
      /** Robot account names start with this (Harbor's `robot$`). */
      robotPrefix: string;
      /**
       * How basic credentials sent directly are checked until the `setting` table says
       * otherwise (core's AUTH_MODE, read from the same variable); `db_auth` when unset.
       */
      authMode?: 'db_auth' | 'ldap_auth';
      /** Redis key prefix of the login throttle's counters; tests give each registry its own. */
      loginThrottleKeyPrefix?: string;
    };

/** Artifact events on Redis (libs/jobs events.ts) for webhooks and other reactions. */
export interface RegistryEventsConfig {
  /** REGISTRY_EVENTS (default true). */
  enabled: boolean;
  /** JOB_REDIS_URL (default REDIS_URL): the Redis of the job queues. */
  redisUrl: string;
  /** JOB_QUEUE_PREFIX (default "wharf"). */
  prefix: string;
}

export interface RegistryConfig {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string;
  redisUrl: string;
  /** Worker processes sharing the port (node cluster); 1 runs in-process. */
  workers: number;
  dbPoolSize: number;
  /**
   * ARTIFACT_PULL_ASYNC_FLUSH_DURATION (seconds, Harbor's variable; default 10): how often pull
   * counts and times move from Redis to PostgreSQL.
   */
  pullFlushMs: number;
  /**
   * DATABASE_CONNECT_TIMEOUT_SECONDS, DATABASE_STATEMENT_TIMEOUT_SECONDS: how long a request waits
   * for PostgreSQL before it is answered 503 (an unreachable, frozen or overloaded database).
   */
  databaseTimeouts: DatabaseTimeouts;
  /**
   * REDIS_TIMEOUT_MS: how long a Redis command may take before the registry goes on without Redis
   * (lookups in PostgreSQL, login throttle open, events held) and skips it for a few seconds.
   */
  redisTimeoutMs: number;
  /** In-process cache of immutable manifest bytes, by digest. */
  manifestCacheBytes: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Peers whose X-Forwarded-For is believed (TRUSTED_PROXIES; default loopback). */
  trustedProxies: string[];
  /** The audit trail of pushes, pulls and deletes (REGISTRY_AUDIT*). */
  audit: RegistryAuditConfig;
  auth: RegistryAuthConfig;
  /**
   * REGISTRY_BLOB_TOUCH_SECONDS: a blob lookup (HEAD/GET) that finds the blob's last-seen time
   * older than this refreshes it, so garbage collection (which keeps blobs seen within its time
   * window) cannot delete a layer a client has just been told exists. Keep it well below GC's
   * time window.
   */
  blobTouchMs: number;
  /**
   * REGISTRY_UPLOAD_MAX_AGE_SECONDS: how long an upload session id stays usable before its
   * session has stored any bytes (sessions with bytes live until GC purges them). Match the
   * jobservice's GC_UPLOAD_MAX_AGE_SECONDS.
   */
  uploadMaxAgeMs: number;
  /**
   * REGISTRY_STORAGE_RESERVE_MB: free space on the storage that blob uploads never take. Below it
   * new uploads are refused (507), so that manifests, deletes, garbage collection and a database
   * or Redis on the same volume keep working.
   */
  storageReserveBytes: number;
  events: RegistryEventsConfig;
  /**
   * REGISTRY_ACCEL_PREFIX: the gateway's internal location that serves blob files. When set, a
   * blob GET the gateway marks with `X-Wharf-Accel: 1` is answered with `X-Accel-Redirect:
   * <prefix>/<alg>/<2 hex>/<hex>` and no body, and nginx sends the file. Unset: blobs are always
   * streamed by the registry.
   */
  accelPrefix?: string;
  /**
   * INSTANCE_KEY: the installation's key of the instance proof (@wharf/auth): a request carrying
   * a challenge is answered with its proof, so the installer knows it reached this registry and
   * not another process on its port. Unset: no proof is given.
   */
  instanceKey?: string;
  /**
   * REGISTRY_MANIFEST_URLS_ALLOW / _DENY: regular expressions the `urls` of pushed descriptors
   * (foreign layers) must match / must not match, as distribution's `validation.manifests.urls`.
   * Whatever they say, only http and https URLs without a fragment are accepted, and none that
   * names a loopback, link-local or unspecified address.
   */
  manifestUrls: DescriptorUrlPolicy;
}

function int(env: NodeJS.ProcessEnv, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`invalid ${key}: "${raw}" is not an integer between ${min} and ${max}`);
  }
  return n;
}

function nonEmpty(env: NodeJS.ProcessEnv, key: string): string | undefined {
  const value = env[key];
  return value === undefined || value === '' ? undefined : value;
}

function authMode(env: NodeJS.ProcessEnv): 'db_auth' | 'ldap_auth' {
  const mode = nonEmpty(env, 'AUTH_MODE') ?? 'db_auth';
  if (mode !== 'db_auth' && mode !== 'ldap_auth') throw new Error(`invalid AUTH_MODE: "${mode}" (expected "db_auth" or "ldap_auth")`);
  return mode;
}

function loadAuth(env: NodeJS.ProcessEnv, dataDir: string): RegistryAuthConfig {
  const mode = nonEmpty(env, 'REGISTRY_AUTH') ?? 'token';
  if (mode === 'none') return { mode };
  if (mode !== 'token') throw new Error(`invalid REGISTRY_AUTH: "${mode}" (expected "token" or "none")`);
  const externalUrl = (nonEmpty(env, 'EXTERNAL_URL') ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  const publicKey = nonEmpty(env, 'TOKEN_PUBLIC_KEY');
  return {
    mode,
    realm: nonEmpty(env, 'TOKEN_REALM') ?? `${externalUrl}/service/token`,
    issuer: nonEmpty(env, 'TOKEN_ISSUER') ?? 'harbor-token-issuer',
    service: nonEmpty(env, 'TOKEN_SERVICE') ?? 'harbor-registry',
    ...(publicKey ? { publicKeyPath: resolve(publicKey) } : {}),
    privateKeyPath: resolve(nonEmpty(env, 'TOKEN_PRIVATE_KEY') ?? join(dataDir, 'secret', 'core', 'private_key.pem')),
    robotPrefix: nonEmpty(env, 'ROBOT_NAME_PREFIX') ?? 'robot$',
    authMode: authMode(env),
  };
}

/** An absolute URL path of plain segments: it is sent verbatim in a response header. */
const ACCEL_PREFIX = /^(\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)+$/;

function accelPrefix(env: NodeJS.ProcessEnv): string | undefined {
  const raw = nonEmpty(env, 'REGISTRY_ACCEL_PREFIX');
  if (raw === undefined) return undefined;
  const prefix = raw.replace(/\/+$/, '');
  if (!ACCEL_PREFIX.test(prefix)) {
    throw new Error(`invalid REGISTRY_ACCEL_PREFIX: "${raw}" (expected a URL path such as /_wharf_blobs: starts with /, no spaces, segments of letters, digits and ._~- not starting with a dot)`);
  }
  return prefix;
}

function pattern(env: NodeJS.ProcessEnv, key: string): RegExp | undefined {
  const raw = nonEmpty(env, key);
  if (raw === undefined) return undefined;
  try {
    return new RegExp(raw);
  } catch (err) {
    throw new Error(`invalid ${key}: ${(err as Error).message}`);
  }
}

function manifestUrls(env: NodeJS.ProcessEnv): DescriptorUrlPolicy {
  const allow = pattern(env, 'REGISTRY_MANIFEST_URLS_ALLOW');
  const deny = pattern(env, 'REGISTRY_MANIFEST_URLS_DENY');
  return { ...(allow ? { allow } : {}), ...(deny ? { deny } : {}) };
}

function trustedProxies(env: NodeJS.ProcessEnv): string[] {
  try {
    return parseTrustedProxies(env['TRUSTED_PROXIES']);
  } catch (err) {
    throw new Error(`invalid TRUSTED_PROXIES: ${(err as Error).message}`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): RegistryConfig {
  const logLevel = env['LOG_LEVEL'] ?? 'info';
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) throw new Error(`invalid LOG_LEVEL: "${logLevel}"`);
  const dataDir = resolve(env['DATA_DIR'] ?? './data');
  const accel = accelPrefix(env);
  const instanceKey = nonEmpty(env, 'INSTANCE_KEY');
  if (instanceKey !== undefined && instanceKey.length < 16) throw new Error('invalid INSTANCE_KEY: must be at least 16 characters');
  return {
    port: int(env, 'REGISTRY_PORT', 5000, 0, 65535),
    host: env['REGISTRY_HOST'] ?? '0.0.0.0',
    dataDir,
    databaseUrl: env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/wharf',
    redisUrl: env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    workers: int(env, 'REGISTRY_WORKERS', Math.min(cpus().length, 8), 1, 64),
    dbPoolSize: int(env, 'REGISTRY_DB_POOL', 16, 1, 200),
    pullFlushMs: int(env, 'ARTIFACT_PULL_ASYNC_FLUSH_DURATION', 10, 1, 3600) * 1000,
    databaseTimeouts: {
      connectTimeoutMs: int(env, 'DATABASE_CONNECT_TIMEOUT_SECONDS', 5, 1, 300) * 1000,
      statementTimeoutMs: int(env, 'DATABASE_STATEMENT_TIMEOUT_SECONDS', 30, 0, 86_400) * 1000,
    },
    redisTimeoutMs: int(env, 'REDIS_TIMEOUT_MS', 500, 10, 60_000),
    manifestCacheBytes: int(env, 'REGISTRY_MANIFEST_CACHE_MB', 64, 0, 4096) * 1024 * 1024,
    logLevel: logLevel as RegistryConfig['logLevel'],
    trustedProxies: trustedProxies(env),
    audit: loadAuditConfig(env),
    auth: loadAuth(env, dataDir),
    blobTouchMs: int(env, 'REGISTRY_BLOB_TOUCH_SECONDS', 60, 1, 86_400) * 1000,
    uploadMaxAgeMs: int(env, 'REGISTRY_UPLOAD_MAX_AGE_SECONDS', 86_400, 60, 365 * 86_400) * 1000,
    storageReserveBytes: int(env, 'REGISTRY_STORAGE_RESERVE_MB', 512, 0, 1024 * 1024) * 1024 * 1024,
    events: {
      enabled: !['false', '0', 'no', 'off'].includes((env['REGISTRY_EVENTS'] ?? 'true').toLowerCase()),
      redisUrl: env['JOB_REDIS_URL'] || env['REDIS_URL'] || 'redis://127.0.0.1:6379',
      prefix: env['JOB_QUEUE_PREFIX'] || 'wharf',
    },
    ...(accel ? { accelPrefix: accel } : {}),
    ...(instanceKey !== undefined ? { instanceKey } : {}),
    manifestUrls: manifestUrls(env),
  };
}
