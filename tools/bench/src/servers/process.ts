import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { processTree, startTime } from '../probes/process-tree';

/** A server the benchmark started and must stop; `pid` is the root of its process tree. */
export interface RunningServer {
  label: string;
  url: string;
  pid: number;
  version?: string;
  /** Its stdout and stderr (or, for several services, where their logs are). */
  logFile: string;
  stop(): Promise<void>;
  /** What went wrong during the run, when the lines of `logFile` do not say it. */
  runProblems?(): string[];
}

/** A server process the benchmark started as its own child. */
export interface ManagedServer extends RunningServer {
  child: ChildProcess;
}

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

/** Starts `cmd` with stdout and stderr appended to `logFile`. */
export function spawnLogged(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; logFile: string }): ChildProcess {
  const log = createWriteStream(opts.logFile, { flags: 'a' });
  const child = spawn(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return child;
}

export function logTail(logFile: string, lines = 30): string {
  try {
    return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function statusOf(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = get(url, { agent: false, timeout: 2000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
  });
}

/** Polls `url` until it answers 200; fails early if the process exits. */
export async function waitForHttp(url: string, child: ChildProcess, what: string, logFile: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${logTail(logFile)}`);
    }
    if ((await statusOf(url)) === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} was not ready within ${timeoutMs / 1000}s:\n${logTail(logFile)}`);
}

/** SIGTERM, then after `graceMs` SIGKILL for the process and whatever children it still has. */
export async function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  // Identify each process by pid and start time, so a pid reused meanwhile is never signalled.
  const tree = processTree(child.pid).map((pid) => ({ pid, started: startTime(pid) }));
  const killLeftovers = () => {
    for (const p of tree) {
      if (p.started === undefined || startTime(p.pid) !== p.started) continue;
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
  if ((await Promise.race([exited, timer])) === 'timeout') {
    killLeftovers();
    await exited;
  }
  // Cluster workers outlive a primary that died abruptly; make sure none is left behind.
  killLeftovers();
}
