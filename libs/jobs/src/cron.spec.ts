import { CRON_OF_TYPE, cronProblem, nextCronTime } from './cron';

describe('Harbor cron expressions', () => {
  it.each(Object.values(CRON_OF_TYPE))('accepts the fixed expression %s', (cron) => {
    expect(cronProblem(cron)).toBeNull();
  });

  it('accepts six fields with seconds, ranges, steps and lists', () => {
    expect(cronProblem('*/5 0-30/10 1,13 * * 1-5')).toBeNull();
  });

  it.each([
    ['0 0 * * *', /6 fields.*it has 5/],
    ['0 0 0 * * * *', /6 fields.*it has 7/],
    ['', /6 fields/],
    ['61 0 * * * *', /invalid/],
    ['0 0 25 * * *', /invalid/],
    ['a b c d e f', /invalid/],
  ])('refuses %j with the reason', (cron, reason) => {
    expect(cronProblem(cron)).toMatch(reason);
  });

  it('computes the next firing in UTC, seconds included', () => {
    const from = new Date('2026-11-23T10:15:07Z');
    expect(nextCronTime('0 0 * * * *', from).toISOString()).toBe('2026-11-23T11:00:00.000Z');
    expect(nextCronTime('0 0 0 * * *', from).toISOString()).toBe('2026-11-24T00:00:00.000Z');
    expect(nextCronTime('*/10 * * * * *', from).toISOString()).toBe('2026-11-23T10:15:10.000Z');
    // 2026-11-23 is a Monday: weekly (Sunday) fires on the 29th.
    expect(nextCronTime(CRON_OF_TYPE.Weekly, from).toISOString()).toBe('2026-11-29T00:00:00.000Z');
  });
});
