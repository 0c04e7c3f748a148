import { isIP } from 'node:net';
import { type Network, networkContains, networkWithin, parseAddress, parseNetwork, sameAddress } from './network';

/**
 * Where webhook deliveries may connect: the system setting `webhook_allowed_networks` and the
 * installation's own services. Core checks a policy's targets with these rules when it is saved
 * (as far as the address is known without DNS), the jobservice checks every address a target
 * resolves to before it connects, and connects to the address it checked.
 */

/** The setting's value until an administrator changes it: every address except the protected ones. */
export const DEFAULT_WEBHOOK_ALLOWED_NETWORKS = '0.0.0.0/0,::/0';

/** The setting's name, for messages that tell an administrator what to change. */
const SETTING = 'webhook_allowed_networks';

const networks = (...texts: string[]): Network[] => texts.map((t) => parseNetwork(t) as Network);

/**
 * Addresses a webhook reaches only where the setting names them, or a network inside them: a broad
 * entry like 0.0.0.0/0 never opens them. Loopback is the jobservice's own host (and, installed on
 * one machine, core, the registry, PostgreSQL and Redis), link-local is where cloud metadata
 * services hand out credentials.
 */
const PROTECTED: readonly { what: string; ranges: Network[] }[] = [
  { what: 'a loopback address', ranges: networks('127.0.0.0/8', '::1') },
  { what: 'a link-local address (where cloud metadata services answer)', ranges: networks('169.254.0.0/16', 'fe80::/10') },
  { what: 'a cloud metadata address', ranges: networks('fd00:ec2::254', '100.100.100.200') },
  { what: 'an unspecified address (this host)', ranges: networks('0.0.0.0/8', '::') },
  { what: 'a multicast or broadcast address', ranges: networks('224.0.0.0/4', '255.255.255.255', 'ff00::/8') },
];

interface AllowedEntry {
  text: string;
  network: Network;
  /** Only this port (an `address:port` entry). */
  port?: number;
  /** A `!` entry: never reached, whatever else the setting allows. */
  exclude: boolean;
}

function parsePort(text: string): number | undefined {
  const port = Number(text);
  return /^\d{1,5}$/.test(text) && port >= 1 && port <= 65535 ? port : undefined;
}

function parseEntry(raw: string): AllowedEntry | undefined {
  const exclude = raw.startsWith('!');
  const text = exclude ? raw.slice(1).trim() : raw;
  const withPort = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^(\d{1,3}(?:\.\d{1,3}){3}):(\d+)$/.exec(text);
  if (withPort) {
    const network = parseNetwork(withPort[1] ?? '');
    const port = parsePort(withPort[2] ?? '');
    return network && port !== undefined ? { text: raw, network, port, exclude } : undefined;
  }
  const network = parseNetwork(text.replace(/^\[(.*)\]$/, '$1'));
  return network && { text: raw, network, exclude };
}

function entriesOf(value: string): { entries: AllowedEntry[] } | { problem: string } {
  const entries: AllowedEntry[] = [];
  for (const raw of value.split(',').map((e) => e.trim()).filter((e) => e !== '')) {
    const entry = parseEntry(raw);
    if (!entry) return { problem: `${SETTING}: ${JSON.stringify(raw)} is not an address, a network (address/prefix) or address:port, with an optional leading "!"` };
    entries.push(entry);
  }
  return { entries };
}

/** Why a value cannot be the setting's, or undefined. */
export function allowedNetworksProblem(value: string): string | undefined {
  const parsed = entriesOf(value);
  return 'problem' in parsed ? parsed.problem : undefined;
}

/** One of the installation's services: a host (name or address) and a port. */
export interface ServiceEndpoint {
  host: string;
  port: number;
  /** How messages name it, when `host` is an address its name was resolved to (e.g. "core:8080"). */
  name?: string;
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'http:': 80, 'https:': 443, 'postgres:': 5432, 'postgresql:': 5432, 'redis:': 6379, 'rediss:': 6379 };

/**
 * Where a service URL (EXTERNAL_URL, DATABASE_URL, REDIS_URL...) is reached over TCP; undefined
 * for a unix socket (a `host=/path` or `path=` parameter), which no webhook can reach anyway.
 */
export function serviceEndpointOfUrl(url: string): ServiceEndpoint | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.searchParams.has('path') || parsed.searchParams.get('host')?.startsWith('/')) return undefined;
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = parsed.port ? Number(parsed.port) : DEFAULT_PORTS[parsed.protocol];
  return host && port ? { host, port } : undefined;
}

/** A comma-separated `host:port` list (`[v6]:port` for IPv6); throws with the entry that is not one. */
export function parseServiceEndpoints(text: string): ServiceEndpoint[] {
  return text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '')
    .map((entry) => {
      const match = /^\[([^\]]+)\]:(\d+)$/.exec(entry) ?? /^([^:[\]]+):(\d+)$/.exec(entry);
      const port = parsePort(match?.[2] ?? '');
      if (!match || port === undefined) throw new Error(`"${entry}" is not host:port`);
      return { host: (match[1] ?? '').toLowerCase(), port };
    });
}

