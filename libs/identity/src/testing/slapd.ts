import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sshaPassword } from './ldif';

const SLAPD = process.env['WHARF_TEST_SLAPD'] ?? '/usr/sbin/slapd';
const SLAPADD = process.env['WHARF_TEST_SLAPADD'] ?? '/usr/sbin/slapadd';
const MODULE_PATH = '/usr/lib/ldap';
const SCHEMA_DIR = '/etc/ldap/schema';

export interface SlapdOptions {
  /** The naming context, e.g. `dc=wharf,dc=test`. */
  suffix: string;
  /** LDIF loaded with slapadd before the server starts; it must contain the suffix entry. */
  ldif: string;
}

export interface Slapd {
  url: string;
  port: number;
  suffix: string;
  /** The database's root DN and password (bypasses access control). */
  rootDn: string;
  rootPassword: string;
  /** Stops the server (idempotent) and removes its files. */
  stop(): Promise<void>;
}

function config(dir: string, suffix: string, rootDn: string, rootPassword: string): string {
  return [
    ...['core', 'cosine', 'inetorgperson', 'nis'].map((s) => `include ${SCHEMA_DIR}/${s}.schema`),
    `pidfile ${join(dir, 'slapd.pid')}`,
    `argsfile ${join(dir, 'slapd.args')}`,
    `modulepath ${MODULE_PATH}`,
    'moduleload back_mdb',
    // Accept binds with a DN and an empty password as unauthenticated successes, as Active
    // Directory and many other servers do, so tests catch clients that take them for logins.
    'allow bind_anon_dn',
    // Passwords are readable by nobody and usable only to bind; entries are readable by
    // authenticated clients only, so searching needs the service account as in real directories.
    'access to attrs=userPassword by anonymous auth by * none',
    'access to * by users read by * none',
    'database mdb',
    `suffix "${suffix}"`,
    `rootdn "${rootDn}"`,
    `rootpw ${sshaPassword(rootPassword)}`,
    `directory ${join(dir, 'data')}`,
    'maxsize 16777216',
    'index objectClass,uid,cn,member eq',
    '',
  ].join('\n');
}

function run(file: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, (err, stdout, stderr) => (err ? reject(new Error(`${file} ${args.join(' ')} failed: ${err.message}\n${stderr}${stdout}`)) : resolve()));
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Waits until slapd accepts connections; rejects with its stderr if it exits first. */
async function ready(child: ChildProcess, port: number, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`slapd exited (${child.exitCode ?? child.signalCode}) before listening:\n${stderr()}`);
    }
    if (await canConnect(port)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill('SIGKILL');
  throw new Error(`slapd did not listen on 127.0.0.1:${port} within 10 s:\n${stderr()}`);
}

/**
 * A private OpenLDAP server for one test file: own temporary config and mdb database seeded with
 * slapadd, listening on a free loopback port. Fails with slapd's own messages when it cannot start.
 */
export async function startSlapd(options: SlapdOptions): Promise<Slapd> {
  const dir = await mkdtemp(join(tmpdir(), 'wharf-slapd-'));
  const rootDn = `cn=admin,${options.suffix}`;
  const rootPassword = 'Root-Password-1';
  try {
    await mkdir(join(dir, 'data'));
    const conf = join(dir, 'slapd.conf');
    await writeFile(conf, config(dir, options.suffix, rootDn, rootPassword));
    await writeFile(join(dir, 'seed.ldif'), options.ldif);
    await run(SLAPADD, ['-q', '-f', conf, '-l', join(dir, 'seed.ldif')]);

    // The port is free when probed but could be taken before slapd binds it: try a few.
    let lastError: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      const port = await freePort();
      const url = `ldap://127.0.0.1:${port}`;
      // `-d none` keeps slapd in the foreground (so it is our child to stop) and prints only errors.
      const child = spawn(SLAPD, ['-f', conf, '-h', `${url}/`, '-d', 'none'], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      // Never leave a server behind when the test process ends without calling stop().
      const killOnExit = () => child.kill('SIGKILL');
      process.once('exit', killOnExit);
      child.once('exit', () => process.removeListener('exit', killOnExit));
      const spawnError = new Promise<never>((_, reject) => child.once('error', (err) => reject(new Error(`cannot run ${SLAPD}: ${err.message}`))));
      try {
        await Promise.race([ready(child, port, () => stderr), spawnError]);
      } catch (err) {
        lastError = err;
        if (/Address already in use/.test(stderr)) continue;
        throw err;
      }
      let stopped: Promise<void> | undefined;
      return {
        url,
        port,
        suffix: options.suffix,
        rootDn,
        rootPassword,
        stop() {
          stopped ??= (async () => {
            if (child.exitCode === null && child.signalCode === null) {
              child.kill('SIGTERM');
              const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
              await exited(child);
              clearTimeout(timer);
            }
            await rm(dir, { recursive: true, force: true });
          })();
          return stopped;
        },
      };
    }
    throw lastError;
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
