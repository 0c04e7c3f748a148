import { join } from 'node:path';
import type { HarborConfig } from '@wharf/config';
import { postgresServerArgs } from './bundled-postgres';
import { ACCEL_PREFIX } from './gateway/nginx-config';
import type { Layout } from './layout';
import { instanceKey, type Secrets } from './secrets';
import type { ServiceSpec } from './service-spec';

export { ACCEL_PREFIX };
const DEFAULT_CORE_PORT = 8080;
const DEFAULT_REGISTRY_PORT = 5000;
/** A jobservice that fails on its configuration or its first connections exits well within this. */
const JOBSERVICE_SETTLE_MS = 3000;

/** How Wharf's services reach each other and where their programs are. */
export interface RenderContext {
  config: HarborConfig;
  layout: Layout;
  secrets: Secrets;
  /** The node binary that runs core, the registry and the jobservice. */
  nodePath: string;
  /** The built tree (dist/) holding apps/<core|registry|jobservice>/src/main.js. */
  distDir: string;
  /** Directory of PostgreSQL's server programs (postgres, initdb, pg_ctl). */
  pgBinDir?: string;
  /** The user the bundled PostgreSQL runs as. */
  pgUser?: { uid: number; gid: number };
  nginxPath?: string;
  redisPath?: string;
  /** PATH, HOME and the like handed to every service. */
  baseEnv: Record<string, string>;
}

export function corePort(config: HarborConfig): number {
  return config.wharf?.core_port ?? DEFAULT_CORE_PORT;
}

export function registryPort(config: HarborConfig): number {
  return config.wharf?.registry_port ?? DEFAULT_REGISTRY_PORT;
}

/** The URL clients use: external_url when set, else the gateway's scheme, hostname and port. */
export function externalUrl(config: HarborConfig): string {
  if (config.external_url) return config.external_url.replace(/\/+$/, '');
  if (config.https) return `https://${config.hostname}${config.https.port === 443 ? '' : `:${config.https.port}`}`;
  return `http://${config.hostname}${config.http.port === 80 ? '' : `:${config.http.port}`}`;
}

/**
 * Core, the registry and the gateway as the other services reach them on this host
 * (INTERNAL_SERVICES): webhook deliveries never reach them unless an administrator names them in
 * webhook_allowed_networks, even where loopback is open for a local receiver.
 */
export function internalServices(config: HarborConfig): string {
  const ports = [corePort(config), registryPort(config), config.http.port, ...(config.https ? [config.https.port] : [])];
  return ports.map((port) => `127.0.0.1:${port}`).join(',');
}

/** The gateway's own address on this machine (its entry point when https is set). */
export function gatewayUrl(config: HarborConfig): string {
  return config.https ? `https://127.0.0.1:${config.https.port}` : `http://127.0.0.1:${config.http.port}`;
}

/** Harbor's log levels in the apps' vocabulary. */
export function appLogLevel(level: HarborConfig['log']['level']): string {
  switch (level) {
    case 'debug':
      return 'debug';
    case 'info':
      return 'info';
    case 'warning':
      return 'warn';
    default:
      return 'error';
  }
}

/** The bundled PostgreSQL's password: harbor.yml's database.password when set, else the generated one. */
export function databasePassword(config: HarborConfig, secrets: Secrets): string {
  return config.database.password ?? secrets.databasePassword;
}

export function databaseUrl(config: HarborConfig, layout: Layout, secrets: Secrets): string {
  const ext = config.external_database?.harbor;
  if (ext) {
    const auth = `${encodeURIComponent(ext.username)}:${encodeURIComponent(ext.password)}`;
    const ssl = ext.ssl_mode && ext.ssl_mode !== 'disable' ? `?sslmode=${encodeURIComponent(ext.ssl_mode)}` : '';
    return `postgres://${auth}@${ext.host}:${ext.port}/${encodeURIComponent(ext.db_name)}${ssl}`;
  }
  // Only a unix socket: an installation never clashes with a port already in use.
  return `postgres://wharf:${encodeURIComponent(databasePassword(config, secrets))}@localhost/registry?host=${encodeURIComponent(layout.pgSocketDir)}`;
}