/**
 * The installation's services as one of its processes knows them: the TCP endpoints of its service
 * URLs and those `listed` (INTERNAL_SERVICES, `host:port,...`: core and the registry, which the
 * URLs do not name). Throws with the listed entry that is not `host:port`.
 */
export function installationServices(urls: readonly string[], listed = ''): ServiceEndpoint[] {
  const all = [...urls.flatMap((url) => serviceEndpointOfUrl(url) ?? []), ...parseServiceEndpoints(listed)];
  return all.filter((e, i) => all.findIndex((o) => o.host.toLowerCase() === e.host.toLowerCase() && o.port === e.port) === i);
}

/**
 * What a host stands for without asking DNS: an address stands for itself, `localhost` and names
 * below it for loopback (RFC 6761). Empty for other names.
 */
export function addressesWithoutDns(host: string): string[] {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (isIP(bare) !== 0) return [bare];
  if (bare === 'localhost' || bare.endsWith('.localhost')) return ['127.0.0.1', '::1'];
  return [];
}

/** A target about to be checked: its host and port as the URL has them, and the addresses the host stands for. */
export interface TargetAddresses {
  host: string;
  port: number;
  /** Resolved, or the host itself when it is an address; empty when not known (a name DNS was not asked about). */
  addresses: readonly string[];
}

/** A target URL's host and port (the scheme's default when it names none), with what the host stands for without DNS. */
export function targetOfUrl(url: URL): TargetAddresses {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port ? Number(url.port) : (DEFAULT_PORTS[url.protocol] ?? 0);
  return { host, port, addresses: addressesWithoutDns(host) };
}

/**
 * The rules in force: the setting's entries and the installation's services. An address is
 * reached when an entry covers it (an `address:port` entry only on that port) and no `!` entry
 * does; a protected address only when a covering entry lies inside its protected range; one of
 * the installation's services only when an `address:port` entry names it exactly.
 */
export class WebhookTargetRules {
  private constructor(
    private readonly entries: readonly AllowedEntry[],
    private readonly services: readonly ServiceEndpoint[],
  ) {}

  /**
   * `allowedNetworks` is the setting's value (one that does not parse allows nothing); `services`
   * hold the installation's endpoints, names with their resolved addresses as further endpoints
   * when the caller can resolve them.
   */
  static of(allowedNetworks: string, services: readonly ServiceEndpoint[]): WebhookTargetRules {
    const parsed = entriesOf(allowedNetworks);
    return new WebhookTargetRules('entries' in parsed ? parsed.entries : [], services);
  }

  /** Why a delivery to the target is refused (every address it stands for must be allowed), or undefined. */
  refusal(target: TargetAddresses): string | undefined {
    const host = target.host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
    const resolved = target.addresses.map((a) => ({ text: a, bytes: parseAddress(a) }));
    const service = this.services.find((s) => {
      if (s.port !== target.port) return false;
      if (s.host.toLowerCase() === host) return true;
      const bytes = parseAddress(s.host);
      return bytes !== undefined && resolved.some((a) => a.bytes !== undefined && sameAddress(a.bytes, bytes));
    });
    if (service && resolved.length === 0) return `${host}:${target.port} is one of this installation's own services; ${SETTING} must name its address and port to allow it`;
    for (const { text, bytes } of resolved) {
      if (!bytes) return `${text} is not an address`;
      const problem = this.addressRefusal(text, bytes, target.port, service);
      if (problem) return problem;
    }
    return undefined;
  }

  private addressRefusal(text: string, bytes: Uint8Array, port: number, service: ServiceEndpoint | undefined): string | undefined {
    const applies = (e: AllowedEntry) => networkContains(e.network, bytes) && (e.port === undefined || e.port === port);
    const excluded = this.entries.find((e) => e.exclude && applies(e));
    if (excluded) return `${text} is excluded by "${excluded.text}" in ${SETTING}`;
    const covering = this.entries.filter((e) => !e.exclude && applies(e));
    const where = isIP(text) === 6 ? `[${text}]:${port}` : `${text}:${port}`;
    if (service) {
      if (covering.some((e) => e.port === port && e.network.prefix === 128)) return undefined;
      const named = service.name ?? (isIP(service.host) === 6 ? `[${service.host}]:${service.port}` : `${service.host}:${service.port}`);
      return `${where} is one of this installation's own services${named === where ? '' : ` (${named})`}; ${SETTING} must name ${where} to allow it`;
    }
    const range = PROTECTED.find((p) => p.ranges.some((r) => networkContains(r, bytes)));
    if (range) {
      const opened = covering.some((e) => range.ranges.some((r) => networkContains(r, bytes) && networkWithin(e.network, r)));
      return opened ? undefined : `${text} is ${range.what}; webhook targets reach it only where ${SETTING} names it (e.g. ${text})`;
    }
    return covering.length > 0 ? undefined : `${text} is outside ${SETTING}`;
  }
}
