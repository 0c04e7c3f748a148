import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureDatabase, REPOSITORY_VERSION_KEY_PREFIX, runMigrations } from '@wharf/db';
import { JobQueues } from '@wharf/jobs';
import Redis from 'ioredis';
import { Client } from 'pg';
import { renderMarkdown, renderText } from '../format';
import { clientCpuSeconds, machineBusySeconds } from '../probes/process-tree';
import type { MachineInfo } from '../results';
import { distributionAvailable } from '../servers/distribution';
import { logTail } from '../servers/process';
import { type Corpus, generateCorpus } from './corpus';
import { runDistributionGc } from './distribution-gc';
import { GC_USAGE, type GcBenchOptions, parseGcOptions } from './options';
import { type GcBenchReport, type GcSideResult, gcTables, speedup } from './report';
import { DistributionTree, WharfTree } from './trees';
import { runWharfGc, startJobService } from './wharf-gc';
import { checkRows, loadRows } from './wharf-rows';
import { logger, runCommand } from '../cli';

/**
 * `npm run bench:gc`: Wharf's garbage collection against distribution's `garbage-collect` on the
 * same registry content, in one run. See docs/benchmarks.md ("Garbage collection").
 */

const REPO_ROOT = resolve(__dirname, '../../../../..');
const TARGET_S = 60;
/** Everything was pushed or uploaded this long ago; GC runs with a one-hour window. */
const AGE_S = 2 * 86_400;
const TIME_WINDOW_HOURS = 1;

const log = logger('bench:gc');

const cleanups: (() => Promise<void>)[] = [];
async function cleanUp(): Promise<void> {
  while (cleanups.length > 0) {
    const step = cleanups.pop() as () => Promise<void>;
    await step().catch((err: Error) => log(`failed to clean up: ${err.message}`));
  }
}

function seconds(since: number): number {
  return (performance.now() - since) / 1000;
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

function commit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** Waits (up to `maxS`) until other processes use under a quarter of a core over one second. */
async function waitForIdle(maxS: number, what: string): Promise<void> {
  if (maxS <= 0) return;
  const deadline = Date.now() + maxS * 1000;
  for (;;) {
    const m0 = machineBusySeconds();
    const c0 = clientCpuSeconds();
    await new Promise((r) => setTimeout(r, 1000));
    const busy = machineBusySeconds() - m0 - (clientCpuSeconds() - c0);
    if (busy < 0.25) return;
    if (Date.now() > deadline) {
      log(`warning: other processes still use ${busy.toFixed(2)} cores; measuring ${what} anyway`);
      return;
    }
  }
}

/** Dirty pages and WAL from building the corpus are flushed now, not during a measurement. */
async function settle(adminUrl: string): Promise<void> {
  execFileSync('sync');
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query('CHECKPOINT');
  } catch (err) {
    log(`not checkpointing PostgreSQL: ${(err as Error).message}`);
  } finally {
    await admin.end();
  }
}

async function createDatabase(pgBase: string, database: string, keep: boolean): Promise<string> {
  const url = `${pgBase}/${database}`;
  await ensureDatabase(url);
  if (!keep) {
    cleanups.push(async () => {
      const admin = new Client({ connectionString: `${pgBase}/postgres` });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    });
  }
  await runMigrations(url);
  return url;
}

/** Removes what the run left in the shared Redis: its queues and the repositories' cache versions. */
async function cleanRedis(redisUrl: string, prefix: string, corpus: Corpus): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    const keys: string[] = corpus.repositories.map((r) => REPOSITORY_VERSION_KEY_PREFIX + r.name);
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...found);
    } while (cursor !== '0');
    for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
  } finally {
    redis.disconnect();
  }
}

interface Sides {
  wharf: WharfTree;
  distribution?: DistributionTree;
}

/** The corpus written to both trees at once: each blob is generated and hashed once. */
function buildTrees(o: GcBenchOptions, runId: string, sides: Sides): { corpus: Corpus; filesS: number; linksS?: number } {
  const t = performance.now();
  const corpus = generateCorpus({ blobs: o.blobs, artifacts: o.artifacts, repositories: o.repositories, runId }, (blob, parts) => {
    sides.wharf.write(blob, parts);
    sides.distribution?.write(blob, parts);
  });
  const filesS = seconds(t);
  if (!sides.distribution) return { corpus, filesS };
  const l = performance.now();
  sides.distribution.writeLinks(corpus);
  return { corpus, filesS, linksS: seconds(l) };
}

