import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './health';
import { isRoot } from './binaries';
import type { Layout } from './layout';

/** The operating-system account the bundled PostgreSQL runs as; its name is also the superuser role. */
export interface PgUser {
  name: string;
  uid: number;
  gid: number;
}

/** `postgres` when running as root (PostgreSQL refuses root), else the current user. */
export function postgresUser(): PgUser {
  if (!isRoot()) {
    const me = userInfo();
    return { name: me.username, uid: me.uid, gid: me.gid };
  }
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) throw new Error('the system user "postgres" does not exist; install the postgresql package');
  return { name: 'postgres', uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function asUser(user: PgUser) {
  return isRoot() ? { uid: user.uid, gid: user.gid } : {};
}

function run(command: string, args: string[], user: PgUser, input?: string): void {
  const result = spawnSync(command, args, { ...asUser(user), cwd: '/', input, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  if (result.error) throw new Error(`failed to run ${command}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args[0] ?? ''} failed (exit ${result.status}):\n${(result.stderr || result.stdout).trim()}`);
}

/** Directories the server writes, owned by its user. */
export function prepareDirectories(layout: Layout, user: PgUser): void {
  for (const dir of [layout.databaseDir, layout.pgSocketDir]) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (isRoot()) chownSync(dir, user.uid, user.gid);
    chmodSync(dir, 0o700);
  }
  // The socket directory is reached by core and the registry (root or the installing user).
  chmodSync(layout.pgSocketDir, 0o711);
}

/** Creates the cluster on the first run only (PG_VERSION marks an initialised data directory). */
export function ensureCluster(layout: Layout, user: PgUser, binDir: string): boolean {
  if (existsSync(join(layout.databaseDir, 'PG_VERSION'))) return false;
  run(join(binDir, 'initdb'), ['-D', layout.databaseDir, '-U', user.name, '-E', 'UTF8', '--locale=C', '--auth-local=peer', '--auth-host=reject'], user);
  // Only unix sockets: the superuser through peer authentication, everyone else with a password.
  const hba = [
    '# Written by the Wharf installer.',
    `local all ${user.name} peer`,
    'local all all scram-sha-256',
    '',
  ].join('\n');
  const hbaFile = join(layout.databaseDir, 'pg_hba.conf');
  writeFileSync(hbaFile, hba, { mode: 0o600 });
  if (isRoot()) chownSync(hbaFile, user.uid, user.gid);
  return true;
}

/**
 * How the server runs, for set-up work and under the supervisor alike: on a unix socket only,
 * which only its own user and root may open (Wharf's services run as one or the other), so
 * that a password known to others (harbor.yml's database.password) gives them nothing.
 */
export function postgresServerArgs(layout: Layout): string[] {
  return ['-D', layout.databaseDir, '-c', 'listen_addresses=', '-c', `unix_socket_directories=${layout.pgSocketDir}`, '-c', 'unix_socket_permissions=0700'];
}

/**
 * Runs the server for set-up work (role, database, migrations) before the supervisor takes over,
 * and stops it (fast shutdown) afterwards, whatever `work` does.
 */
export async function withTemporaryServer<T>(layout: Layout, user: PgUser, binDir: string, work: () => Promise<T>): Promise<T> {
  const server = spawn(join(binDir, 'postgres'), postgresServerArgs(layout), {
    ...asUser(user),
    cwd: layout.databaseDir,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LC_ALL: 'C' },
  });
  let stderr = '';
  server.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  const exited = new Promise<void>((resolve) => server.on('close', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  try {
    await waitFor(
      'PostgreSQL to accept connections',
      async () => {
        if (gone) throw new Error(`PostgreSQL exited during start-up:\n${stderr.trim()}`);
        const r = spawnSync(join(binDir, 'pg_isready'), ['-q', '-h', layout.pgSocketDir], { stdio: 'ignore' });
        return r.status === 0;
      },
      60_000,
    ).catch((err: Error) => {
      throw gone ? new Error(`PostgreSQL exited during start-up:\n${stderr.trim()}`) : err;
    });
    return await work();
  } finally {
    server.kill('SIGINT');
    await exited;
  }
}

/** A string as an SQL literal (standard_conforming_strings: only quotes are doubled). */
function sqlLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * The `wharf` role, its password set to `password` on every run (so that a changed harbor.yml
 * changes it), and the `registry` database owned by it; creating either only when missing.
 */
export function ensureRoleAndDatabase(layout: Layout, user: PgUser, binDir: string, password: string): void {
  // eslint-disable-next-line no-control-regex
  if (password === '' || /[\x00-\x1f\x7f]/.test(password)) throw new Error('the database password is empty or holds control characters');
  const sql = [
    'SET standard_conforming_strings = on;',
    "SELECT 'CREATE ROLE wharf LOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'wharf') \\gexec",
    `ALTER ROLE wharf WITH LOGIN PASSWORD ${sqlLiteral(password)};`,
    "SELECT 'CREATE DATABASE registry OWNER wharf' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'registry') \\gexec",
    '',
  ].join('\n');
  run(join(binDir, 'psql'), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', layout.pgSocketDir, '-U', user.name, '-d', 'postgres', '-f', '-'], user, sql);
}
