import { resolve } from 'node:path';
import { parseOptions } from './options';

describe('parseOptions --gateway', () => {
  it('is off unless asked for', () => {
    expect(parseOptions([], false)).toMatchObject({ gateway: false });
    expect(parseOptions(['--gateway', '--quick', '--only', 'pull-1,pull-4'], false)).toMatchObject({ gateway: true, quick: true, only: ['pull-1', 'pull-4'] });
  });

  it('needs the Wharf the bench starts', () => {
    expect(() => parseOptions(['--gateway', '--url', 'http://127.0.0.1:5000'], false)).toThrow(/--gateway/);
  });
});

describe('parseOptions --no-drop-caches', () => {
  it('drops the page cache unless told not to', () => {
    expect(parseOptions([], false)).toMatchObject({ dropCaches: true });
    expect(parseOptions(['--quick'], false)).toMatchObject({ dropCaches: true });
    expect(parseOptions(['--no-drop-caches'], false)).toMatchObject({ dropCaches: false });
  });
});

describe('parseOptions: the installed Wharf', () => {
  it('is measured by default, and skipped with --no-installed or when driving another registry', () => {
    expect(parseOptions([], false)).toMatchObject({ installed: true, installedFrom: undefined });
    expect(parseOptions(['--no-installed'], false)).toMatchObject({ installed: false });
    expect(parseOptions(['--url', 'http://127.0.0.1:5000'], false)).toMatchObject({ installed: false });
  });

  it('takes another checkout\'s installer as an absolute path, only when it installs', () => {
    expect(parseOptions(['--installed-from', 'rel/dir'], false)).toMatchObject({ installed: true, installedFrom: resolve('rel/dir') });
    expect(() => parseOptions(['--installed-from', '/tmp/x', '--no-installed'], false)).toThrow(/--installed-from/);
    expect(() => parseOptions(['--installed-from', '/tmp/x', '--url', 'http://127.0.0.1:5000'], false)).toThrow(/--installed-from/);
  });

  it('selects its scenarios with --only', () => {
    expect(parseOptions(['--only', 'small-pulls,token-credentials,token-anonymous'], false)).toMatchObject({ only: ['small-pulls', 'token-credentials', 'token-anonymous'] });
    expect(() => parseOptions(['--only', 'token'], false)).toThrow(/unknown scenario\(s\) token/);
  });
});