async function wharfSide(o: GcBenchOptions, runId: string, tmp: string, db: { url: string; name: string }, tree: WharfTree, corpus: Corpus, problems: string[]): Promise<GcSideResult> {
  const prefix = `wharf-bench-gc-${runId}`;
  const queues = new JobQueues({ redisUrl: o.redisUrl, prefix });
  cleanups.push(async () => {
    await queues.close();
    await cleanRedis(o.redisUrl, prefix, corpus);
  });
  log('starting the jobservice');
  const jobservice = await startJobService({ repoRoot: REPO_ROOT, tmpDir: tmp, databaseUrl: db.url, redisUrl: o.redisUrl, dataDir: tree.root, queuePrefix: prefix, profileDir: o.profileDir }, queues);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await jobservice.stop();
  };
  cleanups.push(stop);
  await waitForIdle(o.waitIdleS, "Wharf's GC");
  log(`Wharf GC: workers ${o.workers}, time window ${TIME_WINDOW_HOURS} h`);
  const run = await runWharfGc(db.url, db.name, `${o.pgBase}/postgres`, queues, jobservice, {
    time_window: TIME_WINDOW_HOURS,
    workers: o.workers,
    delete_untagged: false,
    dry_run: false,
  });
  await stop();
  if (o.profileDir) log(`the jobservice's CPU profile is in ${o.profileDir}`);
  const logged = logTail(jobservice.logFile, 10_000).trim();
  if (logged) log(`the jobservice logged:\n${logged.split('\n').slice(-5).join('\n')}`);

  const extra = run.execution.extraAttrs;
  if (run.execution.status !== 'Success') problems.push(`Wharf's GC ended ${run.execution.status}: ${run.execution.statusMessage}\n${run.log.slice(-2000)}`);
  if (extra['blobs_deleted'] !== corpus.garbage.length) problems.push(`Wharf's GC reports ${String(extra['blobs_deleted'])} blobs deleted, not ${corpus.garbage.length}`);
  log('checking what Wharf deleted and kept');
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    problems.push(...(await checkRows(client, corpus)).map((p) => `Wharf: ${p}`));
  } finally {
    await client.end();
  }
  const garbageFiles = corpus.garbage.filter((g) => existsSync(tree.blobPath(g.blob.hex))).length;
  const missingFiles = corpus.kept.filter((b) => !existsSync(tree.blobPath(b.hex))).length;
  if (garbageFiles > 0) problems.push(`Wharf: ${garbageFiles} unreferenced blob files are still there`);
  if (missingFiles > 0) problems.push(`Wharf: ${missingFiles} referenced blob files were deleted`);
  const setAside = join(tree.root, 'gc');
  if (existsSync(setAside) && readdirSync(setAside).length > 0) problems.push(`Wharf: ${readdirSync(setAside).length} files left set aside in ${setAside}`);

  return {
    name: 'wharf',
    label: 'Wharf',
    blobsDeleted: Number(extra['blobs_deleted'] ?? 0),
    bytesFreed: Number(extra['blob_bytes_freed'] ?? 0),
    wallS: run.wallS,
    executionS: run.executionS,
    cpuS: run.jobserviceCpuS,
    dbCpuS: run.dbCpuS,
    otherCpuS: run.otherCpuS,
    phases: run.phases,
  };
}

async function distributionSide(o: GcBenchOptions, tmp: string, tree: DistributionTree, corpus: Corpus, problems: string[]): Promise<GcSideResult> {
  const config = tree.writeConfig(join(tmp, 'distribution-gc.yml'));
  const before = tree.countBlobs();
  await waitForIdle(o.waitIdleS, "distribution's GC");
  log('distribution GC: docker-registry garbage-collect');
  const run = await runDistributionGc(config, join(tmp, 'distribution-gc.log'));
  const after = tree.countBlobs();
  const deleted = corpus.garbage.filter((g) => !tree.hasBlob(g.blob.hex));
  const missing = corpus.kept.filter((b) => !tree.hasBlob(b.hex)).length;
  if (before - after !== corpus.garbage.length) problems.push(`distribution: ${before - after} blob directories went instead of ${corpus.garbage.length}`);
  if (deleted.length !== corpus.garbage.length) problems.push(`distribution: ${corpus.garbage.length - deleted.length} unreferenced blobs are still there`);
  if (missing > 0) problems.push(`distribution: ${missing} referenced blobs were deleted`);
  if (run.eligible !== corpus.garbage.length) log(`note: distribution listed ${run.eligible} blobs as eligible for deletion`);
  return {
    name: 'distribution',
    label: 'distribution',
    version: run.version,
    blobsDeleted: before - after,
    bytesFreed: deleted.reduce((n, g) => n + g.blob.size, 0),
    wallS: run.wallS,
    cpuS: run.cpuS,
    otherCpuS: run.otherCpuS,
    phases:
      run.markS === undefined
        ? undefined
        : [
            { label: 'mark (every repository and manifest), list blobs', seconds: run.markS },
            { label: 'delete unmarked blobs', seconds: run.wallS - run.markS },
          ],
  };
}