/** Whose Redis database a URL points at: external_redis gives each its own index. */
export type RedisUser = 'core' | 'registry' | 'jobservice';

/**
 * ioredis reads `path` from the query string as a unix socket and then ignores host and port;
 * the `redis:` scheme keeps the apps' URL validation satisfied.
 */
export function redisUrl(config: HarborConfig, layout: Layout, dbIndex: RedisUser): string {
  const ext = config.external_redis;
  if (ext) {
    const index = { core: ext.core_db_index, registry: ext.registry_db_index, jobservice: ext.jobservice_db_index }[dbIndex];
    const user = ext.username ? encodeURIComponent(ext.username) : '';
    const auth = ext.password ? `${user}:${encodeURIComponent(ext.password)}@` : '';
    return `redis://${auth}${ext.host}/${index}`;
  }
  return `redis://localhost/0?path=${encodeURIComponent(layout.redisSocket)}`;
}

/**
 * Where the job queues live, the same for every service: core and the registry enqueue, the
 * jobservice consumes. With the bundled Redis that is its one database.
 */
export function jobRedisUrl(config: HarborConfig, layout: Layout): string {
  return redisUrl(config, layout, 'jobservice');
}

/** HTTP(S)_PROXY and NO_PROXY (both spellings) for `component` when harbor.yml's proxy names it. */
export function proxyEnv(config: HarborConfig, component: string): Record<string, string> {
  const proxy = config.proxy;
  if (!proxy || !proxy.components.includes(component)) return {};
  const env: Record<string, string> = {};
  if (proxy.http_proxy) env['HTTP_PROXY'] = env['http_proxy'] = proxy.http_proxy;
  if (proxy.https_proxy) env['HTTPS_PROXY'] = env['https_proxy'] = proxy.https_proxy;
  // The services talk to each other on loopback: never through the proxy.
  const noProxy = ['127.0.0.1', 'localhost', proxy.no_proxy].filter(Boolean).join(',');
  env['NO_PROXY'] = env['no_proxy'] = noProxy;
  return env;
}

export function registryDataDir(config: HarborConfig, layout: Layout): string {
  return config.storage_service.filesystem.rootdirectory ?? layout.registryDir;
}

/**
 * `wharf.manifest_urls` as the registry reads it (REGISTRY_MANIFEST_URLS_ALLOW / _DENY): each list
 * as one pattern of grouped alternatives, as distribution joins its lists.
 */
export function manifestUrlPatterns(config: HarborConfig): { allow?: string; deny?: string } {
  const joined = (list: string[] | undefined) => list?.map((pattern) => `(?:${pattern})`).join('|');
  const allow = joined(config.wharf?.manifest_urls?.allow);
  const deny = joined(config.wharf?.manifest_urls?.deny);
  return { ...(allow ? { allow } : {}), ...(deny ? { deny } : {}) };
}

export function registryWorkers(config: HarborConfig): number {
  return config.wharf?.registry_workers ?? 2;
}

/** database.max_open_conns bounds the whole registry; each worker has its own pool. */
export function registryPoolSize(config: HarborConfig): number {
  return Math.max(1, Math.min(50, Math.floor(config.database.max_open_conns / registryWorkers(config))));
}

