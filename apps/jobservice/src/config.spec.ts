import { loadConfig } from './config';

describe('jobservice configuration', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ workers: 10, queuePrefix: 'wharf', redisUrl: 'redis://127.0.0.1:6379', jobRedisUrl: 'redis://127.0.0.1:6379', uploadMaxAgeMs: 86_400_000 });
    expect(c).toMatchObject({ webhookMaxRetry: 3, webhookTimeoutMs: 3000, webhookRetryDelayMs: 1000, eventClaimIdleMs: 60_000, lockDurationMs: 30_000, externalUrl: 'http://127.0.0.1:8080' });
  });

  it('reads the webhook settings the installer passes from harbor.yml', () => {
    const c = loadConfig({ WEBHOOK_JOB_MAX_RETRY: '0', WEBHOOK_JOB_HTTP_CLIENT_TIMEOUT: '12', EXTERNAL_URL: 'https://reg.example.com:8443/' });
    expect(c).toMatchObject({ webhookMaxRetry: 0, webhookTimeoutMs: 12_000, externalUrl: 'https://reg.example.com:8443' });
  });

  it('knows the installation’s services from its URLs and INTERNAL_SERVICES, which webhooks may not reach', () => {
    const c = loadConfig({
      EXTERNAL_URL: 'https://reg.example.com',
      DATABASE_URL: 'postgres://wharf:pw@postgres:5432/registry',
      REDIS_URL: 'redis://redis:6379',
      INTERNAL_SERVICES: 'core:8080, registry:5000',
    });
    expect(c.services).toEqual([
      { host: 'reg.example.com', port: 443 },
      { host: 'postgres', port: 5432 },
      { host: 'redis', port: 6379 },
      { host: 'core', port: 8080 },
      { host: 'registry', port: 5000 },
    ]);
    // The installer's bundled services listen on unix sockets: nothing to add for them.
    expect(loadConfig({ DATABASE_URL: 'postgres://wharf:pw@localhost/registry?host=%2Fvar%2Frun', REDIS_URL: 'redis://localhost/0?path=%2Fvar%2Frun%2Fredis.sock' }).services).toEqual([
      { host: '127.0.0.1', port: 8080 },
    ]);
  });

  it('takes the queue Redis from JOB_REDIS_URL when given', () => {
    expect(loadConfig({ REDIS_URL: 'redis://a/0', JOB_REDIS_URL: 'redis://a/2' })).toMatchObject({ redisUrl: 'redis://a/0', jobRedisUrl: 'redis://a/2' });
  });

  it.each([
    [{ JOBSERVICE_WORKERS: '0' }, 'invalid JOBSERVICE_WORKERS: 0 is not between 1 and 100'],
    [{ JOBSERVICE_LOCK_SECONDS: '0' }, 'invalid JOBSERVICE_LOCK_SECONDS: 0 is not between 1 and 600'],
    [{ JOB_QUEUE_PREFIX: 'a b' }, 'invalid JOB_QUEUE_PREFIX'],
    [{ DATABASE_URL: 'mysql://x' }, 'invalid DATABASE_URL: the scheme must be one of postgres, postgresql'],
    [{ LOG_LEVEL: 'loud' }, 'invalid LOG_LEVEL'],
    [{ GC_UPLOAD_MAX_AGE_SECONDS: '5' }, 'invalid GC_UPLOAD_MAX_AGE_SECONDS: 5 is not between 60'],
    [{ WEBHOOK_JOB_MAX_RETRY: '-1' }, 'invalid WEBHOOK_JOB_MAX_RETRY: -1 is not between 0 and 1000'],
    [{ WEBHOOK_JOB_HTTP_CLIENT_TIMEOUT: '0' }, 'invalid WEBHOOK_JOB_HTTP_CLIENT_TIMEOUT: 0 is not between 1 and 3600'],
    [{ WEBHOOK_JOB_HTTP_CLIENT_TIMEOUT: '3s' }, 'invalid WEBHOOK_JOB_HTTP_CLIENT_TIMEOUT: "3s" is not an integer'],
    [{ EXTERNAL_URL: 'ftp://reg' }, 'invalid EXTERNAL_URL: the scheme must be one of http, https'],
    [{ EXTERNAL_URL: 'https://reg/?x=1' }, 'invalid EXTERNAL_URL: must not have'],
    [{ INTERNAL_SERVICES: 'core:http' }, 'invalid INTERNAL_SERVICES: "core:http" is not host:port'],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
