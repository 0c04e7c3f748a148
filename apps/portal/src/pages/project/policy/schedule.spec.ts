import { cronOf, cronShapeProblem, scheduleKind } from './schedule';

describe('retention schedule', () => {
  it.each([
    ['', 'none'],
    ['0 0 * * * *', 'hourly'],
    ['0  0 0 * * *', 'daily'],
    ['0 0 0 * * 0', 'weekly'],
    ['0 30 2 * * 1-5', 'custom'],
  ])('reads %j as %s', (cron, kind) => {
    expect(scheduleKind(cron)).toBe(kind);
  });

  it('gives the cron to send', () => {
    expect(cronOf('none', 'x')).toBe('');
    expect(cronOf('weekly', '')).toBe('0 0 0 * * 0');
    expect(cronOf('custom', ' 0  30 2 * * 1-5 ')).toBe('0 30 2 * * 1-5');
  });

  it('checks the shape of a custom cron', () => {
    expect(cronShapeProblem('0 30 2 * * 1-5')).toBeNull();
    expect(cronShapeProblem('30 2 * * *')).toBe('schedule.cronFields');
    expect(cronShapeProblem('0 30 2 * * $(x)')).toBe('schedule.cronChars');
  });
});
