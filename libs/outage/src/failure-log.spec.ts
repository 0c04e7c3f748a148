import { FailureLog } from './failure-log';

describe('FailureLog', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('writes the first failure of a kind at once and sums up its repeats once per interval', () => {
    const lines: string[] = [];
    const log = new FailureLog((line) => lines.push(line), 10_000);
    log.report('failed to reach postgresql', 'connect ECONNREFUSED 127.0.0.1:5432');
    for (let i = 0; i < 1234; i++) log.report('failed to reach postgresql', `attempt ${i}`);
    expect(lines).toEqual(['failed to reach postgresql: connect ECONNREFUSED 127.0.0.1:5432']);
    jest.advanceTimersByTime(10_000);
    expect(lines).toEqual([
      'failed to reach postgresql: connect ECONNREFUSED 127.0.0.1:5432',
      'failed to reach postgresql (1234 more in the last 10 s): attempt 1233',
    ]);
    // Still failing: one line per interval.
    for (let i = 0; i < 10; i++) log.report('failed to reach postgresql', 'again');
    jest.advanceTimersByTime(10_000);
    expect(lines.slice(2)).toEqual(['failed to reach postgresql (10 more in the last 10 s): again']);
  });

  it('keeps kinds apart, and after a quiet interval writes the next failure at once', () => {
    const lines: string[] = [];
    const log = new FailureLog((line) => lines.push(line), 10_000);
    log.report('failed to reach postgresql', 'refused');
    log.report('failed to get an answer from postgresql in time', 'Query read timeout');
    log.report('failed to reach postgresql', 'refused');
    expect(lines).toEqual(['failed to reach postgresql: refused', 'failed to get an answer from postgresql in time: Query read timeout']);
    jest.advanceTimersByTime(10_000);
    expect(lines.slice(2)).toEqual(['failed to reach postgresql (1 more in the last 10 s): refused']);
    jest.advanceTimersByTime(10_000); // nothing came: the outage is over
    expect(lines).toHaveLength(3);
    log.report('failed to reach postgresql', 'refused again');
    expect(lines.slice(3)).toEqual(['failed to reach postgresql: refused again']);
  });
});
