import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { Logger } from '../logger';
import { EventConsumer, MAX_DELIVERIES, type StreamEntry, type StreamHandler } from './event-consumer';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const GROUP = 'test-group';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('EventConsumer', () => {
  let redis: Redis;
  let stream: string;
  const consumers: EventConsumer[] = [];

  function consumer(handler: StreamHandler, claimIdleMs = 60_000): EventConsumer {
    const c = new EventConsumer({ redisUrl: REDIS_URL, stream, group: GROUP, claimIdleMs, blockMs: 200, logger: new Logger('test', 'error') }, handler);
    consumers.push(c);
    return c;
  }

  const pendingCount = async () => ((await redis.xpending(stream, GROUP)) as [number])[0];

  async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await sleep(25);
    }
  }

  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });

  beforeEach(() => {
    stream = `wharf-test-consumer-${randomBytes(6).toString('hex')}:events`;
  });

  afterEach(async () => {
    while (consumers.length > 0) await consumers.pop()?.close();
    await redis.del(stream);
  });

  afterAll(() => redis.disconnect());

  it('starts at the end of the stream, hands each entry to one consumer and acknowledges only what was done', async () => {
    await redis.xadd(stream, '*', 'event', 'before');
    const seen: [string, string][] = [];
    const handler = (name: string) => async (entries: StreamEntry[]) => {
      for (const e of entries) seen.push([name, e.fields['event']]);
      return entries.filter((e) => e.fields['event'] !== 'keep-pending').map((e) => e.id);
    };
    const a = consumer(handler('a'));
    const b = consumer(handler('b'));
    await a.start();
    await b.start();
    for (let i = 0; i < 20; i++) await redis.xadd(stream, '*', 'event', `e${i}`);
    await redis.xadd(stream, '*', 'event', 'keep-pending');
    await until(() => seen.length === 21);
    await sleep(300);

    expect(seen.map(([, e]) => e).sort()).toEqual([...Array.from({ length: 20 }, (_, i) => `e${i}`), 'keep-pending'].sort());
    expect(seen.map(([, e]) => e)).not.toContain('before');
    expect(await pendingCount()).toBe(1);
  });

  it('takes over what a dead consumer left, and gives up on an entry that always fails', async () => {
    await redis.xgroup('CREATE', stream, GROUP, '$', 'MKSTREAM');
    await redis.xadd(stream, '*', 'event', 'orphan');
    await redis.xreadgroup('GROUP', GROUP, 'dead', 'COUNT', 10, 'STREAMS', stream, '>');
    let calls = 0;
    const c = consumer(async () => {
      calls++;
      throw new Error('database down');
    }, 100);
    await c.start();
    await until(async () => (await pendingCount()) === 0, 15_000);
    // Read once by "dead", then claimed until the delivery count reached the limit.
    expect(calls).toBeGreaterThanOrEqual(MAX_DELIVERIES - 2);
    expect(calls).toBeLessThanOrEqual(MAX_DELIVERIES);
    const after = calls;
    await sleep(800);
    expect(calls).toBe(after);
  });
});
