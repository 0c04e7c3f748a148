import { networkContains, networkWithin, parseAddress, parseNetwork } from './network';

const bytes = (text: string) => {
  const b = parseAddress(text);
  if (!b) throw new Error(`not an address: ${text}`);
  return b;
};
const net = (text: string) => {
  const n = parseNetwork(text);
  if (!n) throw new Error(`not a network: ${text}`);
  return n;
};

describe('addresses and networks', () => {
  it('reads IPv4 as IPv4-mapped IPv6, so both spellings are one address', () => {
    expect(bytes('127.0.0.1')).toEqual(bytes('::ffff:127.0.0.1'));
    expect(bytes('127.0.0.1')).toEqual(bytes('::ffff:7f00:1'));
    expect(bytes('[::1]')).toEqual(Uint8Array.from([...new Array<number>(15).fill(0), 1]));
    expect(bytes('fd00:ec2::254')).toEqual(Uint8Array.from([0xfd, 0, 0x0e, 0xc2, ...new Array<number>(10).fill(0), 0x02, 0x54]));
    expect(bytes('1:2:3:4:5:6:7:8')[15]).toBe(8);
  });

  it('refuses what is not an address: names, zone ids, garbage', () => {
    for (const text of ['localhost', 'fe80::1%eth0', '1.2.3', '256.1.1.1', '', '::g']) expect(parseAddress(text)).toBeUndefined();
  });

  it('reads prefixes by family and refuses out-of-range ones', () => {
    expect(net('10.0.0.0/8').prefix).toBe(104);
    expect(net('fe80::/10').prefix).toBe(10);
    expect(net('192.0.2.1').prefix).toBe(128);
    for (const text of ['10.0.0.0/33', '::/129', '10.0.0.0/x', '10.0.0.0/8/8', 'host/8']) expect(parseNetwork(text)).toBeUndefined();
  });

  it('tells whether a network holds an address, or another network', () => {
    expect(networkContains(net('10.0.0.0/8'), bytes('10.255.1.2'))).toBe(true);
    expect(networkContains(net('10.0.0.0/8'), bytes('11.0.0.1'))).toBe(false);
    expect(networkContains(net('169.254.0.0/16'), bytes('::ffff:169.254.169.254'))).toBe(true);
    expect(networkContains(net('fe80::/10'), bytes('febf::1'))).toBe(true);
    expect(networkContains(net('fe80::/10'), bytes('fec0::1'))).toBe(false);
    expect(networkContains(net('0.0.0.0/0'), bytes('8.8.8.8'))).toBe(true);
    expect(networkContains(net('0.0.0.0/0'), bytes('2001:db8::1'))).toBe(false);
    expect(networkContains(net('::/0'), bytes('8.8.8.8'))).toBe(true);
    expect(networkWithin(net('127.0.0.1'), net('127.0.0.0/8'))).toBe(true);
    expect(networkWithin(net('0.0.0.0/0'), net('127.0.0.0/8'))).toBe(false);
    expect(networkWithin(net('127.0.0.0/8'), net('127.0.0.0/8'))).toBe(true);
  });
});
