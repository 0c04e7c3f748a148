import type { HarborConfig } from '@wharf/config';
import { externalUrl } from './service-env';

/**
 * What the installer prints once the installation answers: where it is, the web console's
 * address, how to log in and, for plain HTTP, the line Docker needs before it talks to a registry
 * without TLS.
 */
export function readyMessage(config: HarborConfig, logDir: string): string[] {
  const url = externalUrl(config);
  // host[:port] as clients name the registry: the scheme's default port is left out.
  const address = new URL(url).host;
  const lines = ['', `Wharf is running at ${url}`, `  web console: ${url}/`, `  log in:  docker login ${address}`];
  if (new URL(url).protocol === 'http:') {
    lines.push(
      '  plain HTTP: Docker refuses it until each client lists it in /etc/docker/daemon.json and dockerd restarts:',
      `    {"insecure-registries": ["${address}"]}`,
      '  (podman, skopeo: --tls-verify=false; or set https in harbor.yml)',
    );
  }
  lines.push(
    '  admin user: admin (password: harbor_admin_password in harbor.yml, used when admin was first created)',
    `  status: ./install.sh --status    stop: ./install.sh --stop    logs: ${logDir}`,
  );
  return lines;
}
