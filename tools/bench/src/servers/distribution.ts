import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, ManagedServer, spawnLogged, stopProcess, waitForHttp } from './process';

export const DISTRIBUTION_BIN = '/usr/bin/docker-registry';

export function distributionAvailable(): boolean {
  return existsSync(DISTRIBUTION_BIN);
}

/**
 * Debian's distribution (docker-registry) on a free loopback port with a filesystem root under
 * `tmpDir`. The blob-descriptor cache is the in-memory one of Debian's and upstream's default
 * config; the access log is off because Wharf at LOG_LEVEL=warn logs no request either.
 */
export async function startDistribution(tmpDir: string): Promise<ManagedServer> {
  const port = await freePort();
  const root = join(tmpDir, 'distribution-root');
  mkdirSync(root, { recursive: true });
  const config = join(tmpDir, 'distribution.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: error',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${root}`,
      '  delete:',
      '    enabled: true',
      '  cache:',
      '    blobdescriptor: inmemory',
      'http:',
      `  addr: 127.0.0.1:${port}`,
      '',
    ].join('\n'),
  );
  const logFile = join(tmpDir, 'distribution.log');
  const child = spawnLogged(DISTRIBUTION_BIN, ['serve', config], { logFile });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/v2/`, child, 'distribution', logFile);
  } catch (err) {
    await stopProcess(child);
    throw err;
  }
  let version: string | undefined;
  try {
    version = execFileSync(DISTRIBUTION_BIN, ['--version'], { encoding: 'utf8' }).trim().split(/\s+/).pop();
  } catch {
    version = undefined;
  }
  return { label: 'distribution', url, pid: child.pid as number, version, child, logFile, stop: () => stopProcess(child) };
}
