import { isIP } from 'node:net';

const LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;

/**
 * Why `host` is not a DNS name or an IP address, or undefined when it is one. The reasons name
 * the usual slips (a scheme, a port, an underscore) rather than just saying "invalid".
 */
export function hostProblem(host: string): string | undefined {
  if (isIP(host)) return undefined;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(host)) return 'must be a bare DNS name or IP address, without a scheme like http://';
  if (host.includes('/')) return 'must be a bare DNS name or IP address, without a path';
  if (/^\[.*\]$/.test(host)) return 'write an IPv6 address without brackets';
  if (/^[^:]+:\d+$/.test(host)) return 'must not include a port';
  if (/\s/.test(host)) return 'is not a DNS name or IP address: it contains white space';
  if (host.length > 253) return 'is not a DNS name: longer than 253 characters';
  const labels = host.split('.');
  if (labels.every((l) => /^\d+$/.test(l))) return 'is not a valid IP address';
  for (const label of labels) {
    if (label === '') return 'is not a DNS name: it has an empty label (two dots in a row, or a dot at either end)';
    if (label.length > 63) return `is not a DNS name: the label "${label.slice(0, 20)}..." is longer than 63 characters`;
    if (!LABEL.test(label)) {
      const bad = label.match(/[^a-z0-9-]/i)?.[0];
      return bad ? `is not a DNS name: "${bad}" is not allowed in host names` : `is not a DNS name: the label "${label}" starts or ends with "-"`;
    }
  }
  // A numeric last label makes the name read as a (broken) IPv4 address to resolvers.
  if (/^\d+$/.test(labels[labels.length - 1])) return 'is not a valid IP address or DNS name (the last label is a number)';
  return undefined;
}

/** Names that only reach this machine. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(h) || h === '::1';
}
