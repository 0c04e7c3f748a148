import { ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, TestDatabase } from '@wharf/db/testing';
import { freePort, startWatchdog } from '@wharf/outage/testing';

/**
 * The real registry as a separate process: `node dist/apps/registry/src/main.js`, on a free
 * loopback port, with its own database and data directory, stopped (or killed) by the test.
 *
 * The build runs once per source state: `tools/build.mjs` writes `dist/`, which is then copied to
 * a snapshot directory named by a fingerprint of the sources. Registries run from the snapshot, so a
 * colleague rebuilding `dist/` mid-run cannot hand a starting process half-written files.
 */

const ROOT = resolve(__dirname, '../../..');
const execFileAsync = promisify(execFile);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Shared with the other process helpers of these tests.
export { freePort, startWatchdog };

let buildOnce: Promise<string> | undefined;

/**
 * The environment every service run from the build snapshot starts from: the snapshot lives outside
 * the work tree, so packages and migrations are resolved from the work tree.
 */
export function snapshotEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    NO_COLOR: '1',
    NODE_ENV: 'production',
    NODE_PATH: join(ROOT, 'node_modules'),
    WHARF_MIGRATIONS_DIR: join(ROOT, 'migrations'),
  };
}

/** The path of `main.js` in a build of the current sources. */
export function ensureRegistryBuild(): Promise<string> {
  buildOnce ??= buildSnapshot();
  return buildOnce;
}

async function buildSnapshot(): Promise<string> {
  const fingerprint = await sourceFingerprint();
  const snapshot = join(tmpdir(), `wharf-e2e-build-${fingerprint}`);
  const entry = join(snapshot, 'apps', 'registry', 'src', 'main.js');
  const marker = join(snapshot, '.complete');
  if (existsSync(marker)) {
    // Marks it as in use, so that a build for newer sources does not remove it as stale.
    await utimes(snapshot, new Date(), new Date()).catch(() => undefined);
    return entry;
  }
  await withLock(join(tmpdir(), 'wharf-e2e-build.lock'), async () => {
    if (existsSync(marker)) return; // another jest worker built it while this one waited
    await execFileAsync(process.execPath, [join(ROOT, 'tools', 'build.mjs')], { cwd: ROOT, timeout: 120_000 });
    await rm(snapshot, { recursive: true, force: true });
    await mkdir(snapshot, { recursive: true });
    // Other tests build too (without this lock): a file being rewritten is a temporary file that a
    // rename may take away mid-copy, and the finished file it becomes is the same build's.
    const finished = (source: string) => !source.endsWith('.tmp');
    await cp(join(ROOT, 'dist', 'apps'), join(snapshot, 'apps'), { recursive: true, filter: finished });
    await cp(join(ROOT, 'dist', 'libs'), join(snapshot, 'libs'), { recursive: true, filter: finished });
    await writeFile(marker, new Date().toISOString());
    await removeOldSnapshots(snapshot);
  });
  return entry;
}

/** Paths, sizes and mtimes of everything the build reads. */
async function sourceFingerprint(): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && e.name !== 'e2e') await walk(p);
      } else if (/\.(ts|sql)$/.test(e.name)) {
        const s = await stat(p);
        hash.update(`${p}\0${s.size}\0${s.mtimeMs}\n`);
      }
    }
  };
  for (const top of ['apps', 'libs', 'tools', 'migrations']) await walk(join(ROOT, top));
  hash.update(readFileSync(join(ROOT, 'tools', 'build.mjs')));
  return hash.digest('hex').slice(0, 16);
}

