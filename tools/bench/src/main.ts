import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { renderMarkdown, renderText } from './format';
import { BlobFamily, BlobSpec, slices } from './load/blob';
import { LoadPool } from './load/pool';
import { wrkAvailable } from './load/wrk';
import { BenchOptions, parseOptions, USAGE } from './options';
import { PgBackendCpu } from './probes/pg-backends';
import { clientCpuSeconds, machineBusySeconds } from './probes/process-tree';
import { RssSampler } from './probes/rss-sampler';
import { allTables } from './report';
import type { BenchReport, MachineInfo, TargetResult } from './results';
import { PageCache } from './probes/page-cache';
import { benchProject, pulledBlobPath, runSuite, runsOn, SuiteContext, SuiteTarget } from './scenarios';
import { distributionAvailable, startDistribution } from './servers/distribution';
import { GATEWAY_ACCEL_PREFIX, startGateway } from './servers/gateway';
import { nginxAvailable, startNginx } from './servers/nginx';
import { addProjectDeveloper, benchPassword, startInstalled } from './servers/installed';
import { logTail, ManagedServer, RunningServer } from './servers/process';
import { startWharf, WharfServer } from './servers/wharf';
import { logger, runCommand } from './cli';

/**
 * `npm run bench`: Wharf against distribution (and nginx as the static-file ceiling) on this
 * machine, with one load generator for all. See docs/benchmarks.md for what each figure means.
 */

const REPO_ROOT = resolve(__dirname, '../../../..');
const MiB = 1024 * 1024;

const log = logger('bench');

/** Undo steps (stop servers, drop the database, remove temp data), run once, newest first. */
const cleanups: (() => Promise<void>)[] = [];
let cleaning: Promise<void> | undefined;
/**
 * One clean-up at a time: a second caller (a signal during a failing start, which the bench's
 * main path also cleans up after) waits for the running one, so that the process exits only once
 * every step is done.
 */
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    while (cleanups.length > 0) {
      const step = cleanups.pop() as () => Promise<void>;
      await step().catch((err: Error) => log(`failed to clean up: ${err.message}`));
    }
  })().finally(() => (cleaning = undefined));
  return cleaning;
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}

/** Cores other processes keep busy, over `ms` of this process sleeping. */
async function busyCores(ms: number): Promise<number> {
  const m0 = machineBusySeconds();
  const c0 = clientCpuSeconds();
  await new Promise((r) => setTimeout(r, ms));
  return (machineBusySeconds() - m0 - (clientCpuSeconds() - c0)) / (ms / 1000);
}

function machineInfo(): MachineInfo {
  let os = 'unknown';
  try {
    os = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? os;
  } catch {
    // not Linux, or no os-release
  }
  return { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryBytes: totalmem(), os, kernel: release(), node: process.version };
}

function writeBlobFile(path: string, blob: BlobSpec): void {
  const fd = openSync(path, 'w');
  try {
    for (const s of slices(blob, 0, blob.size)) writeSync(fd, s);
  } finally {
    closeSync(fd);
  }
}

/** Warnings and errors a server logged during the run (at its quiet log level it logs none normally). */
function reportServerLog(server: RunningServer): void {
  const lines = server.runProblems
    ? server.runProblems()
    : logTail(server.logFile, 10_000)
        .split('\n')
        .filter((l) => l.trim() !== '' && !/^migrations: |applied migrations/.test(l));
  if (lines.length === 0) return;
  const shown = lines.slice(-3).map((l) => (l.length > 240 ? `${l.slice(0, 240)}…` : l));
  log(`${server.label} logged ${lines.length} line(s) during the run; the last ones:\n${shown.join('\n')}`);
}

/**
 * A server that exits by itself invalidates the run: say so at once, with its last words. (An
 * installation's supervisor restarts its services instead: its runProblems() lists restarts.)
 */
function watchForDeath(server: RunningServer): { stopping(): void } {
  let stopping = false;
  if (!('child' in server)) return { stopping: () => undefined };
  (server as ManagedServer).child.once('exit', (code, signal) => {
    if (stopping) return;
    log(`${server.label} (pid ${server.pid}) exited unexpectedly (${signal ? `signal ${signal}` : `code ${code}`}); its last log lines:\n${logTail(server.logFile)}`);
  });
  return { stopping: () => (stopping = true) };
}

/** A started server as a suite target, with its RSS sampled from now (idle) to the end. */
async function managedTarget(server: RunningServer, name: TargetResult['name'], extra: Partial<SuiteTarget> = {}): Promise<SuiteTarget> {
  const watch = watchForDeath(server);
  const stop = once(async () => {
    watch.stopping();
    await server.stop();
  });
  cleanups.push(stop);
  log(`${server.label} on ${server.url} (pid ${server.pid})`);
  const rss = new RssSampler(server.pid);
  await new Promise((r) => setTimeout(r, 500));
  const idle = rss.sampleBoth();
  const result: TargetResult = {
    name,
    label: server.label,
    url: server.url,
    version: server.version,
    managed: true,
    scenarios: {},
    idleRssBytes: idle.rssBytes,
    idlePssBytes: idle.pssBytes,
  };
  rss.start();
  cleanups.push(async () => {
    rss.stop();
    rss.sample();
    result.peakRssBytes = rss.peakBytes;
    result.peakPssBytes = rss.peakPssBytes;
    reportServerLog(server);
  });
  return { result, probe: { pid: server.pid, rss }, ...extra };
}

