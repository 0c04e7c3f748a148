import type { HarborConfig } from '@wharf/config';
import { layoutOf } from './layout';
import { databaseUrl, externalUrl, redisUrl, renderServices } from './service-env';

const base: HarborConfig = {
  hostname: 'reg.example.com',
  http: { port: 80 },
  harbor_admin_password: 'Harbor12345',
  database: { password: 'root123', max_idle_conns: 10, max_open_conns: 100 },
  data_volume: '/data',
  storage_service: { filesystem: {} },
  jobservice: { max_job_workers: 10 },
  notification: { webhook_job_max_retry: 3 },
  log: { level: 'warning', local: { rotate_count: 5, rotate_size: '200M', rotate_size_bytes: 200 * 1024 * 1024, location: '/var/log/harbor' } },
};
const layout = layoutOf('/data', '/var/log/harbor');
const secrets = { databasePassword: 'pw_1-x', internalSecret: 's' };
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

  it('points at external services when configured', () => {
    const config: HarborConfig = {
      ...base,
      external_database: { harbor: { host: 'db', port: 5433, db_name: 'reg', username: 'u', password: 'p@ss', ssl_mode: 'require', max_idle_conns: 1, max_open_conns: 2 } },
      external_redis: { host: 'cache:6380', password: 'pw', registry_db_index: 1, jobservice_db_index: 2, core_db_index: 3 },
    };
    expect(databaseUrl(config, layout, secrets)).toBe('postgres://u:p%40ss@db:5433/reg?sslmode=require');
    expect(redisUrl(config, layout, 'core')).toBe('redis://:pw@cache:6380/3');
    expect(renderServices(ctx(config)).map((s) => s.name)).toEqual(['core', 'registry', 'nginx']);
  });

  it('gives core and the registry the variables they read', () => {
    const services = renderServices(ctx(base));
    expect(services.map((s) => s.name)).toEqual(['postgresql', 'redis', 'core', 'registry', 'nginx']);
    expect(services.find((s) => s.name === 'core')?.env).toMatchObject({ CORE_PORT: '8080', CORE_HOST: '127.0.0.1', DATA_DIR: '/data/core', LOG_LEVEL: 'warn', TOKEN_PRIVATE_KEY: '/data/secret/core/private_key.pem', EXTERNAL_URL: 'http://reg.example.com' });
    expect(services.find((s) => s.name === 'registry')?.env).toMatchObject({ REGISTRY_PORT: '5000', REGISTRY_AUTH: 'token', REGISTRY_ACCEL_PREFIX: '/_wharf_blobs', DATA_DIR: '/data/registry' });
    expect(services[0].stopSignal).toBe('SIGINT');
  });
});
