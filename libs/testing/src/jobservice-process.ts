import { ChildProcess, spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import Redis from 'ioredis';
import { removeQueueKeys } from '@wharf/jobs';
import { ensureRegistryBuild, snapshotEnv, startWatchdog } from './registry-process';

/**
 * The real jobservice as a separate process, from the same build snapshot as the registry
 * processes: `node <snapshot>/apps/jobservice/src/main.js` against a given database, storage root
 * and queue prefix.
 */

const READY = /\[jobservice\] jobservice started/;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Removes a test's queues and event stream: every Redis key under its queue prefix. */
export async function dropQueueKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    await removeQueueKeys(redis, prefix);
  } finally {
    redis.disconnect();
  }
}

export interface JobServiceProcessOptions {
  databaseUrl: string;
  /** The registry's DATA_DIR. */
  dataDir: string;
  /** Redis of the registry cache and of the job queues. */
  redisUrl: string;
  queuePrefix: string;
  workers?: number;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  env?: Record<string, string>;
}

/** Jobservices not yet stopped, killed on the way out should a test file end abnormally. */
const live = new Set<JobServiceProcess>();
process.once('exit', () => {
  for (const j of live) j.killNow();
});

export class JobServiceProcess {
  private output = '';
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    const onData = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString('utf8')).slice(-200_000);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    this.exited = new Promise((r) => child.once('exit', () => r()));
  }

  static async start(options: JobServiceProcessOptions, startTimeoutMs = 30_000): Promise<JobServiceProcess> {
    const buildDir = resolve(dirname(await ensureRegistryBuild()), '../../..');
    const child = spawn(process.execPath, [join(buildDir, 'apps', 'jobservice', 'src', 'main.js')], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...snapshotEnv(),
        DATABASE_URL: options.databaseUrl,
        DATA_DIR: options.dataDir,
        REDIS_URL: options.redisUrl,
        JOB_QUEUE_PREFIX: options.queuePrefix,
        JOBSERVICE_WORKERS: String(options.workers ?? 2),
        LOG_LEVEL: options.logLevel ?? 'info',
        ...options.env,
      },
    });
    const jobservice = new JobServiceProcess(child);
    live.add(jobservice);
    if (child.pid) startWatchdog(child.pid);
    const deadline = Date.now() + startTimeoutMs;
    while (!READY.test(jobservice.output)) {
      if (!jobservice.running) throw new Error(`jobservice exited (${child.exitCode ?? child.signalCode}) before it was ready\n${jobservice.tail()}`);
      if (Date.now() > deadline) {
        jobservice.killNow();
        throw new Error(`jobservice not ready within ${startTimeoutMs} ms\n${jobservice.tail()}`);
      }
      await sleep(50);
    }
    return jobservice;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Everything the jobservice printed, for failure messages. */
  logs(): string {
    return this.output;
  }

  /** SIGTERM (running tasks finish first); SIGKILL if it does not exit in time. */
  async stop(timeoutMs = 30_000): Promise<void> {
    if (!this.running) {
      live.delete(this);
      return;
    }
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const stopped = await Promise.race([
      this.exited.then(() => true),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeoutMs))),
    ]).finally(() => clearTimeout(timer));
    if (!stopped) {
      this.killNow();
      await this.exited;
    }
    live.delete(this);
    if (!stopped) throw new Error(`jobservice did not stop within ${timeoutMs} ms of SIGTERM; killed it\n${this.tail()}`);
  }

  killNow(): void {
    if (this.running) this.child.kill('SIGKILL');
  }

  /** SIGKILL, as a crash or the OOM killer would end it: no task finishes, no lock is given back. */
  async kill(): Promise<void> {
    this.killNow();
    await this.exited;
    live.delete(this);
  }

  private tail(): string {
    return this.output.slice(-4_000);
  }
}