export function coreEnv(ctx: RenderContext): Record<string, string> {
  const { config, layout, secrets } = ctx;
  return {
    ...ctx.baseEnv,
    ...proxyEnv(config, 'core'),
    CORE_PORT: String(corePort(config)),
    CORE_HOST: '127.0.0.1',
    DATA_DIR: layout.coreDir,
    DATABASE_URL: databaseUrl(config, layout, secrets),
    REDIS_URL: redisUrl(config, layout, 'core'),
    // The registry's cache versions are bumped where the registry reads them, not in core's index.
    REGISTRY_REDIS_URL: redisUrl(config, layout, 'registry'),
    JOB_REDIS_URL: jobRedisUrl(config, layout),
    HARBOR_ADMIN_PASSWORD: config.harbor_admin_password,
    EXTERNAL_URL: externalUrl(config),
    INTERNAL_SERVICES: internalServices(config),
    TOKEN_PRIVATE_KEY: layout.signingKeyFile,
    // /api/v2.0/health asks the registry about itself and its storage.
    REGISTRY_URL: `http://127.0.0.1:${registryPort(config)}`,
    // /api/v2.0/systeminfo/volumes measures the volume the registry stores blobs on.
    REGISTRY_STORAGE_DIR: registryDataDir(config, layout),
    // A root certificate the operator puts there is offered for download, as Harbor's ca_download.
    CA_CERT_FILE: join(layout.dataVolume, 'ca_download', 'ca.crt'),
    INSTANCE_KEY: instanceKey(secrets),
    LOG_LEVEL: appLogLevel(config.log.level),
  };
}

export function registryEnv(ctx: RenderContext): Record<string, string> {
  const { config, layout, secrets } = ctx;
  const workers = registryWorkers(config);
  const urls = manifestUrlPatterns(config);
  return {
    ...ctx.baseEnv,
    ...proxyEnv(config, 'registry'),
    REGISTRY_PORT: String(registryPort(config)),
    REGISTRY_HOST: '127.0.0.1',
    DATA_DIR: registryDataDir(config, layout),
    DATABASE_URL: databaseUrl(config, layout, secrets),
    REDIS_URL: redisUrl(config, layout, 'registry'),
    JOB_REDIS_URL: jobRedisUrl(config, layout),
    EXTERNAL_URL: externalUrl(config),
    TOKEN_PRIVATE_KEY: layout.signingKeyFile,
    REGISTRY_AUTH: 'token',
    REGISTRY_ACCEL_PREFIX: ACCEL_PREFIX,
    REGISTRY_WORKERS: String(workers),
    REGISTRY_DB_POOL: String(registryPoolSize(config)),
    ...(config.wharf?.storage_reserve_mb !== undefined ? { REGISTRY_STORAGE_RESERVE_MB: String(config.wharf.storage_reserve_mb) } : {}),
    INSTANCE_KEY: instanceKey(secrets),
    ...(urls.allow ? { REGISTRY_MANIFEST_URLS_ALLOW: urls.allow } : {}),
    ...(urls.deny ? { REGISTRY_MANIFEST_URLS_DENY: urls.deny } : {}),
    LOG_LEVEL: appLogLevel(config.log.level),
  };
}

/**
 * The jobservice works on the registry's storage (garbage collection deletes from it), so its
 * DATA_DIR is the registry's. It serves no port.
 */
export function jobserviceEnv(ctx: RenderContext): Record<string, string> {
  const { config, layout, secrets } = ctx;
  return {
    ...ctx.baseEnv,
    ...proxyEnv(config, 'jobservice'),
    DATA_DIR: registryDataDir(config, layout),
    DATABASE_URL: databaseUrl(config, layout, secrets),
    // Its REDIS_URL is the registry's cache contract: what garbage collection deletes, it
    // invalidates where the registry reads its cache versions.
    REDIS_URL: redisUrl(config, layout, 'registry'),
    JOB_REDIS_URL: jobRedisUrl(config, layout),
    JOBSERVICE_WORKERS: String(config.jobservice.max_job_workers),
    WEBHOOK_JOB_MAX_RETRY: String(config.notification.webhook_job_max_retry),
    WEBHOOK_JOB_HTTP_CLIENT_TIMEOUT: String(config.notification.webhook_job_http_client_timeout),
    // Webhook payloads name artifacts by the address clients pull them from.
    EXTERNAL_URL: externalUrl(config),
    INTERNAL_SERVICES: internalServices(config),
    LOG_LEVEL: appLogLevel(config.log.level),
  };
}

