import { isIP } from 'node:net';

/**
 * IPv4 and IPv6 addresses and networks, both held as 16 bytes with IPv4 as IPv4-mapped IPv6
 * (`::ffff:a.b.c.d`): an IPv4 address and its mapped spelling are then one and the same, so
 * neither slips past a rule written with the other.
 */
export interface Network {
  bytes: Uint8Array;
  /** Leading bits that count, over the 128 (an IPv4 /8 is a /104). */
  prefix: number;
}

const V4_MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];
const V4_PREFIX_BITS = 96;

function ipv6Words(part: string): number[] {
  if (part === '') return [];
  return part.split(':').flatMap((group) => {
    if (!group.includes('.')) return [parseInt(group, 16)];
    const [a = 0, b = 0, c = 0, d = 0] = group.split('.').map(Number);
    return [(a << 8) | b, (c << 8) | d];
  });
}

/** The 16 bytes of an address (`[...]` brackets allowed); undefined for anything else, zone ids included. */
export function parseAddress(text: string): Uint8Array | undefined {
  const address = text.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(address);
  if (family === 4) return Uint8Array.from([...V4_MAPPED_PREFIX, ...address.split('.').map(Number)]);
  if (family !== 6 || address.includes('%')) return undefined;
  const [head = '', tail] = address.split('::');
  const before = ipv6Words(head);
  const after = tail === undefined ? [] : ipv6Words(tail);
  const words = tail === undefined ? before : [...before, ...new Array<number>(8 - before.length - after.length).fill(0), ...after];
  if (words.length !== 8) return undefined;
  const bytes = new Uint8Array(16);
  words.forEach((word, i) => {
    bytes[2 * i] = word >> 8;
    bytes[2 * i + 1] = word & 0xff;
  });
  return bytes;
}

/** `address` or `address/prefix` (IPv4 prefixes 0-32, IPv6 0-128); undefined when it is neither. */
export function parseNetwork(text: string): Network | undefined {
  const [address = '', prefix, extra] = text.split('/');
  if (extra !== undefined) return undefined;
  const bytes = parseAddress(address);
  if (!bytes) return undefined;
  const v4 = isIP(address) === 4;
  const max = v4 ? 32 : 128;
  if (prefix === undefined) return { bytes, prefix: 128 };
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) return undefined;
  return { bytes, prefix: Number(prefix) + (v4 ? V4_PREFIX_BITS : 0) };
}

/** Whether the address lies in the network. */
export function networkContains(network: Network, address: Uint8Array): boolean {
  const whole = Math.floor(network.prefix / 8);
  for (let i = 0; i < whole; i++) if (network.bytes[i] !== address[i]) return false;
  const rest = network.prefix % 8;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((network.bytes[whole] ?? 0) & mask) === ((address[whole] ?? 0) & mask);
}

/** Whether every address of `inner` lies in `outer`. */
export function networkWithin(inner: Network, outer: Network): boolean {
  return inner.prefix >= outer.prefix && networkContains(outer, inner.bytes);
}

export function sameAddress(a: Uint8Array, b: Uint8Array): boolean {
  return a.every((byte, i) => byte === b[i]);
}
