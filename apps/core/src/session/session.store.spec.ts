import { renewalDue } from './session.store';

describe('renewalDue', () => {
  const hour = 60 * 60_000;

  it('renews once a minute of a long lifetime has passed, not before', () => {
    expect(renewalDue(hour, hour)).toBe(false);
    expect(renewalDue(hour - 59_000, hour)).toBe(false);
    expect(renewalDue(hour - 61_000, hour)).toBe(true);
    expect(renewalDue(1_000, hour)).toBe(true);
  });

  it('renews a short lifetime once a tenth of it has passed', () => {
    const minute = 60_000;
    expect(renewalDue(55_000, minute)).toBe(false);
    expect(renewalDue(53_000, minute)).toBe(true);
  });

  it('brings a session that has more time left than the timeout (shortened since) down to it', () => {
    expect(renewalDue(hour + 1, hour)).toBe(true);
    expect(renewalDue(Number.MAX_SAFE_INTEGER, hour)).toBe(true);
  });
});
