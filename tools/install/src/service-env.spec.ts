import type { HarborConfig } from '@wharf/config';
import { layoutOf } from './layout';
import { databasePassword, databaseUrl, externalUrl, postgresMaxConnections, redisUrl, renderServices } from './service-env';
import { instanceKey } from './secrets';
import type { ServiceSpec } from './service-spec';

const base: HarborConfig = {
  hostname: 'reg.example.com',
  http: { port: 80 },
  harbor_admin_password: 'Harbor12345',
  database: { max_idle_conns: 10, max_open_conns: 100 },
  data_volume: '/data',
  storage_service: { filesystem: {} },
  jobservice: { max_job_workers: 10 },
  notification: { webhook_job_max_retry: 3, webhook_job_http_client_timeout: 3 },
  log: { level: 'warning', local: { rotate_count: 5, rotate_size: '200M', rotate_size_bytes: 200 * 1024 * 1024, location: '/var/log/harbor' } },
};
const layout = layoutOf('/data', '/var/log/harbor');
const secrets = { databasePassword: 'pw_1-x', internalSecret: 's' };
const envOf = (services: ServiceSpec[], name: string): Record<string, string> => {
  const found = services.find((s) => s.name === name);
  if (!found) throw new Error(`no service ${name}`);
  return found.env;
};
const ctx = (config: HarborConfig) => ({ config, layout, secrets, nodePath: '/usr/bin/node', distDir: '/opt/wharf/dist', pgBinDir: '/usr/lib/postgresql/15/bin', baseEnv: { PATH: '/usr/bin' } });

