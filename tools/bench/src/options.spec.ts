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
