import bcrypt from 'bcryptjs';
import { BcryptPool } from './bcrypt-pool';

describe('BcryptPool (real worker threads)', () => {
  const pools: BcryptPool[] = [];
  const open = (threads: number, idleMs?: number) => {
    const pool = new BcryptPool(threads, idleMs);
    pools.push(pool);
    return pool;
  };
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
  });

  it('hashes and compares as bcryptjs does, with at most its number of threads', async () => {
    const pool = open(2);
    const hashes = await Promise.all(['Harbor12345', 'Other12345', 'Third12345'].map((password) => pool.run({ op: 'hash', password, cost: 4 })));
    expect(pool.size).toBeLessThanOrEqual(2);
    for (const hash of hashes) expect(hash).toMatch(/^\$2b\$04\$.{53}$/);
    expect(bcrypt.compareSync('Harbor12345', hashes[0] as string)).toBe(true);
    const checks = await Promise.all([
      pool.run({ op: 'compare', password: 'Harbor12345', hash: hashes[0] as string }),
      pool.run({ op: 'compare', password: 'Harbor12345', hash: hashes[1] as string }),
      pool.run({ op: 'compare', password: 'Third12345', hash: hashes[2] as string }),
      pool.run({ op: 'compare', password: 'Third12345', hash: bcrypt.hashSync('Third12345', 4) }),
    ]);
    expect(checks).toEqual([true, false, true, true]);
    expect(pool.size).toBeLessThanOrEqual(2);
  });

  it('rejects a job bcryptjs refuses, and goes on working', async () => {
    const pool = open(1);
    await expect(pool.run({ op: 'hash', password: 'Harbor12345', cost: 'ten' as unknown as number })).rejects.toThrow();
    await expect(pool.run({ op: 'compare', password: 'Harbor12345', hash: bcrypt.hashSync('Harbor12345', 4) })).resolves.toBe(true);
  });

  it('ends idle threads, and starts new ones for later work', async () => {
    const pool = open(2, 50);
    await Promise.all([pool.run({ op: 'hash', password: 'a', cost: 4 }), pool.run({ op: 'hash', password: 'b', cost: 4 })]);
    expect(pool.size).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(pool.size).toBe(0);
    await expect(pool.run({ op: 'compare', password: 'a', hash: bcrypt.hashSync('a', 4) })).resolves.toBe(true);
  });

  it('fails the queued jobs when closed', async () => {
    const pool = new BcryptPool(1);
    const hash = bcrypt.hashSync('Harbor12345', 10);
    const jobs = [pool.run({ op: 'compare', password: 'x', hash }), pool.run({ op: 'compare', password: 'y', hash })].map((job) =>
      job.then(
        () => 'resolved',
        (err: Error) => err.message,
      ),
    );
    await pool.close();
    expect(await Promise.all(jobs)).toEqual(['the bcrypt pool was closed', 'the bcrypt pool was closed']);
    expect(() => new BcryptPool(0)).toThrow(RangeError);
  });
});