/** A comparison that cannot start is reported and left out; Wharf's own figures still print. */
async function optional(what: string, start: () => Promise<SuiteTarget>): Promise<SuiteTarget | undefined> {
  try {
    return await start();
  } catch (err) {
    log(`failed to start ${what}, leaving it out: ${(err as Error).stack ?? err}`);
    process.exitCode = 1;
    return undefined;
  }
}

async function wharfTarget(o: BenchOptions, tmp: string): Promise<{ target: SuiteTarget; wharf?: WharfServer }> {
  if (o.url) {
    log(`registry at ${o.url}${o.pid ? ` (pid ${o.pid})` : ''}`);
    const result: TargetResult = { name: 'wharf', label: 'Wharf', url: o.url, managed: false, scenarios: {} };
    if (o.pid === undefined) return { target: { result, probe: {} } };
    const rss = new RssSampler(o.pid);
    const idle = rss.sampleBoth();
    result.idleRssBytes = idle.rssBytes;
    result.idlePssBytes = idle.pssBytes;
    rss.start();
    cleanups.push(async () => {
      rss.stop();
      result.peakRssBytes = rss.peakBytes;
      result.peakPssBytes = rss.peakPssBytes;
    });
    return { target: { result, probe: { pid: o.pid, rss } } };
  }
  log('starting Wharf');
  const wharf = await startWharf({
    repoRoot: REPO_ROOT,
    tmpDir: join(tmp, 'wharf'),
    pgBase: o.pgBase,
    workers: o.wharfWorkers,
    ...(o.gateway ? { accelPrefix: GATEWAY_ACCEL_PREFIX } : {}),
  });
  const target = await managedTarget(wharf, 'wharf');
  await probeDatabase(target, wharf.adminUrl, wharf.database);
  return { target, wharf };
}

/** Counts the CPU of the PostgreSQL backends serving `database` as the target's (when PostgreSQL runs here). */
async function probeDatabase(target: SuiteTarget, adminUrl: string, database: string): Promise<void> {
  try {
    const db = await PgBackendCpu.connect(adminUrl, database);
    cleanups.push(() => db.close());
    target.probe.db = db;
  } catch (err) {
    log(`not measuring PostgreSQL CPU: ${(err as Error).message}`);
  }
}

/**
 * Wharf as install.sh installs it, on the PostgreSQL of the direct Wharf, with a developer of the
 * run's project, as an administrator sets one up: the figures users get with docker.
 */
async function installedTarget(o: BenchOptions, tmp: string, ctx: SuiteContext): Promise<SuiteTarget> {
  log(`installing Wharf with ${o.installedFrom ?? 'this checkout'}'s installer (gateway, core, registry with token auth, jobservice, Redis)`);
  const installed = await startInstalled({
    checkout: o.installedFrom ?? REPO_ROOT,
    dir: join(tmp, 'installed'),
    pgBase: o.pgBase,
    registryWorkers: o.wharfWorkers,
    onStop: (stop) => cleanups.push(once(stop)),
  });
  const login = { username: `bench${ctx.runId}`, password: benchPassword() };
  const target = await managedTarget(installed, 'installed', { login });
  target.probe.services = () => installed.services();
  await addProjectDeveloper(installed.url, installed.adminPassword, benchProject(ctx), login);
  installed.markLogs();
  await probeDatabase(target, installed.adminUrl, installed.database);
  return target;
}

function printReport(report: BenchReport, markdown: boolean): void {
  const s = report.settings;
  const m = report.machine;
  const header = [
    `machine: ${m.cpus} × ${m.cpuModel}, ${Math.round(m.memoryBytes / 1024 ** 3)} GB RAM, ${m.os}, Linux ${m.kernel}, Node ${m.node}`,
    `settings: ${s.quick ? 'quick, ' : ''}blob ${s.blobBytes / MiB} MB, chunks ${s.chunkBytes / MiB} MB, ${s.iterations} iteration(s) (median), ` +
      `GET runs ${s.durationS}s after ${s.warmupS}s warm-up at c${s.concurrency} (${s.getLoadGenerator}), ${s.images} images at c${s.pushConcurrency}, ` +
      `${s.loadThreads} load threads` +
      (s.droppedCaches === undefined ? '' : s.droppedCaches ? ', page cache dropped before each measurement' : ', page cache kept between measurements'),
  ];
  const tables = allTables(report);
  if (markdown) {
    process.stdout.write(header.map((h) => `- ${h}`).join('\n') + '\n\n' + tables.map(renderMarkdown).join('\n\n') + '\n');
  } else {
    process.stdout.write(header.join('\n') + '\n\n' + tables.map(renderText).join('\n\n') + '\n');
  }
}

