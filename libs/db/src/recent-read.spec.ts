import { RecentRead } from './recent-read';

describe('RecentRead', () => {
  it('shares one read among callers until it is older than its time, then reads again', async () => {
    let reads = 0;
    let now = 1_000;
    const recent = new RecentRead(40, async () => ++reads, undefined, () => now);
    expect(await Promise.all([recent.get(), recent.get(), recent.get()])).toEqual([1, 1, 1]);
    now += 39;
    expect(await recent.get()).toBe(1);
    now += 1;
    expect(await recent.get()).toBe(2);
    recent.forget();
    expect(await recent.get()).toBe(3);
  });

  it('does not remember a failed read, and reports each failure once', async () => {
    let fail = true;
    const errors: unknown[] = [];
    const recent = new RecentRead(
      60_000,
      async () => {
        if (fail) throw new Error('database away');
        return 'value';
      },
      (err) => errors.push(err),
    );
    await expect(Promise.all([recent.get(), recent.get()])).rejects.toThrow('database away');
    expect(errors).toHaveLength(1);
    fail = false;
    expect(await recent.get()).toBe('value');
  });
});
