import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { removeQueueKeys } from './job-queues';
import { PoolRegistration, readPools, readWorkers } from './worker-pools';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

describe('worker pools in Redis', () => {
  let redis: Redis;
  const prefix = `wharf-test-${randomBytes(6).toString('hex')}`;

  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await removeQueueKeys(redis, prefix);
    redis.disconnect();
  });

  const register = async (id: string, startAt: Date) => {
    const registration = new PoolRegistration(redis, prefix, { id, pid: 4242, host: 'node-a', startAt, slots: [`${id}-gc-1`, `${id}-webhook-1`] }, 60_000);
    await registration.start();
    return registration;
  };

  it('lists the registered pools oldest first, with their workers and the job each runs, until they leave', async () => {
    const older = await register('p1', new Date(Date.now() - 60_000));
    const newer = await register('p2', new Date());
    const pools = await readPools(redis, prefix);
    expect(pools.map((p) => [p.id, p.pid, p.host, p.concurrency])).toEqual([
      ['p1', 4242, 'node-a', 2],
      ['p2', 4242, 'node-a', 2],
    ]);

    // Commands of one connection run in order: the reads see the writes before them.
    newer.occupy('p2-gc-1', { jobId: 'task-7', jobName: 'GARBAGE_COLLECTION' });
    newer.checkIn('p2-gc-1', 'garbage collection started');
    const workers = await readWorkers(redis, prefix, pools);
    expect(workers.map((w) => [w.id, w.job?.jobId, w.job?.checkIn])).toEqual([
      ['p1-gc-1', undefined, undefined],
      ['p1-webhook-1', undefined, undefined],
      ['p2-gc-1', 'task-7', 'garbage collection started'],
      ['p2-webhook-1', undefined, undefined],
    ]);
    newer.release('p2-gc-1');
    expect((await readWorkers(redis, prefix, pools)).some((w) => w.job)).toBe(false);

    // A pool whose registration lapsed (no heartbeat within its time to live) is not listed.
    await redis.del(`${prefix}:jobservice:pool:p1`);
    expect((await readPools(redis, prefix)).map((p) => p.id)).toEqual(['p2']);
    await newer.close();
    expect(await readPools(redis, prefix)).toEqual([]);
    await older.close();
  });

  it('writes the running jobs again with each heartbeat, so a lapsed record comes back', async () => {
    const pool = await register('p3', new Date());
    pool.occupy('p3-gc-1', { jobId: 'task-9', jobName: 'GARBAGE_COLLECTION' });
    await redis.del(`${prefix}:jobservice:pool:p3`, `${prefix}:jobservice:pool:p3:jobs`);
    expect(await readPools(redis, prefix)).toEqual([]);
    await pool.start();
    const [state] = await readPools(redis, prefix);
    expect((await readWorkers(redis, prefix, [state!])).find((w) => w.job)?.job?.jobId).toBe('task-9');
    await pool.close();
  });
});
