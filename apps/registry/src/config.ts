import { cpus } from 'node:os';
import { resolve } from 'node:path';

export interface RegistryConfig {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string;
  redisUrl: string;
  /** Worker processes sharing the port (node cluster); 1 runs in-process. */
  workers: number;
  dbPoolSize: number;
  /** In-process cache of immutable manifest bytes, by digest. */
  manifestCacheBytes: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
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

export function loadConfig(env: NodeJS.ProcessEnv = process.env): RegistryConfig {
  const logLevel = env['LOG_LEVEL'] ?? 'info';
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) throw new Error(`invalid LOG_LEVEL: "${logLevel}"`);
  return {
    port: int(env, 'REGISTRY_PORT', 5000, 0, 65535),
    host: env['REGISTRY_HOST'] ?? '0.0.0.0',
    dataDir: resolve(env['DATA_DIR'] ?? './data'),
    databaseUrl: env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/wharf',
    redisUrl: env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    workers: int(env, 'REGISTRY_WORKERS', Math.min(cpus().length, 8), 1, 64),
    dbPoolSize: int(env, 'REGISTRY_DB_POOL', 16, 1, 200),
    manifestCacheBytes: int(env, 'REGISTRY_MANIFEST_CACHE_MB', 64, 0, 4096) * 1024 * 1024,
    logLevel: logLevel as RegistryConfig['logLevel'],
  };
}
