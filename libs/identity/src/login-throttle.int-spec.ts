import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { LoginThrottle, THROTTLE_LIMITS, THROTTLE_WINDOW_SECONDS } from './login-throttle';

const REDIS_URL = process.env['WHARF_TEST_REDIS'] ?? 'redis://127.0.0.1:6379';

describe('LoginThrottle (real Redis)', () => {
  let redis: Redis;
  // Keys of this test file only, so runs in parallel (and other users of the Redis) stay apart.
  const prefix = `wharf-test:${randomBytes(6).toString('hex')}:`;

  beforeAll(() => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  const fail = async (throttle: LoginThrottle, user: string, address: string, times: number) => {
    for (let i = 0; i < times; i++) await throttle.failed(user, address);
  };

  it('locks a user/address pair after five failures, and only that pair', async () => {
    const throttle = new LoginThrottle(redis, { keyPrefix: prefix });
    await fail(throttle, 'alice', '10.0.0.1', 4);
    expect(await throttle.locked('alice', '10.0.0.1')).toBe(false);
    await throttle.failed('alice', '10.0.0.1');
    expect(await throttle.locked('alice', '10.0.0.1')).toBe(true);
    // The user name counts case-insensitively.
    expect(await throttle.locked('ALICE', '10.0.0.1')).toBe(true);
    expect(await throttle.locked('alice', '10.0.0.2')).toBe(false);
    expect(await throttle.locked('bob', '10.0.0.1')).toBe(false);
  });

  it('clears the pair on success but keeps the address and user counts', async () => {
    const throttle = new LoginThrottle(redis, { keyPrefix: prefix, limits: { address: 8, user: 8 } });
    await fail(throttle, 'carol', '10.0.1.1', 5);
    expect(await throttle.locked('carol', '10.0.1.1')).toBe(true);
    await throttle.succeeded('Carol', '10.0.1.1');
    expect(await throttle.locked('carol', '10.0.1.1')).toBe(false);
    // Three more failures from elsewhere reach the user limit (5 + 3 = 8) that success left alone:
    // that address is locked for carol at its first failure; the first one's count was cleared.
    await fail(throttle, 'carol', '10.0.1.2', 3);
    expect(await throttle.locked('carol', '10.0.1.2')).toBe(true);
    expect(await throttle.locked('carol', '10.0.1.1')).toBe(false);
    expect(await throttle.locked('carol', '10.0.1.3')).toBe(false);
    // Three more from the first address reach that address's limit for every user.
    await fail(throttle, 'dave', '10.0.1.1', 3);
    expect(await throttle.locked('erin', '10.0.1.1')).toBe(true);
  });

  it('locks an address guessing many users for everyone', async () => {
    const throttle = new LoginThrottle(redis, { keyPrefix: prefix });
    for (let i = 0; i < THROTTLE_LIMITS.address; i++) await throttle.failed(`user${i}`, '10.0.2.1');
    expect(await throttle.locked('someone-new', '10.0.2.1')).toBe(true);
    expect(await throttle.locked('someone-new', '10.0.2.2')).toBe(false);
  });

  it('never locks a user out from an address that has not failed for them, however many others do', async () => {
    const throttle = new LoginThrottle(redis, { keyPrefix: prefix });
    // Twenty addresses, each stopping one short of its own lock: 20 x 4 + 20 = 100 failures for frank.
    for (let i = 0; i < 20; i++) await fail(throttle, 'frank', `10.0.3.${i}`, THROTTLE_LIMITS.pair - 1);
    for (let i = 0; i < 20; i++) await throttle.failed('frank', `10.0.4.${i}`);
    expect(await throttle.locked('frank', '192.168.0.1')).toBe(false);
    expect(await throttle.locked('FRANK', '192.168.0.2')).toBe(false);
    // Now that frank is under attack, every address that failed for him is locked at once.
    expect(await throttle.locked('frank', '10.0.3.0')).toBe(true);
    expect(await throttle.locked('frank', '10.0.4.19')).toBe(true);
    // For other users those addresses are not locked.
    expect(await throttle.locked('grace', '10.0.3.0')).toBe(false);
  });

  it('clear forgets a user name\'s failures from every address, not an address\'s guessing of others', async () => {
    const throttle = new LoginThrottle(redis, { keyPrefix: prefix, limits: { address: 8 } });
    await fail(throttle, 'heidi', '10.0.7.1', 5);
    await fail(throttle, 'Heidi', '10.0.7.2', 5);
    await fail(throttle, 'ivy', '10.0.7.2', 3);
    expect(await throttle.locked('heidi', '10.0.7.1')).toBe(true);
    await throttle.clear('HEIDI');
    expect(await throttle.locked('heidi', '10.0.7.1')).toBe(false);
    // 10.0.7.2 guessed heidi and ivy eight times in all: locked for everyone until its window ends.
    expect(await throttle.locked('heidi', '10.0.7.2')).toBe(true);
    expect(await redis.keys(`${prefix}*heidi*`)).toEqual([]);
  });

  it('forgets failures when the window passes, and each failure extends it', async () => {
    const throttle = new LoginThrottle(redis, { keyPrefix: prefix, windowSeconds: 1 });
    await fail(throttle, 'gina', '10.0.4.1', 5);
    expect(await throttle.locked('gina', '10.0.4.1')).toBe(true);
    await new Promise((r) => setTimeout(r, 600));
    // Still inside the window; this failure restarts it.
    await throttle.failed('gina', '10.0.4.1');
    await new Promise((r) => setTimeout(r, 600));
    expect(await throttle.locked('gina', '10.0.4.1')).toBe(true);
    await new Promise((r) => setTimeout(r, 700));
    expect(await throttle.locked('gina', '10.0.4.1')).toBe(false);
    expect(await redis.keys(`${prefix}*gina*`)).toEqual([]);
  });

  it('defaults to a window of fifteen minutes', async () => {
    const throttle = new LoginThrottle(redis, { keyPrefix: prefix });
    await throttle.failed('hank', '10.0.5.1');
    const ttl = await redis.pttl(`${prefix}user:hank`);
    expect(THROTTLE_WINDOW_SECONDS).toBe(900);
    expect(ttl).toBeGreaterThan(899_000);
    expect(ttl).toBeLessThanOrEqual(900_000);
  });

  it('stays open when Redis is unreachable', async () => {
    const dead = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    dead.on('error', () => undefined);
    try {
      const throttle = new LoginThrottle(dead, { keyPrefix: prefix });
      await throttle.failed('ivan', '10.0.6.1');
      expect(await throttle.locked('ivan', '10.0.6.1')).toBe(false);
      await expect(throttle.succeeded('ivan', '10.0.6.1')).resolves.toBeUndefined();
      // An administrator asking to unlock learns that it did not happen.
      await expect(throttle.clear('ivan')).rejects.toThrow();
    } finally {
      dead.disconnect();
    }
  });
});