function printReport(report: GcBenchReport, markdown: boolean): void {
  const m = report.machine;
  const s = report.settings;
  const MiB = 1024 * 1024;
  const header = [
    `machine: ${m.cpus} × ${m.cpuModel}, ${Math.round(m.memoryBytes / 1024 ** 3)} GB RAM, ${m.os}, Linux ${m.kernel}, Node ${m.node}`,
    `corpus: ${s.blobs.toLocaleString('en-US')} unreferenced blobs (${Math.round(s.garbageBytes / MiB)} MB), ${s.artifacts.toLocaleString('en-US')} tagged artifacts ` +
      `in ${s.repositories} repositories referencing ${s.keptBlobs.toLocaleString('en-US')} blobs (${Math.round(s.keptBytes / MiB)} MB); ` +
      `Wharf GC workers=${s.workers}, time_window=${s.timeWindowHours} h; commit ${report.commit ?? 'unknown'}, ${report.startedAt}`,
  ];
  const tables = gcTables(report);
  if (markdown) process.stdout.write(header.map((h) => `- ${h}`).join('\n') + '\n\n' + tables.map(renderMarkdown).join('\n\n') + '\n');
  else process.stdout.write(header.join('\n') + '\n\n' + tables.map(renderText).join('\n\n') + '\n');
}

async function main(): Promise<void> {
  const parsed = parseGcOptions(process.argv.slice(2));
  if (parsed === 'help') {
    process.stdout.write(GC_USAGE);
    return;
  }
  const o = parsed;
  const startedAt = new Date().toISOString();
  // What dist/ was just built from (others may commit while the benchmark runs).
  const builtFrom = commit();
  const runId = randomBytes(6).toString('hex');
  const tmp = mkdtempSync(join(tmpdir(), 'wharf-bench-gc-'));
  if (o.keep) log(`keeping everything: ${tmp}, database wharf_bench_gc_${runId}`);
  else cleanups.push(async () => rmSync(tmp, { recursive: true, force: true }));

  const withDistribution = o.distribution && distributionAvailable();
  if (o.distribution && !withDistribution) log('distribution is not installed (/usr/bin/docker-registry): reporting Wharf alone');

  const database = `wharf_bench_gc_${runId}`;
  log(`creating database ${database}`);
  const dbUrl = await createDatabase(o.pgBase, database, o.keep);

  const written = new Date(Date.now() - AGE_S * 1000);
  const sides: Sides = { wharf: new WharfTree(join(tmp, 'wharf-data'), written) };
  if (withDistribution) {
    mkdirSync(join(tmp, 'distribution-root'));
    sides.distribution = new DistributionTree(join(tmp, 'distribution-root'));
  }
  log(`writing ${o.blobs.toLocaleString('en-US')} unreferenced blobs and ${o.artifacts.toLocaleString('en-US')} artifacts into ${withDistribution ? 'both trees' : "Wharf's tree"}`);
  const built = buildTrees(o, runId, sides);
  const { corpus } = built;
  log(`wrote ${corpus.sequence.length.toLocaleString('en-US')} blobs in ${built.filesS.toFixed(1)} s${built.linksS === undefined ? '' : `, distribution's links in ${built.linksS.toFixed(1)} s`}`);
  const r = performance.now();
  const client = new Client({ connectionString: dbUrl });
  await client.connect();
  try {
    await loadRows(client, corpus, AGE_S);
  } finally {
    await client.end();
  }
  const rowsS = seconds(r);
  log(`inserted Wharf's rows in ${rowsS.toFixed(1)} s`);
  await settle(`${o.pgBase}/postgres`);

  const problems: string[] = [];
  const results: GcSideResult[] = [await wharfSide(o, runId, tmp, { url: dbUrl, name: database }, sides.wharf, corpus, problems)];
  if (sides.distribution) {
    await settle(`${o.pgBase}/postgres`);
    results.push(await distributionSide(o, tmp, sides.distribution, corpus, problems));
  }
  // This file system unlinks a few thousand inodes per second: distribution's tree alone has ~400,000.
  if (!o.keep) log('removing the temporary trees and the database');
  await cleanUp();

  const report: GcBenchReport = {
    startedAt,
    commit: builtFrom,
    machine: machineInfo(),
    settings: {
      blobs: o.blobs,
      artifacts: o.artifacts,
      repositories: o.repositories,
      workers: o.workers,
      timeWindowHours: TIME_WINDOW_HOURS,
      keptBlobs: corpus.kept.length,
      keptBytes: corpus.keptBytes,
      garbageBytes: corpus.garbageBytes,
    },
    populate: { filesS: built.filesS, rowsS, linksS: built.linksS },
    results,
    targetS: TARGET_S,
  };
  if (o.json) {
    writeFileSync(o.json, JSON.stringify(report, null, 2) + '\n');
    log(`results written to ${o.json}`);
  }
  printReport(report, o.markdown);
  const x = speedup(report);
  if (x !== undefined) log(`distribution took ${x.toFixed(2)}× Wharf's time`);
  if (problems.length > 0) {
    log(`FAILED: garbage collection did not do what it must:\n- ${problems.join('\n- ')}`);
    process.exitCode = 1;
  }
}

runCommand(main, cleanUp, log, 'stopping the jobservice and removing temporary data');
