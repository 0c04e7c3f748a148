import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExecutionStore, isFinal, JobQueues, launchExecution, Trigger, VendorType, type Execution, type Task } from '@wharf/jobs';
import { Sql } from '@wharf/db';
import { Pool } from 'pg';
import { PgBackendCpu } from '../probes/pg-backends';
import { machineBusySeconds, clientCpuSeconds, treeCpuSeconds } from '../probes/process-tree';
import { logTail, spawnLogged, stopProcess, type ManagedServer } from '../servers/process';

export interface JobServiceProcess extends ManagedServer {
  queuePrefix: string;
}

export interface JobServiceOptions {
  repoRoot: string;
  tmpDir: string;
  databaseUrl: string;
  redisUrl: string;
  dataDir: string;
  queuePrefix: string;
  /** node --cpu-prof into this directory (written when the process exits). */
  profileDir?: string;
}

/**
 * The jobservice from dist/, as its own process, ready once its GC worker is registered with the
 * queue. Started through a one-line launcher so that its command line is not the service's own
 * (see servers/wharf.ts: processes named after main.js were stopped by others on this machine).
 */
export async function startJobService(o: JobServiceOptions, queues: JobQueues): Promise<JobServiceProcess> {
  const main = join(o.repoRoot, 'dist/apps/jobservice/src/main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run "node tools/build.mjs" first (npm run bench:gc does)`);
  const launcher = join(o.tmpDir, 'bench-jobservice.js');
  writeFileSync(launcher, `require(${JSON.stringify(main)});\n`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: o.databaseUrl,
    REDIS_URL: o.redisUrl,
    JOB_REDIS_URL: o.redisUrl,
    DATA_DIR: o.dataDir,
    JOB_QUEUE_PREFIX: o.queuePrefix,
    LOG_LEVEL: 'warn',
  };
  delete env['JOBSERVICE_WORKERS'];
  const logFile = join(o.tmpDir, 'jobservice.log');
  const nodeArgs = o.profileDir ? ['--cpu-prof', '--cpu-prof-dir', o.profileDir] : [];
  const child = spawnLogged(process.execPath, [...nodeArgs, launcher], { env, cwd: o.repoRoot, logFile });
  const stop = () => stopProcess(child);
  const queue = queues.queue(VendorType.GarbageCollection);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the jobservice exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${logTail(logFile)}`);
    }
    if ((await queue.getWorkersCount()) > 0) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the jobservice's GC worker did not register within 60 s:\n${logTail(logFile)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { label: 'jobservice', url: '', pid: child.pid as number, child, logFile, queuePrefix: o.queuePrefix, stop };
}

export interface WharfPhase {
  label: string;
  seconds: number;
}

export interface WharfGcRun {
  execution: Execution;
  task: Task | undefined;
  log: string;
  /** From launchExecution to the first poll that saw the execution final (100 ms polls). */
  wallS: number;
  /** The execution row's own start and end times. */
  executionS: number;
  phases: WharfPhase[];
  jobserviceCpuS: number;
  dbCpuS: number;
  /** CPU seconds of everything else on the machine meanwhile (this process excluded). */
  otherCpuS: number;
}

const POLL_MS = 100;

/** Times of the log lines GC writes at fixed points (each line starts with its ISO time). */
function logTimes(log: string): { started?: number; firstBlob?: number; finished?: number } {
  const at = (re: RegExp) => {
    const line = log.split('\n').find((l) => re.test(l));
    return line ? Date.parse(line.slice(0, line.indexOf(' '))) : undefined;
  };
  return { started: at(/garbage collection started/), firstBlob: at(/\] deleted blob /), finished: at(/garbage collection finished/) };
}

/**
 * Starts a GC the way core's API does (an execution row, then the queue) and polls until it ends,
 * sampling the jobservice's and PostgreSQL's CPU and the task's progress figures on the way.
 */
export async function runWharfGc(
  databaseUrl: string,
  database: string,
  adminUrl: string,
  queues: JobQueues,
  jobservice: JobServiceProcess,
  parameters: Record<string, unknown>,
): Promise<WharfGcRun> {
  const pool = new Pool({ connectionString: databaseUrl, max: 2, application_name: 'wharf-bench-gc' });
  const executions = new ExecutionStore(new Sql(pool));
  const probe = await PgBackendCpu.connect(adminUrl, database);
  try {
    // A backend that exits between two polls keeps the last figure seen for it.
    const pgCpu = new Map<number, number>();
    const samplePg = async () => {
      for (const [pid, s] of await probe.snapshot()) pgCpu.set(pid, Math.max(s, pgCpu.get(pid) ?? 0));
    };
    await samplePg();
    const pgBefore = new Map(pgCpu);
    const jsBefore = treeCpuSeconds(jobservice.pid);
    const machineBefore = machineBusySeconds();
    const selfBefore = clientCpuSeconds();

    const t0 = performance.now();
    const created = await launchExecution(executions, queues, { vendorType: VendorType.GarbageCollection, trigger: Trigger.Manual, parameters, exclusive: true });
    if (created === 'busy') throw new Error('another GC is already running in the benchmark database');
    const taskId = created.taskIds[0] as string;
    let blobsTotalSeenAt: number | undefined;
    let lastBlobs = -1;
    let jsCpu = jsBefore;
    let execution: Execution | undefined;
    for (;;) {
      execution = await executions.get(created.executionId);
      const now = performance.now();
      jsCpu = Math.max(jsCpu, treeCpuSeconds(jobservice.pid));
      await samplePg();
      if (execution && isFinal(execution.status)) break;
      const task = await executions.task(taskId);
      const blobs = Number(task?.extraAttrs['blobs_deleted'] ?? 0);
      // The first poll at which the count stopped moving: the end of the blob pages.
      if (blobs !== lastBlobs) {
        lastBlobs = blobs;
        blobsTotalSeenAt = now;
      }
      if (jobservice.child.exitCode !== null || jobservice.child.signalCode !== null) {
        throw new Error(`the jobservice exited during GC:\n${logTail(jobservice.logFile)}`);
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    const wallS = (performance.now() - t0) / 1000;
    const otherCpuS =
      machineBusySeconds() - machineBefore - (jsCpu - jsBefore) - PgBackendCpu.delta(pgBefore, pgCpu) - (clientCpuSeconds() - selfBefore);
    const task = await executions.task(taskId);
    const log = await executions.log(created.executionId);
    const end = execution.endTime?.getTime() ?? execution.updateTime.getTime();
    const times = logTimes(log);
    const phases: WharfPhase[] = [];
    const span = (label: string, from: number | undefined, to: number | undefined) => {
      if (from !== undefined && to !== undefined && to >= from) phases.push({ label, seconds: (to - from) / 1000 });
    };
    const startMs = execution.startTime.getTime();
    span('queued until a worker took it', startMs, task?.startTime?.getTime());
    span('lock, upload purge, first blob page', times.started, times.firstBlob);
    // Wall-clock positions of the progress polls, mapped onto the database's clock via t0.
    const blobsDoneAt = blobsTotalSeenAt === undefined ? undefined : startMs + (blobsTotalSeenAt - t0);
    span('blob pages (rows, then files)', times.firstBlob, blobsDoneAt);
    span('unrecorded-file scan and end', blobsDoneAt, times.finished ?? end);
    return {
      execution,
      task,
      log,
      wallS,
      executionS: (end - startMs) / 1000,
      phases,
      jobserviceCpuS: jsCpu - jsBefore,
      dbCpuS: PgBackendCpu.delta(pgBefore, pgCpu),
      otherCpuS: Math.max(0, otherCpuS),
    };
  } finally {
    await probe.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
  }
}
