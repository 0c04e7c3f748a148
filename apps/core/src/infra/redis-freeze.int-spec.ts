import { type PrivateRedis, startPrivateRedis } from '@wharf/outage/testing';
import { RegistryRows } from '@wharf/testing';
import { api, ApiRequest, CoreHarness, createTestProject, errorCode, startTestCore } from '../testing';

/**
 * Core with its Redis frozen (SIGSTOP: connections stay open, nothing is answered), as a hung
 * Redis host would be: the token service and the API answer, correctly, without Redis, and what
 * cannot be done without it (queueing a job) is a prompt 503. The limit on each call only tells a
 * hang from an answer; without command timeouts they hang for as long as Redis is frozen.
 */
const HANG_MS = 15_000;

interface Health {
  status: string;
  components: { name: string; status: string }[];
}

describe('core with a frozen redis', () => {
  let redis: PrivateRedis;
  let core: CoreHarness;
  let rows: RegistryRows;
  let digests: string[];

  const call = <T = unknown>(method: string, path: string, req: ApiRequest = {}) =>
    api<T>(core.url, method, path, { auth: core.adminAuth, signal: AbortSignal.timeout(HANG_MS), ...req });
  const runGc = () => call('POST', '/api/v2.0/system/gc/schedule', { body: { schedule: { type: 'Manual' } } });

  beforeAll(async () => {
    redis = await startPrivateRedis();
    core = await startTestCore({ redisUrl: redis.url, jobRedisUrl: redis.url, registryRedisUrl: redis.url });
    await createTestProject(core.url, core.adminAuth, 'team');
    rows = RegistryRows.open(core.db.url);
    const repository = await rows.repository('team/app');
    digests = [(await rows.artifact(repository)).digest, (await rows.artifact(repository)).digest];
    // Every connection is in use before the freeze (the delete publishes an event on the queues'
    // connection), but no job queue has been: its first use will meet the frozen Redis.
    expect((await call('GET', '/service/token?service=harbor-registry&scope=repository:team/app:pull')).status).toBe(200);
    expect((await call('DELETE', `/api/v2.0/projects/team/repositories/app/artifacts/${digests[0]}`)).status).toBe(200);
  });

  afterAll(async () => {
    redis?.thaw();
    await rows?.close();
    await core?.close();
    await redis?.stop();
  });

  it('issues tokens and serves the API while redis is frozen; queueing a job is 503 with Retry-After', async () => {
    redis.freeze();
    try {
      // The first use of the GC queue meets the frozen Redis (and BullMQ's start-up check of
      // that queue fails for good: a later attempt must get a fresh queue).
      const gc = await runGc();
      expect(gc.status).toBe(503);
      expect(errorCode(gc)).toBe('SERVICE_UNAVAILABLE');
      expect(gc.headers.get('retry-after')).toBe('5');

      const token = await call<{ token: string }>('GET', '/service/token?service=harbor-registry&scope=repository:team/app:pull,push');
      expect(token.status).toBe(200);
      expect(token.body.token).toMatch(/^ey/);
      // A wrong password is still refused (the throttle is open, not the door).
      expect((await call('GET', '/service/token?service=harbor-registry', { auth: `Basic ${Buffer.from('admin:Wrong12345').toString('base64')}` })).status).toBe(401);

      const projects = await call<{ name: string }[]>('GET', '/api/v2.0/projects');
      expect(projects.status).toBe(200);
      expect(projects.body.map((p) => p.name)).toContain('team');
      expect((await call('POST', '/api/v2.0/projects', { body: { project_name: 'during', metadata: { public: 'false' } } })).status).toBe(201);
      // A delete bumps the registry's cache versions and publishes an event: both in Redis.
      expect((await call('DELETE', `/api/v2.0/projects/team/repositories/app/artifacts/${digests[1]}`)).status).toBe(200);
      expect(await rows.query('SELECT 1 FROM artifact WHERE digest = $1', [digests[1]])).toEqual([]);

      const health = await call<Health>('GET', '/api/v2.0/health', { auth: undefined });
      expect(health.body.components).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'database', status: 'healthy' }),
          expect.objectContaining({ name: 'redis', status: 'unhealthy' }),
        ]),
      );
    } finally {
      redis.thaw();
    }

    // Once Redis answers again (and the few seconds it is skipped for have passed), jobs are queued.
    let gc = await runGc();
    for (let i = 0; i < 40 && gc.status === 503; i++) {
      await new Promise((r) => setTimeout(r, 250));
      gc = await runGc();
    }
    expect(gc.status).toBe(201);
    expect((await call<Health>('GET', '/api/v2.0/health', { auth: undefined })).body.status).toBe('healthy');
  }, 90_000);
});
