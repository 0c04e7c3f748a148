import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchDatabaseName, dropDatabase } from './database';
import { freePort, ManagedServer, spawnLogged, stopProcess, waitForHttp } from './process';

export interface WharfOptions {
  repoRoot: string;
  tmpDir: string;
  /** postgres://user@host:port, without a database. */
  pgBase: string;
  workers?: number;
  /** REGISTRY_ACCEL_PREFIX: lets a gateway in front send blob files itself. */
  accelPrefix?: string;
}

export interface WharfServer extends ManagedServer {
  database: string;
  adminUrl: string;
  /** The registry's DATA_DIR. */
  dataDir: string;
}

/**
 * Wharf from dist/ on a free loopback port, with a fresh database (created and migrated by the
 * registry itself at start, dropped by `stop`) and a data directory under `tmpDir`.
 */
export async function startWharf(o: WharfOptions): Promise<WharfServer> {
  const main = join(o.repoRoot, 'dist/apps/registry/src/main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run "node tools/build.mjs" first (npm run bench does)`);
  const port = await freePort();
  const database = benchDatabaseName();
  const dataDir = join(o.tmpDir, 'wharf-data');
  mkdirSync(dataDir, { recursive: true });
  const logFile = join(o.tmpDir, 'wharf.log');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    REGISTRY_PORT: String(port),
    REGISTRY_HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    DATABASE_URL: `${o.pgBase}/${database}`,
    LOG_LEVEL: 'warn',
    // The benchmark measures the data plane against an open distribution: no token checks either.
    REGISTRY_AUTH: 'none',
  };
  if (o.workers !== undefined) env['REGISTRY_WORKERS'] = String(o.workers);
  else delete env['REGISTRY_WORKERS'];
  if (o.accelPrefix !== undefined) env['REGISTRY_ACCEL_PREFIX'] = o.accelPrefix;
  else delete env['REGISTRY_ACCEL_PREFIX'];
  // Started through a one-line launcher: the same registry code, but a command line of its own, so
  // that someone cleaning up registries by name (pkill -f .../main.js) cannot stop the benchmark's.
  const launcher = join(o.tmpDir, 'bench-server.js');
  writeFileSync(launcher, `require(${JSON.stringify(main)});\n`);
  const child = spawnLogged(process.execPath, [launcher], { env, cwd: o.repoRoot, logFile });
  const adminUrl = `${o.pgBase}/postgres`;
  const stop = async () => {
    await stopProcess(child);
    await dropDatabase(adminUrl, database);
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/healthz`, child, 'Wharf', logFile);
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
  return { label: 'Wharf', url, pid: child.pid as number, child, logFile, database, adminUrl, dataDir, stop };
}