describe('service environment', () => {
  it('derives the external URL from the gateway, omitting default ports', () => {
    expect(externalUrl(base)).toBe('http://reg.example.com');
    expect(externalUrl({ ...base, https: { port: 8443, certificate: '/c', private_key: '/k' } })).toBe('https://reg.example.com:8443');
    expect(externalUrl({ ...base, external_url: 'https://front.example.com/' })).toBe('https://front.example.com');
  });

  it('uses unix sockets for the bundled PostgreSQL and Redis (ioredis reads ?path=)', () => {
    expect(databaseUrl(base, layout, secrets)).toBe('postgres://wharf:pw_1-x@localhost/registry?host=%2Fdata%2Frun%2Fpostgresql');
    expect(redisUrl(base, layout, 'core')).toBe('redis://localhost/0?path=%2Fdata%2Frun%2Fredis.sock');
  });

  it('gives every service harbor.yml\'s database.password when it is set, the generated one otherwise', () => {
    const config: HarborConfig = { ...base, database: { ...base.database, password: "it's p@ss/wörd" } };
    expect(databasePassword(config, secrets)).toBe("it's p@ss/wörd");
    expect(databasePassword(base, secrets)).toBe('pw_1-x');
    const urls = renderServices(ctx(config)).filter((s) => s.env['DATABASE_URL']).map((s) => new URL(s.env['DATABASE_URL']));
    expect(urls.map((u) => decodeURIComponent(u.password))).toEqual(["it's p@ss/wörd", "it's p@ss/wörd", "it's p@ss/wörd"]);
  });

  it('points at external services when configured', () => {
    const config: HarborConfig = {
      ...base,
      external_database: { harbor: { host: 'db', port: 5433, db_name: 'reg', username: 'u', password: 'p@ss', ssl_mode: 'require', max_idle_conns: 1, max_open_conns: 2 } },
      external_redis: { host: 'cache:6380', password: 'pw', registry_db_index: 1, jobservice_db_index: 2, core_db_index: 3 },
    };
    expect(databaseUrl(config, layout, secrets)).toBe('postgres://u:p%40ss@db:5433/reg?sslmode=require');
    expect(redisUrl(config, layout, 'core')).toBe('redis://:pw@cache:6380/3');
    expect(renderServices(ctx(config)).map((s) => s.name)).toEqual(['core', 'registry', 'jobservice', 'nginx']);
  });

  it('gives core and the registry the variables they read', () => {
    const services = renderServices(ctx(base));
    expect(services.map((s) => s.name)).toEqual(['postgresql', 'redis', 'core', 'registry', 'jobservice', 'nginx']);
    expect(services.find((s) => s.name === 'core')?.env).toMatchObject({ CORE_PORT: '8080', CORE_HOST: '127.0.0.1', DATA_DIR: '/data/core', LOG_LEVEL: 'warn', TOKEN_PRIVATE_KEY: '/data/secret/core/private_key.pem', EXTERNAL_URL: 'http://reg.example.com' });
    expect(services.find((s) => s.name === 'registry')?.env).toMatchObject({ REGISTRY_PORT: '5000', REGISTRY_AUTH: 'token', REGISTRY_ACCEL_PREFIX: '/_wharf_blobs', DATA_DIR: '/data/registry' });
    expect(services[0].stopSignal).toBe('SIGINT');
  });

  it("tells core where the registry answers its health check, and the registry harbor.yml's storage reserve", () => {
    const plain = renderServices(ctx(base));
    expect(envOf(plain, 'core')['REGISTRY_URL']).toBe('http://127.0.0.1:5000');
    expect(envOf(plain, 'core')['REGISTRY_STORAGE_DIR']).toBe('/data/registry');
    expect(envOf(plain, 'core')['CA_CERT_FILE']).toBe('/data/ca_download/ca.crt');
    const elsewhere = renderServices(ctx({ ...base, storage_service: { filesystem: { rootdirectory: '/srv/blobs' } } }));
    expect(envOf(elsewhere, 'core')['REGISTRY_STORAGE_DIR']).toBe('/srv/blobs');
    expect(envOf(plain, 'registry')['REGISTRY_STORAGE_RESERVE_MB']).toBeUndefined();
    const reserved = renderServices(ctx({ ...base, wharf: { registry_port: 15000, storage_reserve_mb: 2048 } }));
    expect(envOf(reserved, 'core')['REGISTRY_URL']).toBe('http://127.0.0.1:15000');
    expect(envOf(reserved, 'registry')['REGISTRY_STORAGE_RESERVE_MB']).toBe('2048');
  });

  it('has core, the registry and the gateway (through to core) prove they are this installation\'s before they count as up', () => {
    const services = renderServices(ctx(base));
    const key = instanceKey(secrets);
    // Derived from the installation's internal secret: another installation has another.
    expect(instanceKey({ ...secrets, internalSecret: 'another-installation' })).not.toBe(key);
    expect(envOf(services, 'core')['INSTANCE_KEY']).toBe(key);
    expect(envOf(services, 'registry')['INSTANCE_KEY']).toBe(key);
    expect(envOf(services, 'jobservice')['INSTANCE_KEY']).toBeUndefined();
    const health = Object.fromEntries(services.map((s) => [s.name, s.health]));
    expect(health['core']).toEqual({ kind: 'http', url: 'http://127.0.0.1:8080/api/v2.0/ping', instanceKey: key });
    expect(health['registry']).toEqual({ kind: 'http', url: 'http://127.0.0.1:5000/healthz', instanceKey: key });
    expect(health['nginx']).toEqual({ kind: 'http', url: 'http://127.0.0.1:80/api/v2.0/ping', instanceKey: key });
    const tls = renderServices(ctx({ ...base, https: { port: 8443, certificate: '/c', private_key: '/k' } }));
    expect(tls.find((s) => s.name === 'nginx')?.health).toEqual({ kind: 'http', url: 'https://127.0.0.1:8443/api/v2.0/ping', instanceKey: key });
  });

  it('runs the jobservice after core on the registry storage, with harbor.yml\'s job settings', () => {
    const config: HarborConfig = {
      ...base,
      storage_service: { filesystem: { rootdirectory: '/srv/blobs' } },
      jobservice: { max_job_workers: 4 },
      notification: { webhook_job_max_retry: 7, webhook_job_http_client_timeout: 12 },
    };
    const services = renderServices(ctx(config));
    const jobservice = services.find((s) => s.name === 'jobservice');
    expect(jobservice).toMatchObject({ command: '/usr/bin/node', args: ['/opt/wharf/dist/apps/jobservice/src/main.js'], stopSignal: 'SIGTERM', health: { kind: 'process' } });
    expect(jobservice?.env).toMatchObject({
      DATA_DIR: '/srv/blobs',
      JOBSERVICE_WORKERS: '4',
      WEBHOOK_JOB_MAX_RETRY: '7',
      WEBHOOK_JOB_HTTP_CLIENT_TIMEOUT: '12',
      LOG_LEVEL: 'warn',
      DATABASE_URL: envOf(services, 'core')['DATABASE_URL'],
      PATH: '/usr/bin',
    });
    // Webhooks keep off core, the registry and the gateway, on loopback here.
    expect(jobservice?.env['INTERNAL_SERVICES']).toBe('127.0.0.1:8080,127.0.0.1:5000,127.0.0.1:80');
    expect(envOf(services, 'core')['INTERNAL_SERVICES']).toBe(jobservice?.env['INTERNAL_SERVICES']);
    // The registry reads the same storage the jobservice cleans up.
    expect(envOf(services, 'registry')['DATA_DIR']).toBe('/srv/blobs');
    expect(Object.keys(jobservice?.env ?? {}).filter((k) => k.endsWith('_PORT'))).toEqual([]);
  });

  it('lets the bundled PostgreSQL take a connection per running job beside the registry pools', () => {
    // 2 registry workers x 50 connections, the jobservice's pool (10 jobs + 4) and 5 more, 60 for core and tools.
    expect(postgresMaxConnections(base)).toBe(179);
    expect(postgresMaxConnections({ ...base, jobservice: { max_job_workers: 2 } })).toBe(171);
    // The jobservice's pool stops at 20.
    expect(postgresMaxConnections({ ...base, jobservice: { max_job_workers: 100 } })).toBe(185);
    expect(renderServices(ctx({ ...base, jobservice: { max_job_workers: 100 } }))[0].args).toContain('max_connections=185');
  });

  it('puts the job queues in the bundled Redis for every service', () => {
    const services = renderServices(ctx(base));
    const socket = 'redis://localhost/0?path=%2Fdata%2Frun%2Fredis.sock';
    for (const name of ['core', 'registry', 'jobservice']) expect(envOf(services, name)['JOB_REDIS_URL']).toBe(socket);
    expect(envOf(services, 'core')['REGISTRY_REDIS_URL']).toBe(envOf(services, 'registry')['REDIS_URL']);
    expect(envOf(services, 'jobservice')['REDIS_URL']).toBe(envOf(services, 'registry')['REDIS_URL']);
  });

  it('gives each service its external_redis index, the queues the jobservice index for all', () => {
    const config: HarborConfig = {
      ...base,
      external_redis: { host: 'cache:6380', username: 'wharf', password: 'p w', registry_db_index: 1, jobservice_db_index: 2, core_db_index: 3 },
    };
    const services = renderServices(ctx(config));
    const core = envOf(services, 'core');
    const registry = envOf(services, 'registry');
    const jobservice = envOf(services, 'jobservice');
    expect(core['REDIS_URL']).toBe('redis://wharf:p%20w@cache:6380/3');
    expect(registry['REDIS_URL']).toBe('redis://wharf:p%20w@cache:6380/1');
    // Core enqueues where the jobservice consumes; both bump cache versions where the registry reads them.
    for (const env of [core, registry, jobservice]) expect(env['JOB_REDIS_URL']).toBe('redis://wharf:p%20w@cache:6380/2');
    expect(core['REGISTRY_REDIS_URL']).toBe(registry['REDIS_URL']);
    expect(jobservice['REDIS_URL']).toBe(registry['REDIS_URL']);
  });

  it('gives the registry wharf.manifest_urls as one pattern per list, and nothing when unset', () => {
    const config: HarborConfig = { ...base, wharf: { manifest_urls: { allow: ['^https://a\\.example/', '^https://b\\.example/'], deny: ['/private/'] } } };
    const registry = envOf(renderServices(ctx(config)), 'registry');
    expect(registry).toMatchObject({ REGISTRY_MANIFEST_URLS_ALLOW: '(?:^https://a\\.example/)|(?:^https://b\\.example/)', REGISTRY_MANIFEST_URLS_DENY: '(?:/private/)' });
    // The registry compiles each as one regular expression: either list entry matches.
    const allow = new RegExp(registry['REGISTRY_MANIFEST_URLS_ALLOW']);
    expect(['https://a.example/x', 'https://b.example/y', 'https://c.example/z'].map((u) => allow.test(u))).toEqual([true, true, false]);
    expect(Object.keys(envOf(renderServices(ctx(base)), 'registry')).filter((k) => k.startsWith('REGISTRY_MANIFEST_URLS'))).toEqual([]);
  });

  it('sends the jobservice through the proxy only when proxy.components names it', () => {
    const proxied = (components: string[]) => {
      const services = renderServices(ctx({ ...base, proxy: { http_proxy: 'http://proxy:3128', no_proxy: '.internal', components } }));
      return { core: envOf(services, 'core')['HTTP_PROXY'], jobservice: envOf(services, 'jobservice')['HTTP_PROXY'], noProxy: envOf(services, 'jobservice')['NO_PROXY'] };
    };
    expect(proxied(['jobservice'])).toEqual({ core: undefined, jobservice: 'http://proxy:3128', noProxy: '127.0.0.1,localhost,.internal' });
    expect(proxied(['core'])).toEqual({ core: 'http://proxy:3128', jobservice: undefined, noProxy: undefined });
  });
});
