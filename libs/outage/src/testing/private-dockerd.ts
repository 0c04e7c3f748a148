import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ServerProcess } from './server-process';

export interface PrivateDockerd {
  /** `unix://…/docker.sock`: the value of docker's `-H`. */
  host: string;
  /** A DOCKER_CONFIG of its own, so that logins never touch the machine's. */
  configDir: string;
  /** Stops the engine (SIGTERM, then SIGKILL of everything below it after 20 s). */
  stop(): Promise<void>;
}

function dockerInfo(host: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('docker', ['-H', host, 'info', '--format', '{{.ServerVersion}}'], { timeout: 10_000 }, (err) => resolve(!err));
  });
}

/**
 * A Docker engine of one test's own under `dir` (vfs storage, no bridge, no iptables: it starts on
 * machines where containers cannot run, enough for login, push and pull), never the machine's own.
 * Resolves to the reason instead when the engine does not start here, for the test to skip on.
 */
export async function startPrivateDockerd(dir: string, timeoutMs = 60_000): Promise<PrivateDockerd | { skipReason: string }> {
  await mkdir(dir, { recursive: true });
  const host = `unix://${join(dir, 'docker.sock')}`;
  const server = ServerProcess.spawn('dockerd', 'dockerd', [
    '--storage-driver', 'vfs', '--iptables=false', '--ip6tables=false', '--bridge=none',
    '--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'), '--pidfile', join(dir, 'dockerd.pid'), '-H', host,
  ]);
  try {
    await server.waitUntil(() => dockerInfo(host), timeoutMs);
  } catch {
    await server.kill().catch(() => undefined);
    return { skipReason: `dockerd did not start here: ${server.logs().trim().split('\n').slice(-3).join(' ')}` };
  }
  return { host, configDir: join(dir, 'config'), stop: () => server.stop('SIGTERM', 20_000) };
}
