import { LOOPBACK_RECEIVERS } from './testing/fixture';
import { type Resolver, WebhookReach } from './webhook-reach';

/** A resolver that knows only these names (anything else: ENOTFOUND), counting what it is asked. */
function resolverOf(names: Record<string, string[]>): Resolver & { asked: string[] } {
  const asked: string[] = [];
  const resolve = async (host: string) => {
    asked.push(host);
    const addresses = names[host];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { asked });
}

const reach = (allowed: string, names: Record<string, string[]>, services = [{ host: 'core', port: 8080 }]) => {
  const resolver = resolverOf(names);
  return { reach: new WebhookReach({ allowedNetworks: async () => allowed }, services, resolver), resolver };
};
const DEFAULT = '0.0.0.0/0,::/0';

describe('where a delivery connects', () => {
  it('connects to the address the name was checked as', async () => {
    const { reach: r } = reach(DEFAULT, { 'hooks.example.com': ['93.184.216.34', '2606:2800:220:1::1'] });
    expect(await r.route(new URL('https://hooks.example.com/x'), false)).toEqual({ connectTo: { address: '93.184.216.34', family: 4 } });
    expect(await r.route(new URL('http://10.1.2.3:8080/x'), false)).toEqual({ connectTo: { address: '10.1.2.3', family: 4 } });
  });

  it('refuses a name with any address it may not reach (a record pointing at loopback or metadata)', async () => {
    const { reach: r } = reach(DEFAULT, { 'rebind.example.com': ['93.184.216.34', '127.0.0.1'], 'meta.example.com': ['169.254.169.254'] });
    expect(await r.route(new URL('http://rebind.example.com/x'), false)).toEqual({ refused: expect.stringMatching(/^127\.0\.0\.1 is a loopback address/) });
    expect(await r.route(new URL('http://meta.example.com/x'), false)).toEqual({ refused: expect.stringMatching(/^169\.254\.169\.254 is a link-local address/) });
    // Through a proxy the name is checked all the same, as this host resolves it.
    expect(await r.route(new URL('http://meta.example.com/x'), true)).toEqual({ refused: expect.stringMatching(/link-local/) });
  });

  it('refuses the installation’s services by name and by the addresses their names have', async () => {
    const { reach: r, resolver } = reach(LOOPBACK_RECEIVERS, { core: ['10.0.0.5'] });
    expect(await r.route(new URL('http://core:8080/api/v2.0/users'), false)).toEqual({ refused: expect.stringMatching(/^10\.0\.0\.5:8080 is one of this installation's own services \(core:8080\)/) });
    expect(await r.route(new URL('http://10.0.0.5:8080/api/v2.0/users'), false)).toEqual({ refused: expect.stringMatching(/^10\.0\.0\.5:8080 is one of this installation's own services \(core:8080\)/) });
    expect(await r.route(new URL('http://10.0.0.5:9090/'), false)).toEqual({ connectTo: { address: '10.0.0.5', family: 4 } });
    // Asked for the first target, and for the services once for all three.
    expect(resolver.asked.filter((h) => h === 'core')).toHaveLength(2);
  });

  it('a name nobody can resolve: retried later when direct, left to the proxy otherwise', async () => {
    const { reach: r } = reach(DEFAULT, {});
    await expect(r.route(new URL('http://hooks.invalid/x'), false)).rejects.toThrow('cannot resolve hooks.invalid: ENOTFOUND');
    expect(await r.route(new URL('http://hooks.invalid/x'), true)).toEqual({});
  });

  it('asks no DNS for addresses and localhost', async () => {
    const { reach: r, resolver } = reach(LOOPBACK_RECEIVERS, {}, []);
    expect(await r.route(new URL('http://127.0.0.1:9000/x'), false)).toEqual({ connectTo: { address: '127.0.0.1', family: 4 } });
    // localhost is also ::1, which this setting does not open.
    expect(await r.route(new URL('http://localhost:9000/x'), false)).toEqual({ refused: expect.stringMatching(/^::1 is a loopback address/) });
    expect(resolver.asked).toEqual([]);
  });
});
