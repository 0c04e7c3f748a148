import { kindOf, runsOn, serviceCpuDelta, SuiteTarget } from './scenarios';

describe('which targets take part', () => {
  const target = (extra: Partial<SuiteTarget>): SuiteTarget => ({ result: { name: 'wharf', label: 'x', url: 'http://127.0.0.1:1', managed: true, scenarios: {} }, probe: {}, ...extra });

  it('tells registries, pull-only servers and installations apart', () => {
    expect(kindOf(target({}))).toBe('registry');
    expect(kindOf(target({ fileUrl: 'http://127.0.0.1:1/blob' }))).toBe('file');
    expect(kindOf(target({ login: { username: 'u', password: 'p' } }))).toBe('installed');
  });

  it('starts the installation only when a selected scenario, or one it needs, runs there', () => {
    expect(runsOn(undefined, 'installed')).toBe(true);
    expect(runsOn(['token-credentials'], 'installed')).toBe(true);
    // small-pulls reads what small-images pushed: both run on the installation.
    expect(runsOn(['small-pulls'], 'installed')).toBe(true);
    // tags-list reads small-images' pushes, but only on the registries it measures.
    expect(runsOn(['tags-list'], 'installed')).toBe(false);
    expect(runsOn(['tags-list'], 'registry')).toBe(true);
    expect(runsOn(['pull-1', 'pull-4', 'manifest-get', 'catalog'], 'installed')).toBe(false);
    expect(runsOn(['token-anonymous'], 'file')).toBe(false);
  });
});

describe('CPU of an installation by service', () => {
  it('is the difference per service, leaving out one the supervisor restarted meanwhile', () => {
    const before = new Map([
      ['core', { pid: 10, cpuS: 1 }],
      ['registry', { pid: 11, cpuS: 2 }],
      ['nginx', { pid: 12, cpuS: 0.5 }],
    ]);
    const after = new Map([
      ['core', { pid: 10, cpuS: 3.5 }],
      ['registry', { pid: 13, cpuS: 0.2 }],
      ['nginx', { pid: 12, cpuS: 0.75 }],
      ['jobservice', { pid: 14, cpuS: 1 }],
    ]);
    expect(serviceCpuDelta(before, after)).toEqual({ core: 2.5, nginx: 0.25 });
  });
});
