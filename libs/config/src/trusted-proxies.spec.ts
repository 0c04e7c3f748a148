import { parseTrustedProxies } from './trusted-proxies';

describe('parseTrustedProxies', () => {
  it('defaults to loopback', () => {
    expect(parseTrustedProxies(undefined)).toEqual(['loopback']);
    expect(parseTrustedProxies('  ')).toEqual(['loopback']);
  });

  it('takes addresses, CIDR ranges and range names', () => {
    expect(parseTrustedProxies('10.0.0.0/8, 172.16.0.0/12,192.168.1.10,fd00::/8,loopback,uniquelocal')).toEqual([
      '10.0.0.0/8',
      '172.16.0.0/12',
      '192.168.1.10',
      'fd00::/8',
      'loopback',
      'uniquelocal',
    ]);
  });

  it.each([
    ['gateway', /not an address/],
    ['10.0.0.0/33', /prefix length outside 0-32/],
    ['fd00::/129', /prefix length outside 0-128/],
    ['10.0.0.0/8/1', /not an address/],
    ['10.0.0.0/x', /prefix length/],
    [',', /lists no address/],
  ])('refuses %s', (raw, reason) => {
    expect(() => parseTrustedProxies(raw)).toThrow(reason);
  });
});
