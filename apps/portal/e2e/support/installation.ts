import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * A real installation for the console's end-to-end tests: ./install.sh on a copy of this checkout
 * (its node_modules and dist shared by symlink), plain HTTP on a free loopback port, bundled
 * PostgreSQL and Redis, removed by stop().
 */

export const REPO = resolve(__dirname, '../../../..');

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: string[], options: { cwd?: string; timeoutMs?: number; input?: string } = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.stdin.end(options.input ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

export async function runOk(command: string, args: string[], options: Parameters<typeof run>[2] = {}): Promise<RunResult> {
  const r = await run(command, args, options);
  if (r.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

/**
 * A free port below Linux's ephemeral range (32768-60999): a port the kernel handed out with
 * `listen(0)` can be taken again as the source port of any outgoing connection (of another test's
 * installation, say) before the service it was meant for binds it.
 */
async function freePort(): Promise<number> {
  for (;;) {
    const candidate = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((res) => {
      const s = createServer();
      s.once('error', () => res(false));
      s.listen(candidate, '127.0.0.1', () => s.close(() => res(true)));
    });
    if (free) return candidate;
  }
}

export interface Installation {
  /** http://127.0.0.1:<port>: the console, the API and the registry behind the gateway. */
  url: string;
  /** 127.0.0.1:<port>, as clients name the registry. */
  host: string;
  adminPassword: string;
  root: string;
  installOutput: string;
  stop(): Promise<void>;
}

export async function install(adminPassword: string): Promise<Installation> {
  // The copy runs the checkout's compiled tree and console build: build both so install.sh finds them current.
  await runOk(process.execPath, [join(REPO, 'tools/build.mjs')], { cwd: REPO, timeoutMs: 300_000 });
  const root = mkdtempSync(join(tmpdir(), 'wharf-console-'));
  // The bundled PostgreSQL runs as its own user and must reach the data volume.
  chmodSync(root, 0o755);
  const copy = join(root, 'wharf');
  mkdirSync(copy);
  await runOk('tar', ['-C', REPO, '--exclude=./node_modules', '--exclude=./dist', '--exclude=./data', '--exclude=./.git', '--exclude=./tmp', '-cf', join(root, 'src.tar'), '.']);
  await runOk('tar', ['-C', copy, '-xf', join(root, 'src.tar')]);
  rmSync(join(root, 'src.tar'));
  symlinkSync(join(REPO, 'node_modules'), join(copy, 'node_modules'));
  symlinkSync(join(REPO, 'dist'), join(copy, 'dist'));
  const [http, core, registry] = [await freePort(), await freePort(), await freePort()];
  writeFileSync(
    join(copy, 'harbor.yml'),
    [
      'hostname: 127.0.0.1',
      'http:',
      `  port: ${http}`,
      `harbor_admin_password: ${JSON.stringify(adminPassword)}`,
      'database:',
      '  password: root123',
      '  max_idle_conns: 10',
      '  max_open_conns: 40',
      `data_volume: ${join(root, 'data')}`,
      'log:',
      '  level: info',
      '  local:',
      '    rotate_count: 3',
      '    rotate_size: 10M',
      `    location: ${join(root, 'log')}`,
      'wharf:',
      `  core_port: ${core}`,
      `  registry_port: ${registry}`,
      '  registry_workers: 1',
      '',
    ].join('\n'),
  );
  const stop = async () => {
    if (existsSync(join(copy, 'harbor.yml'))) await run('./install.sh', ['--stop'], { cwd: copy, timeoutMs: 120_000 });
    rmSync(root, { recursive: true, force: true });
  };
  const r = await run('./install.sh', [], { cwd: copy, timeoutMs: 300_000 });
  if (r.code !== 0) {
    await stop();
    throw new Error(`./install.sh exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  }
  return { url: `http://127.0.0.1:${http}`, host: `127.0.0.1:${http}`, adminPassword, root, installOutput: r.stdout, stop };
}

/** Harbor's API with Basic credentials (the test's own set-up, beside what it does in the browser). */
export async function apiCall<T = unknown>(inst: Installation, method: string, path: string, body?: unknown, user = `admin:${inst.adminPassword}`): Promise<{ status: number; body: T }> {
  const response = await fetch(`${inst.url}/api/v2.0${path}`, {
    method,
    headers: { authorization: 'Basic ' + Buffer.from(user).toString('base64'), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as T };
}
