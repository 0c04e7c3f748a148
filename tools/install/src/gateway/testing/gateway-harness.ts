import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NGINX_BIN, nginxArgs } from '../nginx-command';
import { GatewayOptions, renderNginxConfig } from '../nginx-config';

export interface TestGateway {
  /** http://127.0.0.1:<httpPort> */
  url: string;
  httpPort: number;
  httpsPort?: number;
  prefix: string;
  options: GatewayOptions;
  accessLog: string;
  errorLog: string;
  /** The log files' text so far. */
  logs(): { access: string; error: string };
  stop(): Promise<void>;
}

export type TestGatewayOptions = Omit<GatewayOptions, 'prefix' | 'httpPort' | 'https' | 'accessLog' | 'errorLog' | 'hostname'> & {
  hostname?: string;
  https?: { certificate: string; privateKey: string };
};

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves once something answers HTTP on the port (any status). */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/**
 * The gateway as the installer runs it (the rendered config, `nginx -p <prefix> ... -g 'daemon
 * off;'`), on free loopback ports with a temporary prefix. Workers run as root when the test
 * does: test data directories are private to their owner.
 */
export async function startTestGateway(o: TestGatewayOptions): Promise<TestGateway> {
  const prefix = mkdtempSync(join(tmpdir(), 'wharf-gateway-'));
  chmodSync(prefix, 0o755);
  const logDir = join(prefix, 'logs');
  mkdirSync(logDir);
  const httpPort = await freePort();
  const httpsPort = o.https ? await freePort() : undefined;
  const options: GatewayOptions = {
    hostname: 'localhost',
    listenAddress: '127.0.0.1',
    workerProcesses: 2,
    ...(process.getuid?.() === 0 ? { user: 'root' } : {}),
    ...o,
    prefix,
    httpPort,
    https: o.https && httpsPort ? { port: httpsPort, certificate: o.https.certificate, privateKey: o.https.privateKey } : undefined,
    accessLog: join(logDir, 'access.log'),
    errorLog: join(logDir, 'error.log'),
  };
  if (options.https === undefined) delete options.https;
  writeFileSync(join(prefix, 'nginx.conf'), renderNginxConfig(options));
  const output: Buffer[] = [];
  const child: ChildProcess = spawn(NGINX_BIN, nginxArgs(prefix), { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (c: Buffer) => output.push(c));
  child.stderr?.on('data', (c: Buffer) => output.push(c));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const read = (file: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return '';
    }
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(prefix, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const why = `${Buffer.concat(output).toString()}${read(options.errorLog)}`;
      await stop();
      throw new Error(`nginx exited before it was ready:\n${why}`);
    }
    if ((await answers(httpPort)) && (httpsPort === undefined || (await answers(httpsPort)))) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`nginx did not answer within 10 s:\n${read(options.errorLog)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `http://127.0.0.1:${httpPort}`,
    httpPort,
    httpsPort,
    prefix,
    options,
    accessLog: options.accessLog,
    errorLog: options.errorLog,
    logs: () => ({ access: read(options.accessLog), error: read(options.errorLog) }),
    stop,
  };
}
