/**
 * The validated contents of harbor.yml. Key names stay Harbor's (snake_case) so that what an
 * operator reads in the file is what the installer reads in code. Every optional key has its
 * default filled in; optional sections stay undefined when the file leaves them out.
 */

/** The template operators copy to harbor.yml, at the root of a release. */
export const TEMPLATE_FILE = 'harbor.yml.tmpl';

export type HarborLogLevel = 'debug' | 'info' | 'warning' | 'error' | 'fatal';
export const HARBOR_LOG_LEVELS: readonly HarborLogLevel[] = ['debug', 'info', 'warning', 'error', 'fatal'];

/** PostgreSQL `sslmode` values accepted by `external_database.harbor.ssl_mode`. */
export const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;

/** Components `proxy.components` may name (Harbor's list). */
export const PROXY_COMPONENTS = ['core', 'jobservice', 'trivy'] as const;

export interface HttpsConfig {
  port: number;
  /** Absolute path of the PEM certificate (chain) the gateway presents. */
  certificate: string;
  /** Absolute path of the unencrypted PEM private key of that certificate. */
  private_key: string;
}

export interface DatabaseConfig {
  /**
   * Password of the bundled PostgreSQL's user, which the installer sets on every run. Unset:
   * the installer generates one (Harbor's default, root123, is not assumed).
   */
  password?: string;
  max_idle_conns: number;
  max_open_conns: number;
}

export interface ExternalDatabaseConfig {
  harbor: {
    host: string;
    port: number;
    db_name: string;
    username: string;
    password: string;
    ssl_mode: string;
    max_idle_conns: number;
    max_open_conns: number;
  };
}

export interface ExternalRedisConfig {
  /** `host:port` (an IPv6 address in brackets). */
  host: string;
  password?: string;
  username?: string;
  registry_db_index: number;
  jobservice_db_index: number;
  core_db_index: number;
}

export interface LogConfig {
  level: HarborLogLevel;
  local: {
    rotate_count: number;
    /** As written, with an upper-case unit: `200M`, `1G`, `512K` or a plain byte count. */
    rotate_size: string;
    rotate_size_bytes: number;
    /** Absolute directory of the log files. */
    location: string;
  };
}

export interface MetricConfig {
  enabled: boolean;
  port: number;
  path: string;
}

export interface ProxyConfig {
  http_proxy?: string;
  https_proxy?: string;
  no_proxy?: string;
  components: string[];
}

/** Wharf's own keys, all optional. */
export interface WharfConfig {
  /** Registry worker processes; the installer chooses when unset. */
  registry_workers?: number;
  /** Port of core on 127.0.0.1. */
  core_port?: number;
  /** Port of the registry on 127.0.0.1. */
  registry_port?: number;
  /** Free space (MiB) on the registry's storage that uploads never take; the registry's default when unset. */
  storage_reserve_mb?: number;
  /**
   * Regular expressions the `urls` of pushed descriptors (foreign layers) must match (`allow`)
   * or must not match (`deny`), as distribution's `validation.manifests.urls`.
   */
  manifest_urls?: { allow?: string[]; deny?: string[] };
}

export interface HarborConfig {
  hostname: string;
  http: { port: number };
  https?: HttpsConfig;
  /** Without a trailing slash. */
  external_url?: string;
  harbor_admin_password: string;
  database: DatabaseConfig;
  /** Absolute. */
  data_volume: string;
  storage_service: { filesystem: { rootdirectory?: string } };
  jobservice: { max_job_workers: number };
  notification: {
    webhook_job_max_retry: number;
    /** Seconds a webhook delivery may take before it counts as failed. */
    webhook_job_http_client_timeout: number;
  };
  log: LogConfig;
  external_database?: ExternalDatabaseConfig;
  external_redis?: ExternalRedisConfig;
  metric?: MetricConfig;
  proxy?: ProxyConfig;
  wharf?: WharfConfig;
}

/** The value of each optional key when harbor.yml leaves it out (Harbor's where Harbor has one). */
export const HARBOR_DEFAULTS = {
  httpPort: 80,
  httpsPort: 443,
  databaseMaxIdleConns: 100,
  databaseMaxOpenConns: 900,
  dataVolume: '/data',
  maxJobWorkers: 10,
  webhookJobMaxRetry: 3,
  webhookJobHttpClientTimeout: 3,
  logLevel: 'info' as HarborLogLevel,
  logRotateCount: 50,
  logRotateSize: '200M',
  logLocation: '/var/log/harbor',
  externalDatabaseSslMode: 'disable',
  externalDatabaseMaxIdleConns: 2,
  externalDatabaseMaxOpenConns: 0,
  redisRegistryDbIndex: 1,
  redisJobserviceDbIndex: 2,
  redisCoreDbIndex: 0,
  metricEnabled: false,
  metricPort: 9090,
  metricPath: '/metrics',
  corePort: 8080,
  registryPort: 5000,
} as const;