async function withLock(lockDir: string, fn: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      await mkdir(lockDir);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = Date.now() - (await stat(lockDir).then((s) => s.mtimeMs, () => Date.now()));
      if (age > 60_000) await rm(lockDir, { recursive: true, force: true }); // left by a killed run
      if (Date.now() > deadline) throw new Error(`failed to take the build lock ${lockDir}`);
      await sleep(100);
    }
  }
  try {
    await fn();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

async function removeOldSnapshots(keep: string): Promise<void> {
  const dir = tmpdir();
  for (const name of await readdir(dir)) {
    if (!name.startsWith('wharf-e2e-build-') || join(dir, name) === keep) continue;
    const s = await stat(join(dir, name)).catch(() => undefined);
    if (s && Date.now() - s.mtimeMs > 15 * 60_000) await rm(join(dir, name), { recursive: true, force: true });
  }
}

/** Linux process state ('R', 'S', 'Z', ...) and process group, or undefined when gone. */
function procStat(pid: number): { state: string; pgid: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is parenthesised and may hold spaces: parse after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], pgid: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  const s = procStat(pid);
  return s !== undefined && s.state !== 'Z' && s.state !== 'X';
}

/** Live processes whose process group is `pgid`. */
function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSafe('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = procStat(Number(name));
    if (s && s.pgid === pgid && s.state !== 'Z' && s.state !== 'X') out.push(Number(name));
  }
  return out;
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** SIGKILL a pid (or a group, as a negative pid) that may already be gone. */
function signal(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

export interface RegistryProcessOptions {
  /** REGISTRY_WORKERS: node cluster workers; 1 serves from the primary itself. */
  workers?: number;
  /** Gives the registry its own process group, so that SIGKILL takes the primary and workers at once. */
  detached?: boolean;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  startTimeoutMs?: number;
  /** Further environment variables for the registry (e.g. REGISTRY_BLOB_TOUCH_SECONDS). */
  env?: Record<string, string>;
}

const LISTENING = /listening on http:\/\/[^\s]+ \(pid (\d+)\)/g;

/** Registries not yet stopped, killed on the way out should a test file end abnormally. */
const live = new Set<RegistryProcess>();
process.once('exit', () => {
  for (const r of live) r.killNow();
});

export class RegistryProcess {
  readonly url: string;
  /** `127.0.0.1:PORT`, as skopeo references name it. */
  readonly host: string;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private readonly servingPids = new Set<number>();
  private output = '';

  private constructor(
    private readonly entry: string,
    readonly port: number,
    readonly db: TestDatabase,
    readonly dataDir: string,
    readonly options: Required<Pick<RegistryProcessOptions, 'workers' | 'detached' | 'logLevel' | 'startTimeoutMs' | 'env'>>,
  ) {
    this.host = `127.0.0.1:${port}`;
    this.url = `http://${this.host}`;
  }

  /** Builds if needed, creates a database and data directory, starts, and waits for /healthz. */
  static async start(options: RegistryProcessOptions = {}): Promise<RegistryProcess> {
    const [entry, db, dataDir, port] = await Promise.all([
      ensureRegistryBuild(),
      createTestDatabase('wharf_e2e'),
      mkdtemp(join(tmpdir(), 'wharf-e2e-data-')),
      freePort(),
    ]);
    const registry = new RegistryProcess(entry, port, db, dataDir, {
      workers: options.workers ?? 1,
      detached: options.detached ?? false,
      logLevel: options.logLevel ?? 'info',
      startTimeoutMs: options.startTimeoutMs ?? 30_000,
      env: options.env ?? {},
    });
    try {
      await registry.spawn();
    } catch (err) {
      await registry.dispose();
      throw err;
    }
    return registry;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The primary and every process seen serving (cluster workers log their own pid). */
  pids(): number[] {
    return [...new Set([...(this.child?.pid ? [this.child.pid] : []), ...this.servingPids])];
  }

  /** Everything the registry printed, for failure messages. */
  logs(): string {
    return this.output;
  }

  /** Starts again on the same port, database and data directory. */
  async restart(): Promise<void> {
    if (this.running) await this.stop();
    await this.spawn();
  }

  /** SIGTERM, as an operator would; SIGKILL if it does not stop in time. */
  async stop(timeoutMs = 15_000): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const stopped = await Promise.race([
      this.exited.then(() => true),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeoutMs))),
    ]).finally(() => clearTimeout(timer));
    if (!stopped) {
      await this.kill();
      throw new Error(`registry did not stop within ${timeoutMs} ms of SIGTERM; killed it\n${this.tail()}`);
    }
    await this.waitGone(5_000);
    this.servingPids.clear();
  }

  /**
   * SIGKILL the primary and its workers at once (the whole process group when detached), then
   * wait until none of them is alive. Returns the pids that were killed.
   */
  async kill(): Promise<number[]> {
    const pids = this.pids();
    this.killNow();
    await this.exited;
    await this.waitGone(10_000);
    // Dead pids may be reused by unrelated processes: never signal them again.
    this.servingPids.clear();
    return pids;
  }

  /** Processes of this registry still alive: its group when detached, else the pids seen. */
  survivors(): number[] {
    const pgid = this.options.detached ? this.child?.pid : undefined;
    const seen = this.pids().filter(isAlive);
    return [...new Set([...(pgid ? groupMembers(pgid) : []), ...seen])];
  }

  /** Synchronous SIGKILL of everything: usable from an 'exit' handler. */
  killNow(): void {
    const child = this.child;
    const primaryAlive = child !== undefined && child.exitCode === null && child.signalCode === null;
    // Once the primary is reaped its pid may be reused: then only its former workers are targets.
    if (primaryAlive && child.pid && this.options.detached) signal(-child.pid);
    if (primaryAlive && child.pid) signal(child.pid);
    for (const pid of this.servingPids) if (pid !== child?.pid && isAlive(pid)) signal(pid);
  }

  /** Kills whatever still runs, drops the database, removes the data directory. */
  async dispose(): Promise<void> {
    try {
      if (this.child) await this.kill();
    } finally {
      live.delete(this);
      await this.db.drop();
      await rm(this.dataDir, { recursive: true, force: true });
    }
  }

  private async spawn(): Promise<void> {
    this.servingPids.clear();
    const child = spawn(process.execPath, [this.entry], {
      detached: this.options.detached,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...snapshotEnv(),
        REGISTRY_PORT: String(this.port),
        REGISTRY_HOST: '127.0.0.1',
        DATA_DIR: this.dataDir,
        DATABASE_URL: this.db.url,
        REGISTRY_WORKERS: String(this.options.workers),
        REGISTRY_DB_POOL: '8',
        // These tests exercise the open data plane; auth.e2e-spec.ts covers token mode.
        REGISTRY_AUTH: 'none',
        // 'listening on' is logged at info; below that the readiness check relies on /healthz only.
        LOG_LEVEL: this.options.logLevel,
        ...this.options.env,
      },
    });
    this.child = child;
    live.add(this);
    if (child.pid) startWatchdog(this.options.detached ? -child.pid : child.pid);
    this.output += `\n--- start pid ${child.pid} ---\n`;
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      this.output = (this.output + text).slice(-200_000);
      for (const m of text.matchAll(LISTENING)) this.servingPids.add(Number(m[1]));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    this.exited = new Promise((resolveExit) => child.once('exit', () => resolveExit()));
    void this.exited.then(() => {
      if (this.child === child) this.output += `\n--- exit pid ${child.pid}: ${child.exitCode ?? child.signalCode} ---\n`;
    });
    await this.waitReady(child);
  }

  private async waitReady(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + this.options.startTimeoutMs;
    const wantServing = this.options.logLevel === 'info' || this.options.logLevel === 'debug' ? this.options.workers : 0;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`registry exited (${child.exitCode ?? child.signalCode}) before it was ready\n${this.tail()}`);
      }
      const healthy = await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(2_000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (healthy && this.servingPids.size >= wantServing) return;
      await sleep(100);
    }
    this.killNow();
    throw new Error(`registry not ready within ${this.options.startTimeoutMs} ms\n${this.tail()}`);
  }

  private async waitGone(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.survivors().length > 0) {
      if (Date.now() > deadline) {
        const left = this.survivors();
        for (const pid of left) signal(pid);
        throw new Error(`registry processes ${left.join(', ')} outlived their primary`);
      }
      await sleep(50);
    }
  }

  private tail(): string {
    return this.output.slice(-4_000);
  }

  /** Lines the registry logged at error level, for the report of a failed test. */
  loggedErrors(): string[] {
    return this.output.split('\n').filter((line) => /ERROR|failed to/.test(line));
  }
}
