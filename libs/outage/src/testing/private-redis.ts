import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ServerProcess } from './server-process';

const REDIS_SERVER = process.env['WHARF_TEST_REDIS_SERVER'] ?? 'redis-server';

export interface PrivateRedis {
  url: string;
  port: number;
  /** SIGSTOP: connections stay open and new ones are accepted, but nothing is answered. */
  freeze(): void;
  thaw(): void;
  /** Stops the server (thawed first) and removes its directory. */
  stop(): Promise<void>;
}

/** True when a Redis server answers PING on the port. */
export function answersPing(port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/**
 * A Redis server of one test's own on a free loopback port, without persistence: for tests that
 * freeze or stop Redis (never the machine's own).
 */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'wharf-redis-'));
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const server = ServerProcess.spawn('redis-server', REDIS_SERVER, [
      '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning',
    ]);
    try {
      await server.waitUntil(() => answersPing(port));
    } catch (err) {
      lastError = err;
      if (/Address already in use/.test(server.logs())) continue;
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
    return {
      url: `redis://127.0.0.1:${port}`,
      port,
      freeze: () => server.freeze(),
      thaw: () => server.thaw(),
      async stop() {
        await server.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError;
}
