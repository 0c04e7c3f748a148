import { join, resolve } from 'node:path';
import { loadConfig } from './config';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      port: 8080,
      host: '0.0.0.0',
      trustedProxies: ['loopback'],
      dataDir: resolve('./data'),
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/wharf',
      databaseTimeouts: { connectTimeoutMs: 5_000, statementTimeoutMs: 30_000 },
      redisUrl: 'redis://127.0.0.1:6379',
      redisTimeoutMs: 500,
      jobRedisUrl: 'redis://127.0.0.1:6379',
      registryRedisUrl: 'redis://127.0.0.1:6379',
      jobQueuePrefix: 'wharf',
      logLevel: 'info',
      adminPassword: 'Harbor12345',
      externalUrl: 'http://127.0.0.1:8080',
      robotPrefix: 'robot$',
      authMode: 'db_auth',
      token: {
        privateKeyPath: join(resolve('./data'), 'secret', 'core', 'private_key.pem'),
        issuer: 'harbor-token-issuer',
        service: 'harbor-registry',
        expirationMinutes: 30,
      },
      caCertFile: join(resolve('./data'), 'ca_download', 'ca.crt'),
      services: [
        { host: '127.0.0.1', port: 8080 },
        { host: '::1', port: 8080 },
        { host: '127.0.0.1', port: 5432 },
        { host: '127.0.0.1', port: 6379 },
      ],
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      CORE_PORT: '9000',
      CORE_HOST: '127.0.0.1',
      DATA_DIR: '/srv/wharf',
      DATABASE_URL: 'postgresql://u@db:5432/w',
      DATABASE_CONNECT_TIMEOUT_SECONDS: '2',
      DATABASE_STATEMENT_TIMEOUT_SECONDS: '0',
      REDIS_URL: 'rediss://cache:6380/2',
      REDIS_TIMEOUT_MS: '250',
      JOB_REDIS_URL: 'redis://queues:6379/1',
      REGISTRY_REDIS_URL: 'redis://cache:6379/3',
      JOB_QUEUE_PREFIX: 'wharf-prod',
      LOG_LEVEL: 'debug',
      HARBOR_ADMIN_PASSWORD: 'Secret123',
      EXTERNAL_URL: 'https://registry.example.com/',
      ROBOT_NAME_PREFIX: 'bot_',
      AUTH_MODE: 'ldap_auth',
      TOKEN_PRIVATE_KEY: '/keys/token.pem',
      TOKEN_ISSUER: 'issuer',
      TOKEN_SERVICE: 'svc',
      TOKEN_EXPIRATION: '5',
      INTERNAL_SERVICES: 'registry:5000,gateway:8080',
      INSTANCE_KEY: 'key-of-this-installation',
      REGISTRY_STORAGE_DIR: '/srv/blobs',
      CA_CERT_FILE: '/etc/wharf/ca.crt',
    });
    expect(config).toMatchObject({
      instanceKey: 'key-of-this-installation',
      port: 9000,
      host: '127.0.0.1',
      dataDir: '/srv/wharf',
      databaseUrl: 'postgresql://u@db:5432/w',
      databaseTimeouts: { connectTimeoutMs: 2_000, statementTimeoutMs: 0 },
      redisUrl: 'rediss://cache:6380/2',
      redisTimeoutMs: 250,
      jobRedisUrl: 'redis://queues:6379/1',
      registryRedisUrl: 'redis://cache:6379/3',
      jobQueuePrefix: 'wharf-prod',
      logLevel: 'debug',
      adminPassword: 'Secret123',
      externalUrl: 'https://registry.example.com',
      robotPrefix: 'bot_',
      authMode: 'ldap_auth',
      token: { privateKeyPath: '/keys/token.pem', issuer: 'issuer', service: 'svc', expirationMinutes: 5 },
      storageDir: '/srv/blobs',
      caCertFile: '/etc/wharf/ca.crt',
      services: [
        { host: '127.0.0.1', port: 9000 },
        { host: 'registry.example.com', port: 443 },
        { host: 'db', port: 5432 },
        { host: 'cache', port: 6380 },
        { host: 'queues', port: 6379 },
        { host: 'cache', port: 6379 },
        { host: 'registry', port: 5000 },
        { host: 'gateway', port: 8080 },
      ],
    });
    expect(loadConfig({ DATA_DIR: '/srv/w' }).token.privateKeyPath).toBe('/srv/w/secret/core/private_key.pem');
    expect(loadConfig({ DATA_DIR: '/srv/w' }).caCertFile).toBe('/srv/w/ca_download/ca.crt');
    expect(loadConfig({ CORE_PORT: '9001' }).externalUrl).toBe('http://127.0.0.1:9001');
    // The queues follow REDIS_URL unless they have their own.
    expect(loadConfig({ REDIS_URL: 'redis://cache:6379/3' }).jobRedisUrl).toBe('redis://cache:6379/3');
  });

  it.each([
    ['CORE_PORT', 'http', /CORE_PORT.*not an integer/],
    ['CORE_PORT', '70000', /CORE_PORT.*between 0 and 65535/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL.*not one of/],
    ['AUTH_MODE', 'http_auth', /AUTH_MODE.*not one of/],
    ['DATABASE_URL', 'mysql://x/y', /DATABASE_URL.*scheme/],
    ['DATABASE_URL', 'not a url', /DATABASE_URL.*not a valid URL/],
    ['REDIS_URL', 'http://cache', /REDIS_URL.*scheme/],
    ['JOB_REDIS_URL', 'postgres://db/x', /JOB_REDIS_URL.*scheme/],
    ['REGISTRY_REDIS_URL', 'http://cache', /REGISTRY_REDIS_URL.*scheme/],
    ['JOB_QUEUE_PREFIX', 'two words', /JOB_QUEUE_PREFIX.*letters, digits/],
    ['EXTERNAL_URL', 'ftp://x', /EXTERNAL_URL.*scheme/],
    ['EXTERNAL_URL', 'https://x/?a=1', /EXTERNAL_URL.*query/],
    ['TRUSTED_PROXIES', 'gateway', /TRUSTED_PROXIES.*not an address/],
    ['INTERNAL_SERVICES', 'core', /INTERNAL_SERVICES.*"core" is not host:port/],
    ['TOKEN_EXPIRATION', '0', /TOKEN_EXPIRATION.*between/],
    ['TOKEN_EXPIRATION', '1.5', /TOKEN_EXPIRATION.*not an integer/],
    ['ROBOT_NAME_PREFIX', 'robot/', /ROBOT_NAME_PREFIX/],
    ['HARBOR_ADMIN_PASSWORD', 'short', /HARBOR_ADMIN_PASSWORD.*8 to 128/],
    ['INSTANCE_KEY', 'guessable', /INSTANCE_KEY.*at least 16/],
  ])('refuses %s=%s, naming the variable and the reason', (key, value, message) => {
    expect(() => loadConfig({ [key]: value })).toThrow(message);
  });

  it('never repeats a refused admin password', () => {
    expect(() => loadConfig({ HARBOR_ADMIN_PASSWORD: 'alllowercase1' })).toThrow(/^((?!alllowercase1).)*$/);
  });
});
