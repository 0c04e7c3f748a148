import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** A free TCP port on the loopback interface (free when asked: start servers with a retry). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The processes below `root` (children, their children, ...), given the names in /proc and a
 * reader of `/proc/<pid>/stat`. Uses nothing from outside: the watchdog script embeds its source.
 */
function descendantsIn(root: number, names: string[], readStat: (pid: string) => string | undefined): number[] {
  const children = new Map<number, number[]>();
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const text = readStat(name);
    if (text === undefined) continue;
    // The command name is parenthesised and may hold spaces: the parent pid is 2 fields after it.
    const ppid = Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
  }
  const found: number[] = [];
  const walk = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      walk(child);
    }
  };
  walk(root);
  return found;
}

function readStat(pid: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
}

/** The processes below `root` now. */
export function descendants(root: number): number[] {
  return descendantsIn(root, readdirSync('/proc'), readStat);
}

/**
 * A sentinel process: SIGKILLs the target (a pid, or a process group as a negative pid) and every
 * process below it if the test process dies without cleaning up (a killed jest), and exits by
 * itself once the target is gone. The processes below are killed one by one: PostgreSQL's backends
 * leave the postmaster's process group, and a frozen one would never notice its postmaster's death.
 */
const WATCHDOG = `
const fs = require('node:fs');
const [parent, target] = process.argv.slice(1).map(Number);
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
const readStat = (pid) => { try { return fs.readFileSync('/proc/' + pid + '/stat', 'utf8'); } catch { return undefined; } };
const descendantsIn = ${descendantsIn.toString()};
setInterval(() => {
  if (!alive(target)) process.exit(0);
  if (alive(parent)) return;
  const below = descendantsIn(Math.abs(target), fs.readdirSync('/proc'), readStat);
  for (const pid of [target, ...below]) { try { process.kill(pid, 'SIGKILL'); } catch {} }
  process.exit(0);
}, 500);
`;

/** Makes sure `target` (a pid, or a group as a negative pid) dies with this test process. */
export function startWatchdog(target: number): void {
  spawn(process.execPath, ['-e', WATCHDOG, String(process.pid), String(target)], { stdio: 'ignore', detached: true }).unref();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A server of a test's own (redis-server, postgres) that the test can freeze whole (SIGSTOP to
 * the server and every process below it, such as PostgreSQL's backends) and that never outlives
 * the test process, even a killed one.
 */
export class ServerProcess {
  private output = '';
  private readonly exited: Promise<void>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString('utf8')).slice(-8_000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  static spawn(name: string, command: string, args: string[], options: SpawnOptions = {}): ServerProcess {
    const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const server = new ServerProcess(name, child);
    if (child.pid) {
      startWatchdog(-child.pid);
      const killOnExit = () => server.signalAll('SIGKILL');
      process.once('exit', killOnExit);
      child.once('exit', () => process.removeListener('exit', killOnExit));
    }
    child.once('error', (err) => (server.output += `\ncannot run ${command}: ${err.message}`));
    return server;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null && this.child.pid !== undefined;
  }

  /** What the server printed (the end of it), for failure messages. */
  logs(): string {
    return this.output;
  }

  /** Polls `ready` until it answers true; fails with the server's output if it exits first. */
  async waitUntil(ready: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.name} exited before it was ready:\n${this.output}`);
      if (await ready().catch(() => false)) return;
      await sleep(50);
    }
    await this.kill();
    throw new Error(`${this.name} not ready within ${timeoutMs} ms:\n${this.output}`);
  }

  /** SIGSTOP to every process of the server: it keeps its sockets open and answers nothing. */
  freeze(): void {
    this.signalAll('SIGSTOP');
  }

  thaw(): void {
    this.signalAll('SIGCONT');
  }

  /**
   * Asks the server to stop with `signal` (thawed first: a stopped process acts on no signal but
   * SIGKILL), and SIGKILLs its whole group after `timeoutMs`.
   */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.thaw();
    this.child.kill(signal);
    const timer = setTimeout(() => this.signalAll('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  async kill(): Promise<void> {
    this.signalAll('SIGKILL');
    await this.exited;
  }

  /** The server first (a stopped postmaster forks nothing meanwhile), then what is below it. */
  private signalAll(signal: NodeJS.Signals): void {
    // Once the server has exited its pid may be reused: never signal it then.
    if (!this.child.pid || !this.running) return;
    for (const pid of [this.child.pid, ...descendants(this.child.pid)]) {
      try {
        process.kill(pid, signal);
      } catch {
        // gone meanwhile
      }
    }
  }
}
