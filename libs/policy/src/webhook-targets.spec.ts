import {
  addressesWithoutDns,
  allowedNetworksProblem,
  DEFAULT_WEBHOOK_ALLOWED_NETWORKS,
  installationServices,
  parseServiceEndpoints,
  serviceEndpointOfUrl,
  targetOfUrl,
  WebhookTargetRules,
} from './webhook-targets';

const SERVICES = [
  { host: '127.0.0.1', port: 8080 },
  { host: 'core', port: 8080 },
  { host: '172.18.0.5', port: 8080 },
  { host: 'registry.example.com', port: 443 },
];

/** The refusal of `host`:`port` standing for `addresses` (the host itself when it is an address). */
function refusal(setting: string, host: string, port: number, addresses = addressesWithoutDns(host)): string | undefined {
  return WebhookTargetRules.of(setting, SERVICES).refusal({ host, port, addresses });
}

describe('webhook target rules, by default', () => {
  it('reach public and private addresses', () => {
    for (const address of ['8.8.8.8', '10.1.2.3', '192.168.1.10', '172.16.0.1', '2001:db8::1', 'fd12::1']) {
      expect(refusal(DEFAULT_WEBHOOK_ALLOWED_NETWORKS, address, 80)).toBeUndefined();
    }
    expect(refusal(DEFAULT_WEBHOOK_ALLOWED_NETWORKS, 'hooks.example.com', 443, ['93.184.216.34'])).toBeUndefined();
  });

  it.each([
    ['127.0.0.1', /127\.0\.0\.1 is a loopback address; webhook targets reach it only where webhook_allowed_networks names it/],
    ['127.1.2.3', /loopback/],
    ['::1', /loopback/],
    ['::ffff:127.0.0.1', /loopback/],
    ['localhost', /loopback/],
    ['app.localhost', /loopback/],
    ['169.254.169.254', /link-local address \(where cloud metadata services answer\)/],
    ['fe80::1', /link-local/],
    ['fd00:ec2::254', /cloud metadata/],
    ['100.100.100.200', /cloud metadata/],
    ['0.0.0.0', /unspecified/],
    ['::', /unspecified/],
    ['224.0.0.1', /multicast/],
    ['255.255.255.255', /broadcast/],
  ])('refuse %s', (host, reason) => {
    expect(refusal(DEFAULT_WEBHOOK_ALLOWED_NETWORKS, host, 9000)).toMatch(reason);
  });

  it('refuse the installation’s own services, by name or by address, on their ports only', () => {
    expect(refusal(DEFAULT_WEBHOOK_ALLOWED_NETWORKS, 'core', 8080, ['172.18.0.5'])).toMatch(/^172\.18\.0\.5:8080 is one of this installation's own services \(core:8080\); webhook_allowed_networks must name 172\.18\.0\.5:8080 to allow it$/);
    expect(refusal(DEFAULT_WEBHOOK_ALLOWED_NETWORKS, '172.18.0.5', 8080)).toMatch(/own services/);
    expect(refusal(DEFAULT_WEBHOOK_ALLOWED_NETWORKS, 'registry.example.com', 443, ['203.0.113.7'])).toMatch(/own services/);
    // Not resolved (core saving a policy): the name alone is enough to refuse.
    expect(refusal(DEFAULT_WEBHOOK_ALLOWED_NETWORKS, 'CORE', 8080, [])).toBe("core:8080 is one of this installation's own services; webhook_allowed_networks must name its address and port to allow it");
    expect(refusal(DEFAULT_WEBHOOK_ALLOWED_NETWORKS, '172.18.0.5', 9090)).toBeUndefined();
    expect(refusal(DEFAULT_WEBHOOK_ALLOWED_NETWORKS, 'registry.example.com', 8443, ['203.0.113.7'])).toBeUndefined();
  });

  it('refuse a name when any of its addresses is refused', () => {
    expect(refusal(DEFAULT_WEBHOOK_ALLOWED_NETWORKS, 'rebound.example.com', 80, ['93.184.216.34', '127.0.0.1'])).toMatch(/loopback/);
  });
});

describe('webhook target rules, as an administrator sets them', () => {
  it('open a protected range only by naming it or a network inside it, never by a broad entry', () => {
    expect(refusal('0.0.0.0/0,::/0,127.0.0.1', '127.0.0.1', 9000)).toBeUndefined();
    expect(refusal('0.0.0.0/0,::/0,127.0.0.1', '127.0.0.2', 9000)).toMatch(/loopback/);
    expect(refusal('127.0.0.0/8', '127.0.0.2', 9000)).toBeUndefined();
    expect(refusal('::/0', '127.0.0.1', 9000)).toMatch(/loopback/);
    expect(refusal('0.0.0.0/0,127.0.0.1:9000', '127.0.0.1', 9000)).toBeUndefined();
    expect(refusal('0.0.0.0/0,127.0.0.1:9000', '127.0.0.1', 9001)).toMatch(/loopback/);
    expect(refusal('169.254.169.254', '169.254.169.254', 80)).toBeUndefined();
  });

  it('open an own service only by its exact address and port, even where its range is open', () => {
    expect(refusal('0.0.0.0/0,127.0.0.1', '127.0.0.1', 8080)).toMatch(/own services; webhook_allowed_networks must name 127\.0\.0\.1:8080/);
    expect(refusal('0.0.0.0/0,127.0.0.1,127.0.0.1:8080', '127.0.0.1', 8080)).toBeUndefined();
    expect(refusal('0.0.0.0/0,172.18.0.5:8080', 'core', 8080, ['172.18.0.5'])).toBeUndefined();
  });

  it('restrict: only what is listed, less what "!" entries exclude', () => {
    expect(refusal('10.0.0.0/8', '8.8.8.8', 443)).toBe('8.8.8.8 is outside webhook_allowed_networks');
    expect(refusal('10.0.0.0/8', '10.9.9.9', 443)).toBeUndefined();
    const publicOnly = '0.0.0.0/0,::/0,!10.0.0.0/8,!172.16.0.0/12,!192.168.0.0/16,!fc00::/7';
    expect(refusal(publicOnly, '192.168.1.1', 80)).toBe('192.168.1.1 is excluded by "!192.168.0.0/16" in webhook_allowed_networks');
    expect(refusal(publicOnly, '8.8.8.8', 80)).toBeUndefined();
    expect(refusal('', '8.8.8.8', 80)).toMatch(/outside/);
  });
});

describe('a target URL', () => {
  it('gives its host, its port or the scheme’s, and what the host stands for without DNS', () => {
    expect(targetOfUrl(new URL('https://hooks.example.com/x'))).toEqual({ host: 'hooks.example.com', port: 443, addresses: [] });
    expect(targetOfUrl(new URL('http://[::1]:9000/x'))).toEqual({ host: '::1', port: 9000, addresses: ['::1'] });
    expect(targetOfUrl(new URL('http://LOCALHOST/x'))).toEqual({ host: 'localhost', port: 80, addresses: ['127.0.0.1', '::1'] });
    expect(targetOfUrl(new URL('http://2130706433/x'))).toEqual({ host: '127.0.0.1', port: 80, addresses: ['127.0.0.1'] });
  });
});

describe('the setting’s value', () => {
  it('takes addresses, networks, address:port and "!" entries, and names the entry it cannot read', () => {
    expect(allowedNetworksProblem(DEFAULT_WEBHOOK_ALLOWED_NETWORKS)).toBeUndefined();
    expect(allowedNetworksProblem(' 10.0.0.0/8 , 127.0.0.1:9000, [::1]:9000, !192.168.0.0/16, fe80::/10, ')).toBeUndefined();
    expect(allowedNetworksProblem('')).toBeUndefined();
    for (const bad of ['localhost', '10.0.0.0/40', '127.0.0.1:0', '127.0.0.1:70000', '10.0.0.0/8:80', '*']) {
      expect(allowedNetworksProblem(`0.0.0.0/0,${bad}`)).toBe(`webhook_allowed_networks: ${JSON.stringify(bad)} is not an address, a network (address/prefix) or address:port, with an optional leading "!"`);
    }
  });
});

describe('the installation’s services', () => {
  it('are read from the service URLs, unix sockets left out', () => {
    expect(serviceEndpointOfUrl('https://registry.example.com')).toEqual({ host: 'registry.example.com', port: 443 });
    expect(serviceEndpointOfUrl('http://reg.example.com:8080/')).toEqual({ host: 'reg.example.com', port: 8080 });
    expect(serviceEndpointOfUrl('postgres://wharf:pw@postgres:5432/registry')).toEqual({ host: 'postgres', port: 5432 });
    expect(serviceEndpointOfUrl('postgresql://db.internal/registry')).toEqual({ host: 'db.internal', port: 5432 });
    expect(serviceEndpointOfUrl('redis://[::1]/0')).toEqual({ host: '::1', port: 6379 });
    expect(serviceEndpointOfUrl('postgres://wharf:pw@localhost/registry?host=%2Fvar%2Frun%2Fwharf')).toBeUndefined();
    expect(serviceEndpointOfUrl('redis://localhost/0?path=%2Fvar%2Frun%2Fredis.sock')).toBeUndefined();
  });

  it('are read from a host:port list, which names the entry it cannot read', () => {
    expect(parseServiceEndpoints('Core:8080, registry:5000,[fd00::5]:5000,')).toEqual([
      { host: 'core', port: 8080 },
      { host: 'registry', port: 5000 },
      { host: 'fd00::5', port: 5000 },
    ]);
    expect(() => parseServiceEndpoints('core')).toThrow('"core" is not host:port');
    expect(() => parseServiceEndpoints('core:0')).toThrow('"core:0" is not host:port');
  });

  it('are the URLs’ endpoints and the listed ones, each once', () => {
    expect(installationServices(['https://reg.example.com', 'redis://redis:6379', 'redis://redis/1', 'postgres://x@postgres/registry'], 'core:8080,REDIS:6379')).toEqual([
      { host: 'reg.example.com', port: 443 },
      { host: 'redis', port: 6379 },
      { host: 'postgres', port: 5432 },
      { host: 'core', port: 8080 },
    ]);
  });
});
