import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
// The gateway exactly as the installer renders it; the bench only chooses ports and paths.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { nginxArgs } from '../../../install/src/gateway/nginx-command';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { ACCEL_PREFIX, renderNginxConfig } from '../../../install/src/gateway/nginx-config';
import { NGINX_BIN } from './nginx';
import { freePort, ManagedServer, spawnLogged, stopProcess, waitForHttp } from './process';

/** What the Wharf behind the gateway must have in REGISTRY_ACCEL_PREFIX. */
export const GATEWAY_ACCEL_PREFIX = ACCEL_PREFIX;

/**
 * Wharf's nginx gateway in front of the Wharf the bench started (which must run with
 * REGISTRY_ACCEL_PREFIX): pulls are authorized by the registry and sent by nginx from the blob
 * file. Two workers, as the static-file baseline, so the two compare. There is no core here; only
 * /v2/ is measured, so core's routes point at the registry too.
 */
export async function startGateway(dir: string, registryUrl: string, blobRoot: string): Promise<ManagedServer> {
  const port = await freePort();
  mkdirSync(dir, { recursive: true });
  // nginx's workers drop to an unprivileged user when started as root: they must reach the files.
  chmodSync(dir, 0o755);
  const registry = new URL(registryUrl).host;
  const errorLog = join(dir, 'error.log');
  writeFileSync(
    join(dir, 'nginx.conf'),
    renderNginxConfig({
      prefix: dir,
      hostname: 'localhost',
      httpPort: port,
      listenAddress: '127.0.0.1',
      coreUpstream: registry,
      registryUpstream: registry,
      blobRoot,
      accessLog: join(dir, 'access.log'),
      errorLog,
      workerProcesses: 2,
    }),
  );
  const logFile = join(dir, 'nginx.out.log');
  const child = spawnLogged(NGINX_BIN, nginxArgs(dir), { logFile });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/v2/`, child, 'the gateway', errorLog);
  } catch (err) {
    await stopProcess(child);
    throw err;
  }
  return { label: 'Wharf via gateway', url, pid: child.pid as number, child, logFile: errorLog, stop: () => stopProcess(child) };
}
