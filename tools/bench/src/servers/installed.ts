import { ChildProcess, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
// The installation is install.sh's own: its installer, supervisor and state files.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { readState } from '../../../install/src/control';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { layoutOf } from '../../../install/src/layout';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { runningPid } from '../../../install/src/pid-file';
import type { RegistryLogin } from '../load/token';
import { benchDatabaseName, dropDatabase } from './database';
import { freePort, logTail, RunningServer, spawnLogged, stopProcess } from './process';

export interface InstalledOptions {
  /** The checkout whose built installer (dist/tools/install/src/main.js) installs Wharf. */
  checkout: string;
  /** Holds harbor.yml, the data volume and the logs. */
  dir: string;
  /** postgres://user[:password]@host:port of the PostgreSQL the installation uses, without a database. */
  pgBase: string;
  /** wharf.registry_workers; the installer's default when absent. */
  registryWorkers?: number;
  /**
   * Receives the undo step (stop the installation, drop its database) before the installer runs,
   * so that an interrupted bench stops an installation that is still starting.
   */
  onStop?(stop: () => Promise<void>): void;
}

export interface InstalledWharf extends RunningServer {
  /** The admin's password (harbor_admin_password). */
  adminPassword: string;
  database: string;
  adminUrl: string;
  /** Starts the part of the services' logs that runProblems() reports (call once set up). */
  markLogs(): void;
  /** The services the supervisor runs now, by the pid it last recorded. */
  services(): { name: string; pid: number }[];
}

export interface HarborYmlValues {
  httpPort: number;
  corePort: number;
  registryPort: number;
  adminPassword: string;
  dataVolume: string;
  logDir: string;
  /** The external PostgreSQL (postgres://user[:password]@host:port) and the database to create there. */
  pgBase: string;
  database: string;
  registryWorkers?: number;
}

/**
 * harbor.yml of the installation the bench measures: the template's defaults (log level info,
 * the bundled Redis, the gateway on plain HTTP) except for free ports, a temporary data volume and
 * the PostgreSQL of the direct Wharf as external_database, so that the two Wharf targets differ
 * in what the issue is about (gateway, token auth, core) and not in their database server.
 */
export function installedHarborYml(v: HarborYmlValues): string {
  const pg = new URL(v.pgBase);
  const q = (s: string) => JSON.stringify(s);
  return [
    'hostname: 127.0.0.1',
    'http:',
    `  port: ${v.httpPort}`,
    `harbor_admin_password: ${q(v.adminPassword)}`,
    'external_database:',
    '  harbor:',
    `    host: ${q(pg.hostname)}`,
    `    port: ${pg.port || 5432}`,
    `    db_name: ${q(v.database)}`,
    `    username: ${q(decodeURIComponent(pg.username) || 'postgres')}`,
    // Required by harbor.yml; a trust-authenticated server ignores it.
    `    password: ${q(decodeURIComponent(pg.password) || 'unused')}`,
    '    ssl_mode: disable',
    `data_volume: ${q(v.dataVolume)}`,
    'log:',
    '  level: info',
    '  local:',
    `    location: ${q(v.logDir)}`,
    'wharf:',
    `  core_port: ${v.corePort}`,
    `  registry_port: ${v.registryPort}`,
    ...(v.registryWorkers === undefined ? [] : [`  registry_workers: ${v.registryWorkers}`]),
    '',
  ].join('\n');
}

/** A password Harbor's policy takes (8+ characters, upper and lower case, a digit). */
export function benchPassword(): string {
  return `Bench-${randomBytes(9).toString('base64url')}-9a`;
}

/** Runs the checkout's installer with `args`, its output appended to `logFile`; `done` fails unless it exits 0. */
function runInstaller(installer: string, args: string[], cwd: string, logFile: string, timeoutMs: number): { child: ChildProcess; done: Promise<void> } {
  const child = spawnLogged(process.execPath, [installer, ...args], { cwd, logFile });
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`the installer (${args.join(' ')}) exited ${signal ?? code}:\n${logTail(logFile)}`));
    });
  });
  return { child, done };
}

