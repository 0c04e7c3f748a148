import { kindOf, runsOn, SuiteTarget } from './scenarios';

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
