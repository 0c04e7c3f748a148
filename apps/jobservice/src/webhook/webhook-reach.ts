import { lookup } from 'node:dns/promises';
import { RecentRead } from '@wharf/db';
import { type ServiceEndpoint, targetOfUrl, WebhookTargetRules } from '@wharf/policy';
import type { WebhookSettings } from './webhook-settings';

/** An address a delivery connects to. */
export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to every address it has (getaddrinfo, as a connection would). */
export type Resolver = (host: string) => Promise<ResolvedAddress[]>;

const systemResolver: Resolver = (host) => lookup(host, { all: true, verbatim: true });

/** How long the addresses of the installation's named services (core, postgres, ...) are kept. */
const SERVICES_CACHE_MS = 60_000;

/**
 * Where a delivery may go: `connectTo` is the address to connect to (checked, so that the name is
 * not resolved again between the check and the connection: no DNS rebinding), absent when the
 * request goes through a proxy that resolves the name itself.
 */
export type Route = { connectTo?: ResolvedAddress } | { refused: string };

/**
 * Checks each delivery against webhook_allowed_networks and the installation's services: the
 * target's host is resolved once, every address it has must be allowed, and the connection goes
 * to the first of them. Through a proxy, the name is checked as this host resolves it, and a name
 * only the proxy can resolve is left to the proxy (it connects, not this process).
 */
export class WebhookReach {
  private readonly services: RecentRead<ServiceEndpoint[]>;

  constructor(
    private readonly settings: Pick<WebhookSettings, 'allowedNetworks'>,
    services: readonly ServiceEndpoint[],
    private readonly resolve: Resolver = systemResolver,
  ) {
    // Named services also count by the addresses they have now (a target may name core by its address).
    this.services = new RecentRead(SERVICES_CACHE_MS, async () => {
      const resolved = await Promise.all(
        services.map(async (s) => (await this.resolve(s.host).catch(() => [])).map((a) => ({ host: a.address, port: s.port, name: `${s.host}:${s.port}` }))),
      );
      return [...services, ...resolved.flat()];
    });
  }

  /** Throws when the name cannot be resolved for a direct delivery (the queue tries again later). */
  async route(url: URL, viaProxy: boolean): Promise<Route> {
    const target = targetOfUrl(url);
    let addresses: ResolvedAddress[] = target.addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    if (addresses.length === 0) {
      try {
        addresses = await this.resolve(target.host);
      } catch (err) {
        if (!viaProxy) throw new Error(`cannot resolve ${target.host}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    }
    const rules = WebhookTargetRules.of(await this.settings.allowedNetworks(), await this.services.get());
    const refused = rules.refusal({ ...target, addresses: addresses.map((a) => a.address) });
    if (refused) return { refused };
    return viaProxy || addresses.length === 0 ? {} : { connectTo: addresses[0] };
  }
}
