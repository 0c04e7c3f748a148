import { createServer } from 'node:net';
import type { HarborConfig } from '@wharf/config';
import { corePort, registryPort } from './service-env';

/** Every port an installation of `config` listens on, with the harbor.yml key that sets it. */
export function installationPorts(config: HarborConfig): [key: string, port: number][] {
  return [
    ['http.port', config.http.port],
    ...(config.https ? ([['https.port', config.https.port]] as [string, number][]) : []),
    ['wharf.core_port', corePort(config)],
    ['wharf.registry_port', registryPort(config)],
  ];
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.once('error', () => resolveFree(false));
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => server.close(() => resolveFree(true)));
  });
}

/**
 * The ports `config` needs that another program holds, as `key: port N is already in use`
 * lines. `own` are held by the running installation, which a new start replaces: they count as
 * free.
 */
export async function portsInUse(config: HarborConfig, own: readonly number[] = []): Promise<string[]> {
  const busy: string[] = [];
  for (const [key, port] of installationPorts(config)) {
    if (!own.includes(port) && !(await portFree(port))) busy.push(`${key}: port ${port} is already in use`);
  }
  return busy;
}