function commitOf(checkout: string): string | undefined {
  try {
    return execFileSync('git', ['-C', checkout, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** The services whose logs say what went wrong (the gateway's access log only lists requests). */
const WATCHED_LOGS = ['core.log', 'registry.log', 'jobservice.log', 'redis.log', 'gateway-error.log'];

/**
 * Wharf installed by `checkout`'s installer as `./install.sh` does it (node
 * dist/tools/install/src/main.js --config <dir>/harbor.yml, run from `dir` so that its record of
 * installations stays there): the supervisor runs Redis, core, the registry (REGISTRY_AUTH=token),
 * the jobservice and the gateway; clients use the gateway's URL. `stop` runs the installer's
 * --stop and drops the database.
 */
export async function startInstalled(o: InstalledOptions): Promise<InstalledWharf> {
  const installer = join(o.checkout, 'dist/tools/install/src/main.js');
  if (!existsSync(installer)) throw new Error(`${installer} is missing: run "node tools/build.mjs" in ${o.checkout}`);
  mkdirSync(o.dir, { recursive: true });
  // nginx's workers drop to an unprivileged user when started as root: they must reach the blobs.
  chmodSync(o.dir, 0o755);
  const layout = layoutOf(join(o.dir, 'data'), join(o.dir, 'log'));
  const config = join(o.dir, 'harbor.yml');
  const database = benchDatabaseName();
  const adminPassword = benchPassword();
  const httpPort = await freePort();
  writeFileSync(
    config,
    installedHarborYml({
      httpPort,
      corePort: await freePort(),
      registryPort: await freePort(),
      adminPassword,
      dataVolume: layout.dataVolume,
      logDir: layout.logDir,
      pgBase: o.pgBase,
      database,
      registryWorkers: o.registryWorkers,
    }),
  );
  const installLog = join(o.dir, 'install.log');
  const adminUrl = `${o.pgBase}/postgres`;
  let installing: ChildProcess | undefined;
  const stop = async () => {
    try {
      // An installer still at work is ended first: otherwise it could start the supervisor after --stop.
      if (installing && installing.exitCode === null && installing.signalCode === null) await stopProcess(installing);
      if (runningPid(layout.pidFile) !== undefined) await runInstaller(installer, ['--config', config, '--stop'], o.dir, installLog, 180_000).done;
    } finally {
      await dropDatabase(adminUrl, database);
    }
  };
  o.onStop?.(stop);
  try {
    const install = runInstaller(installer, ['--config', config], o.dir, installLog, 300_000);
    installing = install.child;
    await install.done;
  } catch (err) {
    // The installer stops what it started when it fails; a killed one may not have.
    await stop().catch(() => undefined);
    throw err;
  }
  const pid = runningPid(layout.pidFile);
  if (pid === undefined) {
    await stop().catch(() => undefined);
    throw new Error(`the installer succeeded but no supervisor runs (${layout.pidFile}):\n${logTail(installLog)}`);
  }
  const marks = new Map<string, number>();
  const size = (file: string) => (existsSync(file) ? statSync(file).size : 0);
  return {
    label: 'Wharf installed',
    url: `http://127.0.0.1:${httpPort}`,
    pid,
    version: commitOf(o.checkout),
    logFile: join(layout.logDir, 'supervisor.log'),
    adminPassword,
    database,
    adminUrl,
    stop,
    services: () => (readState(layout)?.services ?? []).flatMap((s) => (s.pid === null ? [] : [{ name: s.name, pid: s.pid }])),
    markLogs: () => {
      for (const name of WATCHED_LOGS) marks.set(name, size(join(layout.logDir, name)));
    },
    runProblems: () => {
      const problems: string[] = [];
      for (const s of readState(layout)?.services ?? []) {
        if (s.restarts > 0 || s.status !== 'running') problems.push(`${s.name}: ${s.status}, restarted ${s.restarts} time(s)`);
      }
      for (const name of WATCHED_LOGS) {
        const file = join(layout.logDir, name);
        if (!existsSync(file)) continue;
        const added = readFileSync(file).subarray(marks.get(name) ?? 0).toString('utf8');
        // At harbor.yml's log level info the services log nothing while they serve: every line counts.
        for (const line of added.split('\n')) if (line.trim() !== '') problems.push(`${name}: ${line}`);
      }
      return problems;
    },
  };
}

/**
 * What an administrator does before users push: a user (through core's API, as the console
 * does), a private project, and the user as its developer (push and pull).
 */
export async function addProjectDeveloper(url: string, adminPassword: string, project: string, login: RegistryLogin): Promise<void> {
  const admin = `Basic ${Buffer.from(`admin:${adminPassword}`).toString('base64')}`;
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${url}/api/v2.0${path}`, { method: 'POST', headers: { authorization: admin, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status !== 201) throw new Error(`POST /api/v2.0${path}: expected HTTP 201, got ${res.status} ${(await res.text()).slice(0, 300)}`);
  };
  await post('/users', { username: login.username, email: `${login.username}@example.com`, realname: 'Benchmark user', password: login.password, comment: 'npm run bench' });
  await post('/projects', { project_name: project, metadata: { public: 'false' } });
  await post(`/projects/${encodeURIComponent(project)}/members`, { role_id: 2, member_user: { username: login.username } });
}
