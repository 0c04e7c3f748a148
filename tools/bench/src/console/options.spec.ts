import { parseConsoleOptions } from './options';

describe('parseConsoleOptions', () => {
  it('defaults to the issue: 1,000 projects, 10,000 artifacts, 5 runs, a fresh installation on the local PostgreSQL', () => {
    expect(parseConsoleOptions([], {})).toMatchObject({
      url: undefined,
      staticDir: undefined,
      runs: 5,
      projects: 1000,
      artifacts: 10_000,
      chromium: '/usr/bin/chromium',
      keep: false,
      markdown: false,
      pgBase: 'postgres://postgres@127.0.0.1:5432',
      waitIdleS: 30,
    });
    expect(parseConsoleOptions(['--wait-idle', '0'], {})).toMatchObject({ waitIdleS: 0 });
  });

  it('takes a running installation with its admin password, from the option or the environment', () => {
    expect(parseConsoleOptions(['--url', 'http://127.0.0.1:8080/', '--admin-password', 'Pw-12345'], {})).toMatchObject({ url: 'http://127.0.0.1:8080', adminPassword: 'Pw-12345' });
    expect(parseConsoleOptions(['--url', 'http://h:1'], { WHARF_ADMIN_PASSWORD: 'Env-Pw-1' })).toMatchObject({ adminPassword: 'Env-Pw-1' });
    expect(() => parseConsoleOptions(['--url', 'http://h:1'], {})).toThrow(/admin's password/);
  });

  it('serves a build with --static-dir only with the API to pass requests on to', () => {
    expect(parseConsoleOptions(['--static-dir', 'dist/apps/portal', '--api-url', 'http://127.0.0.1:8099', '--admin-password', 'x'], {})).toMatchObject({
      staticDir: 'dist/apps/portal',
      apiUrl: 'http://127.0.0.1:8099',
    });
    expect(() => parseConsoleOptions(['--static-dir', 'd', '--admin-password', 'x'], {})).toThrow(/needs --api-url/);
    expect(() => parseConsoleOptions(['--static-dir', 'd', '--url', 'http://h:1', '--api-url', 'http://h:2', '--admin-password', 'x'], {})).toThrow(/exclude each other/);
    expect(() => parseConsoleOptions(['--api-url', 'http://h:2', '--admin-password', 'x'], {})).toThrow(/goes with --url or --static-dir/);
  });

  it('refuses what is not a base URL or a count in range', () => {
    expect(() => parseConsoleOptions(['--url', 'localhost:8080', '--admin-password', 'x'], {})).toThrow(/http or https URL|must be a URL/);
    expect(() => parseConsoleOptions(['--url', 'http://h:1/?a=b', '--admin-password', 'x'], {})).toThrow(/without query/);
    expect(() => parseConsoleOptions(['--runs', '0'], {})).toThrow(/--runs must be between 1 and 1000/);
    expect(() => parseConsoleOptions(['--runs', '2.5'], {})).toThrow(/whole number/);
    expect(() => parseConsoleOptions(['--projects', '10000'], {})).toThrow(/--projects must be between 1 and 9999/);
    expect(() => parseConsoleOptions(['--bogus'], {})).toThrow();
  });

  it('keeps --keep and --pg for the installation it starts itself', () => {
    expect(parseConsoleOptions(['--keep', '--pg', 'postgres://u@db:6543/'], {})).toMatchObject({ keep: true, pgBase: 'postgres://u@db:6543' });
    expect(parseConsoleOptions([], { WHARF_BENCH_PG: 'postgres://e@h:1' })).toMatchObject({ pgBase: 'postgres://e@h:1' });
    expect(() => parseConsoleOptions(['--keep', '--url', 'http://h:1', '--admin-password', 'x'], {})).toThrow(/--keep and --pg apply/);
  });

  it('splits --pages and refuses an empty selection', () => {
    expect(parseConsoleOptions(['--pages', 'projects, artifacts'], {})).toMatchObject({ pages: ['projects', 'artifacts'] });
    expect(() => parseConsoleOptions(['--pages', ' , '], {})).toThrow(/names no page/);
  });

  it('answers --help', () => {
    expect(parseConsoleOptions(['--help'], {})).toBe('help');
  });
});
