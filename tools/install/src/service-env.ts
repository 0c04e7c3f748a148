import { join } from 'node:path';
import type { HarborConfig } from '@wharf/config';
import { ACCEL_PREFIX } from './gateway/nginx-config';
import type { Layout } from './layout';
import type { Secrets } from './secrets';
import type { ServiceSpec } from './service-spec';

export { ACCEL_PREFIX };
const DEFAULT_CORE_PORT = 8080;
const DEFAULT_REGISTRY_PORT = 5000;

/** How Wharf's services reach each other and where their programs are. */
export interface RenderContext {
  config: HarborConfig;
  layout: Layout;
  secrets: Secrets;
  /** The node binary that runs core and the registry. */
  nodePath: string;
  /** The built tree (dist/) holding apps/core/src/main.js and apps/registry/src/main.js. */
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

export function databaseUrl(config: HarborConfig, layout: Layout, secrets: Secrets): string {
  const ext = config.external_database?.harbor;
  if (ext) {
    const auth = `${encodeURIComponent(ext.username)}:${encodeURIComponent(ext.password)}`;
    const ssl = ext.ssl_mode && ext.ssl_mode !== 'disable' ? `?sslmode=${encodeURIComponent(ext.ssl_mode)}` : '';
    return `postgres://${auth}@${ext.host}:${ext.port}/${encodeURIComponent(ext.db_name)}${ssl}`;
  }
  // Only a unix socket: an installation never clashes with a port already in use.
  return `postgres://wharf:${encodeURIComponent(secrets.databasePassword)}@localhost/registry?host=${encodeURIComponent(layout.pgSocketDir)}`;
}

/**
 * ioredis reads `path` from the query string as a unix socket and then ignores host and port;
 * the `redis:` scheme keeps the apps' URL validation satisfied.
 */
export function redisUrl(config: HarborConfig, layout: Layout, dbIndex: 'core' | 'registry'): string {
  const ext = config.external_redis;
  if (ext) {
    const index = dbIndex === 'core' ? ext.core_db_index : ext.registry_db_index;
    const user = ext.username ? encodeURIComponent(ext.username) : '';
    const auth = ext.password ? `${user}:${encodeURIComponent(ext.password)}@` : '';
    return `redis://${auth}${ext.host}/${index}`;
  }
  return `redis://localhost/0?path=${encodeURIComponent(layout.redisSocket)}`;
}

function proxyEnv(config: HarborConfig, component: string): Record<string, string> {
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
    HARBOR_ADMIN_PASSWORD: config.harbor_admin_password,
    EXTERNAL_URL: externalUrl(config),
    TOKEN_PRIVATE_KEY: layout.signingKeyFile,
    LOG_LEVEL: appLogLevel(config.log.level),
  };
}

export function registryEnv(ctx: RenderContext): Record<string, string> {
  const { config, layout, secrets } = ctx;
  const workers = registryWorkers(config);
  return {
    ...ctx.baseEnv,
    ...proxyEnv(config, 'registry'),
    REGISTRY_PORT: String(registryPort(config)),
    REGISTRY_HOST: '127.0.0.1',
    DATA_DIR: registryDataDir(config, layout),
    DATABASE_URL: databaseUrl(config, layout, secrets),
    REDIS_URL: redisUrl(config, layout, 'registry'),
    EXTERNAL_URL: externalUrl(config),
    TOKEN_PRIVATE_KEY: layout.signingKeyFile,
    REGISTRY_AUTH: 'token',
    REGISTRY_ACCEL_PREFIX: ACCEL_PREFIX,
    REGISTRY_WORKERS: String(workers),
    REGISTRY_DB_POOL: String(registryPoolSize(config)),
    LOG_LEVEL: appLogLevel(config.log.level),
  };
}

/** PostgreSQL connections the bundled server must allow: every pool plus room for core and tools. */
export function postgresMaxConnections(config: HarborConfig): number {
  const registry = registryWorkers(config) * Number(registryPoolSize(config));
  return Math.max(100, Math.min(1000, registry + 60));
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
      args: [
        '-D', layout.databaseDir,
        '-c', "listen_addresses=",
        '-c', `unix_socket_directories=${layout.pgSocketDir}`,
        '-c', `max_connections=${postgresMaxConnections(config)}`,
      ],
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
    health: { kind: 'http', url: `http://127.0.0.1:${corePort(config)}/api/v2.0/ping` },
    stopSignal: 'SIGTERM',
  });
  services.push({
    name: 'registry',
    command: ctx.nodePath,
    args: [join(ctx.distDir, 'apps/registry/src/main.js')],
    env: registryEnv(ctx),
    cwd: layout.registryDir,
    health: { kind: 'http', url: `http://127.0.0.1:${registryPort(config)}/healthz` },
    stopSignal: 'SIGTERM',
  });
  services.push({
    name: 'nginx',
    command: ctx.nginxPath ?? 'nginx',
    args: ['-p', layout.nginxPrefix, '-c', join(layout.nginxPrefix, 'nginx.conf'), '-g', 'daemon off;'],
    env: { ...ctx.baseEnv },
    cwd: layout.nginxPrefix,
    health: { kind: 'tcp', host: '127.0.0.1', port: config.https ? config.https.port : config.http.port },
    stopSignal: 'SIGTERM',
  });
  return services;
}
