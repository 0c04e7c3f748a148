import { isIP } from 'node:net';
import { type Network, networkContains, parseAddress, parseNetwork } from '@wharf/policy';

/**
 * The outbound proxy of webhook deliveries: harbor.yml's `proxy.http_proxy`, `https_proxy` and
 * `no_proxy`, which the installer hands to the jobservice (as HTTP_PROXY, HTTPS_PROXY and
 * NO_PROXY) only when `proxy.components` names it.
 */
export interface ProxySettings {
  /** Proxy for http:// targets. */
  httpProxy?: string;
  /** Proxy for https:// targets (reached with CONNECT). */
  httpsProxy?: string;
  /** NO_PROXY, comma-separated: hosts, domains, host:port, CIDRs, or "*". */
  noProxy?: string;
}

interface NoProxyEntry {
  host: string;
  port?: string;
  /** ".example.com" or "example.com": the domain and every name below it. */
  domain: boolean;
  cidr?: Network;
}

function parseEntry(raw: string): NoProxyEntry | undefined {
  let text = raw.trim().toLowerCase();
  if (text === '') return undefined;
  const cidr = text.includes('/') ? parseNetwork(text) : undefined;
  if (cidr) return { host: text, domain: false, cidr };
  let port: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) {
    text = bracketed[1]!;
    port = bracketed[2];
  } else if (isIP(text) !== 6) {
    const withPort = /^(.*):(\d+)$/.exec(text);
    if (withPort) {
      text = withPort[1]!;
      port = withPort[2];
    }
  }
  // A name covers itself and every name below it ("example.com", ".example.com", "*.example.com"); an address only itself.
  const host = text.replace(/^\*?\./, '');
  return { host, port, domain: isIP(host) === 0 };
}

function matches(entry: NoProxyEntry, host: string, port: string): boolean {
  if (entry.port !== undefined && entry.port !== port) return false;
  if (entry.cidr) {
    const address = parseAddress(host);
    return address !== undefined && networkContains(entry.cidr, address);
  }
  if (host === entry.host) return true;
  return entry.domain && host.endsWith(`.${entry.host}`);
}

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

/** Chooses the proxy for each delivery address, or none. */
export class WebhookProxy {
  private readonly everything: boolean;
  private readonly exceptions: NoProxyEntry[];

  constructor(private readonly settings: ProxySettings) {
    const entries = (settings.noProxy ?? '').split(',').map((e) => e.trim()).filter((e) => e !== '');
    this.everything = entries.includes('*');
    this.exceptions = entries.flatMap((e) => parseEntry(e) ?? []);
  }

  /** The proxy a request to `target` goes through, or undefined for a direct connection. */
  for(target: URL): URL | undefined {
    const proxy = target.protocol === 'https:' ? this.settings.httpsProxy : target.protocol === 'http:' ? this.settings.httpProxy : undefined;
    if (!proxy || this.everything) return undefined;
    const host = target.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
    const port = target.port || DEFAULT_PORTS[target.protocol] || '';
    if (this.exceptions.some((e) => matches(e, host, port))) return undefined;
    return new URL(proxy);
  }
}

/** The Proxy-Authorization header for a proxy URL with credentials. */
export function proxyAuthorization(proxy: URL): string | undefined {
  if (!proxy.username && !proxy.password) return undefined;
  const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return `Basic ${Buffer.from(credentials).toString('base64')}`;
}

/** A proxy address as logs may show it: never its credentials. */
export function displayProxy(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`;
}
