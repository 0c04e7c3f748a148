import { loadConfig } from './config';

describe('jobservice configuration', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ workers: 10, queuePrefix: 'wharf', redisUrl: 'redis://127.0.0.1:6379', jobRedisUrl: 'redis://127.0.0.1:6379', uploadMaxAgeMs: 86_400_000 });
  });

  it('takes the queue Redis from JOB_REDIS_URL when given', () => {
    expect(loadConfig({ REDIS_URL: 'redis://a/0', JOB_REDIS_URL: 'redis://a/2' })).toMatchObject({ redisUrl: 'redis://a/0', jobRedisUrl: 'redis://a/2' });
  });

  it.each([
    [{ JOBSERVICE_WORKERS: '0' }, 'invalid JOBSERVICE_WORKERS: 0 is not between 1 and 100'],
    [{ JOB_QUEUE_PREFIX: 'a b' }, 'invalid JOB_QUEUE_PREFIX'],
    [{ DATABASE_URL: 'mysql://x' }, 'invalid DATABASE_URL: the scheme must be one of postgres, postgresql'],
    [{ LOG_LEVEL: 'loud' }, 'invalid LOG_LEVEL'],
    [{ GC_UPLOAD_MAX_AGE_SECONDS: '5' }, 'invalid GC_UPLOAD_MAX_AGE_SECONDS: 5 is not between 60'],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
