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
