import { createServer, type Server } from 'node:net';
import type { HarborConfig } from '@wharf/config';
import { installationPorts, portsInUse } from './ports';

function listen(host: string): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, host, () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : 0 });
    });
  });
}

const configWith = (http: number, core: number, registry: number): HarborConfig =>
  ({ http: { port: http }, wharf: { core_port: core, registry_port: registry } }) as HarborConfig;

describe('portsInUse', () => {
  const servers: Server[] = [];
  afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

  it('names the key of each port another program holds, on loopback too, except those the running installation holds', async () => {
    const held = await listen('127.0.0.1');
    const free = await listen('127.0.0.1');
    servers.push(held.server);
    await new Promise((r) => free.server.close(r));
    const config = configWith(held.port, free.port, free.port);
    expect(await portsInUse(config)).toEqual([`http.port: port ${held.port} is already in use`]);
    expect(await portsInUse(config, [held.port])).toEqual([]);
  });

  it('lists every port an installation listens on, https only when set', () => {
    const config = configWith(80, 8080, 5000);
    expect(installationPorts(config)).toEqual([['http.port', 80], ['wharf.core_port', 8080], ['wharf.registry_port', 5000]]);
    expect(installationPorts({ ...config, https: { port: 443, certificate: '/c', private_key: '/k' } }).map(([key]) => key)).toEqual(['http.port', 'https.port', 'wharf.core_port', 'wharf.registry_port']);
  });
});