/**
 * PostgreSQL connections the bundled server must allow: every registry pool, the jobservice's
 * pool (a connection per running job and four more, at most 20) with a few dedicated
 * connections beside it, plus room for core and tools.
 */
export function postgresMaxConnections(config: HarborConfig): number {
  const registry = registryWorkers(config) * Number(registryPoolSize(config));
  const jobs = Math.min(20, config.jobservice.max_job_workers + 4) + 5;
  return Math.max(100, Math.min(1000, registry + jobs + 60));
}

/** Every service the supervisor runs for this configuration, in start order. */
export function renderServices(ctx: RenderContext): ServiceSpec[] {
  const { config, layout } = ctx;
  const services: ServiceSpec[] = [];
  if (!config.external_database) {
    if (!ctx.pgBinDir) throw new Error('the bundled PostgreSQL needs its program directory');
    services.push({
      name: 'postgresql',
      command: join(ctx.pgBinDir, 'postgres'),
      args: [...postgresServerArgs(layout), '-c', `max_connections=${postgresMaxConnections(config)}`],
      env: { ...ctx.baseEnv, LC_ALL: 'C' },
      cwd: layout.databaseDir,
      ...(ctx.pgUser ? { uid: ctx.pgUser.uid, gid: ctx.pgUser.gid } : {}),
      health: { kind: 'postgres', socketDir: layout.pgSocketDir },
      stopSignal: 'SIGINT',
    });
  }
  if (!config.external_redis) {
    services.push({
      name: 'redis',
      command: ctx.redisPath ?? 'redis-server',
      args: [
        '--port', '0',
        '--unixsocket', layout.redisSocket,
        '--unixsocketperm', '700',
        '--dir', layout.redisDir,
        '--appendonly', 'yes',
        '--daemonize', 'no',
        '--save', '',
      ],
      env: { ...ctx.baseEnv },
      cwd: layout.redisDir,
      health: { kind: 'redis', socket: layout.redisSocket },
      stopSignal: 'SIGTERM',
    });
  }
  services.push({
    name: 'core',
    command: ctx.nodePath,
    args: [join(ctx.distDir, 'apps/core/src/main.js')],
    env: coreEnv(ctx),
    cwd: layout.coreDir,
    health: { kind: 'http', url: `http://127.0.0.1:${corePort(config)}/api/v2.0/ping`, instanceKey: instanceKey(ctx.secrets) },
    stopSignal: 'SIGTERM',
  });
  services.push({
    name: 'registry',
    command: ctx.nodePath,
    args: [join(ctx.distDir, 'apps/registry/src/main.js')],
    env: registryEnv(ctx),
    cwd: layout.registryDir,
    health: { kind: 'http', url: `http://127.0.0.1:${registryPort(config)}/healthz`, instanceKey: instanceKey(ctx.secrets) },
    stopSignal: 'SIGTERM',
  });
  // After core, which migrates the database; before the gateway, so that an installation that
  // answers has its jobs running too. Without a port, it counts as up once it stayed up a while.
  services.push({
    name: 'jobservice',
    command: ctx.nodePath,
    args: [join(ctx.distDir, 'apps/jobservice/src/main.js')],
    env: jobserviceEnv(ctx),
    cwd: layout.runDir,
    health: { kind: 'process', upForMs: JOBSERVICE_SETTLE_MS },
    stopSignal: 'SIGTERM',
  });
  services.push({
    name: 'nginx',
    command: ctx.nginxPath ?? 'nginx',
    args: ['-p', layout.nginxPrefix, '-c', join(layout.nginxPrefix, 'nginx.conf'), '-g', 'daemon off;'],
    env: { ...ctx.baseEnv },
    cwd: layout.nginxPrefix,
    // Core's ping through the gateway, proven: an open port could be another program's.
    health: { kind: 'http', url: `${gatewayUrl(config)}/api/v2.0/ping`, instanceKey: instanceKey(ctx.secrets) },
    stopSignal: 'SIGTERM',
  });
  return services;
}
