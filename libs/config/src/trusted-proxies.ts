import { isIP } from 'node:net';

/** Names fastify (proxy-addr) understands for whole address ranges. */
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * TRUSTED_PROXIES: which peers may tell a service the client's address in X-Forwarded-For (the
 * login throttle and the audit log use it). A comma-separated list of addresses, CIDR ranges and
 * the names loopback, linklocal, uniquelocal. Default: loopback (the installer's gateway runs on
 * the same host); containers and clusters list the gateway's network. Throws with the reason.
 */
export function parseTrustedProxies(raw: string | undefined): string[] {
  if (raw === undefined || raw.trim() === '') return ['loopback'];
  const entries = raw.split(',').map((e) => e.trim()).filter((e) => e.length > 0);
  if (entries.length === 0) throw new Error('lists no address');
  for (const entry of entries) {
    if (RANGE_NAMES.has(entry)) continue;
    const [address, prefix, extra] = entry.split('/');
    const family = isIP(address ?? '');
    if (family === 0 || extra !== undefined) throw new Error(`"${entry}" is not an address, a CIDR range or one of ${[...RANGE_NAMES].join(', ')}`);
    if (prefix !== undefined) {
      const bits = Number(prefix);
      const max = family === 4 ? 32 : 128;
      if (!/^\d+$/.test(prefix) || bits > max) throw new Error(`"${entry}" has a prefix length outside 0-${max}`);
    }
  }
  return entries;
}