async function main(): Promise<void> {
  const parsed = parseOptions(process.argv.slice(2), wrkAvailable());
  if (parsed === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const o = parsed;
  if (o.report) {
    printReport(JSON.parse(readFileSync(o.report, 'utf8')) as BenchReport, o.markdown);
    return;
  }
  const startedAt = new Date().toISOString();
  const busy = await busyCores(1000);
  if (busy > 0.25) log(`warning: the machine is not idle (other processes use ${busy.toFixed(2)} cores): figures will be disturbed`);

  const tmp = mkdtempSync(join(tmpdir(), 'wharf-bench-'));
  // nginx's workers run unprivileged when it starts as root and must traverse to the blob file.
  chmodSync(tmp, 0o755);
  cleanups.push(async () => rmSync(tmp, { recursive: true, force: true }));

  log(`hashing two ${o.blobBytes / MiB} MB blob families (16 MB random pieces, repeated)`);
  const salt = randomBytes(4);
  const blobs = { monolithic: new BlobFamily(o.blobBytes, salt.readUInt32BE()), chunked: new BlobFamily(o.blobBytes, salt.readUInt32BE()) };
  const pool = await LoadPool.start(o.loadThreads);
  cleanups.push(() => pool.close());
  const ctx: SuiteContext = { pool, options: o, blobs, runId: salt.toString('hex'), pageCache: new PageCache(o.dropCaches, log), log };

  // All servers run side by side and the suite alternates between them step by step.
  const started = await wharfTarget(o, tmp);
  const wharf = started.wharf;
  const targets: SuiteTarget[] = [started.target];
  if (o.distribution && distributionAvailable()) {
    log('starting distribution (docker-registry)');
    const dist = await optional('distribution', async () => managedTarget(await startDistribution(join(tmp, 'distribution')), 'distribution'));
    if (dist) targets.push(dist);
  } else if (o.distribution) {
    log('distribution is not installed (/usr/bin/docker-registry): reporting Wharf alone');
  }
  if (o.nginx && nginxAvailable()) {
    log('starting nginx with the monolithic blob as a file');
    const www = join(tmp, 'nginx', 'www');
    mkdirSync(www, { recursive: true });
    writeBlobFile(join(www, 'blob'), blobs.monolithic.variant(0));
    const nginx = await optional('nginx', async () => {
      const server = await startNginx(join(tmp, 'nginx'), www);
      return managedTarget(server, 'nginx', { fileUrl: `${server.url}/blob` });
    });
    if (nginx) targets.push(nginx);
  }
  if (o.gateway && wharf && nginxAvailable()) {
    log('starting the gateway (nginx) in front of Wharf');
    // Its pulls read the blob Wharf's own push-monolithic stored; RSS and CPU are nginx's (the
    // registry's share, authorizing each pull, is counted under Wharf).
    const gateway = await optional('the gateway', async () => {
      const server = await startGateway(join(tmp, 'gateway'), wharf.url, wharf.dataDir);
      return managedTarget(server, 'gateway', { fileUrl: `${server.url}${pulledBlobPath(ctx)}` });
    });
    if (gateway) targets.push(gateway);
  } else if (o.gateway && wharf) {
    log('nginx is not installed (/usr/sbin/nginx): no gateway figures');
  }

  if (o.installed && runsOn(o.only, 'installed')) {
    if (nginxAvailable()) {
      const installed = await optional('the installed Wharf', () => installedTarget(o, tmp, ctx));
      if (installed) targets.push(installed);
    } else {
      log('nginx is not installed (/usr/sbin/nginx): no figures of the installed Wharf');
    }
  }

  await runSuite(ctx, targets);
  // Stops the servers (taking the final RSS samples) before the report is written.
  await cleanUp();

  const report: BenchReport = {
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: machineInfo(),
    settings: {
      quick: o.quick,
      blobBytes: o.blobBytes,
      chunkBytes: o.chunkBytes,
      iterations: o.iterations,
      durationS: o.durationS,
      warmupS: o.warmupS,
      concurrency: o.concurrency,
      images: o.images,
      pushConcurrency: o.pushConcurrency,
      loadThreads: o.loadThreads,
      getLoadGenerator: o.loadGenerator,
      wharfWorkers: o.wharfWorkers,
      droppedCaches: ctx.pageCache.drops > 0,
    },
    targets: targets.map((t) => t.result),
  };
  if (o.json) {
    writeFileSync(o.json, JSON.stringify(report, null, 2) + '\n');
    log(`results written to ${o.json}`);
  }
  printReport(report, o.markdown);
}

runCommand(main, cleanUp, log, 'stopping the servers and removing temporary data');
