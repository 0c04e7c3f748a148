import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { logger, runCommand } from '../cli';
import { renderMarkdown, renderText } from '../format';
import { clientCpuSeconds, machineBusySeconds } from '../probes/process-tree';
import type { MachineInfo } from '../results';
import { startInstalled } from '../servers/installed';
import { launchChromium, measureListPage, signIn } from './browser';
import { CONSOLE_USAGE, type ConsoleBenchOptions, parseConsoleOptions } from './options';
import { ARTIFACTS_PAGE, selectPages, type SeededPlaces } from './pages';
import { type ConsoleBenchReport, consoleTables, PAGE_TARGET_MS, type PageResult, SCRIPT_TARGET_BYTES } from './report';
import { AdminClient, projectId, projectName, REPOSITORY, seedArtifacts, seedOthers, seedProjects } from './seed';
import { startStaticServer } from './static-server';

/**
 * `npm run bench:console`: the web console's list pages in Chromium against an installation
 * holding 1,000 projects and a repository of 10,000 artifacts. See docs/benchmarks.md ("The web
 * console").
 */

const REPO_ROOT = resolve(__dirname, '../../../../..');
/** Longest wait for one page's rows (a measurement past it is a failure, not a figure). */
const VISIT_TIMEOUT_MS = 30_000;

const log = logger('bench:console');

const cleanups: (() => Promise<void>)[] = [];
let cleaning: Promise<void> | undefined;
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    while (cleanups.length > 0) {
      const step = cleanups.pop() as () => Promise<void>;
      await step().catch((err: Error) => log(`failed to clean up: ${err.message}`));
    }
  })().finally(() => (cleaning = undefined));
  return cleaning;
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

/** Cores other processes keep busy, over `ms` of this process sleeping. */
async function busyCores(ms: number): Promise<number> {
  const m0 = machineBusySeconds();
  const c0 = clientCpuSeconds();
  await new Promise((r) => setTimeout(r, ms));
  return (machineBusySeconds() - m0 - (clientCpuSeconds() - c0)) / (ms / 1000);
}

/** Waits (up to `maxS`) until other processes use under a quarter of a core over one second; returns the last figure. */
async function waitForIdle(maxS: number): Promise<number> {
  const deadline = Date.now() + maxS * 1000;
  for (;;) {
    const busy = await busyCores(1000);
    if (busy < 0.25) return busy;
    if (Date.now() >= deadline) {
      log(`warning: other processes use ${busy.toFixed(2)} cores: measuring anyway, the times are disturbed`);
      return busy;
    }
  }
}

interface Target {
  consoleUrl: string;
  apiUrl: string;
  adminPassword: string;
  servedBy: string;
}

/** The console to measure: given (--url), served by the bench (--static-dir), or a fresh installation. */
async function target(o: ConsoleBenchOptions): Promise<Target> {
  if (o.url) {
    return { consoleUrl: o.url, apiUrl: o.apiUrl ?? o.url, adminPassword: o.adminPassword as string, servedBy: `the installation at ${o.url}` };
  }
  if (o.staticDir) {
    const server = await startStaticServer(o.staticDir, o.apiUrl as string);
    cleanups.push(() => server.close());
    log(`serving ${o.staticDir} at ${server.url}, the API from ${o.apiUrl}`);
    return {
      consoleUrl: server.url,
      apiUrl: o.apiUrl as string,
      adminPassword: o.adminPassword as string,
      servedBy: `production build (${o.staticDir}) served by the bench's static server (gzip level 6), API of the installation at ${o.apiUrl} through its gateway`,
    };
  }
  const tmp = mkdtempSync(join(tmpdir(), 'wharf-bench-console-'));
  if (!o.keep) cleanups.push(async () => rmSync(tmp, { recursive: true, force: true }));
  log("installing Wharf with this checkout's installer (gateway, core, registry, jobservice, Redis)");
  const installed = await startInstalled({
    checkout: REPO_ROOT,
    dir: join(tmp, 'installed'),
    pgBase: o.pgBase,
    onStop: (stop) => {
      if (!o.keep) cleanups.push(stop);
    },
  });
  if (o.keep) log(`keeping the installation: ${installed.url}, admin password ${installed.adminPassword}, in ${tmp}`);
  return { consoleUrl: installed.url, apiUrl: installed.url, adminPassword: installed.adminPassword, servedBy: `a fresh installation of this checkout (${installed.url}), through its gateway` };
}

async function seed(o: ConsoleBenchOptions, t: Target): Promise<{ places: SeededPlaces; seconds: number }> {
  const started = performance.now();
  const admin = new AdminClient(t.apiUrl, t.adminPassword);
  const first = projectName(1);
  await seedProjects(admin, o.projects, log);
  await seedArtifacts(admin, first, o.artifacts, log);
  const id = await projectId(admin, first);
  await seedOthers(admin, { name: first, id });
  return { places: { projectId: id, projectName: first, repository: REPOSITORY }, seconds: (performance.now() - started) / 1000 };
}

async function measure(browser: Browser, o: ConsoleBenchOptions, t: Target, places: SeededPlaces, beforeRun: () => Promise<void>): Promise<Pick<ConsoleBenchReport, 'signIn' | 'pages'>> {
  const signInResult: ConsoleBenchReport['signIn'] = { coldMs: [], coldPhases: [] };
  const pages: PageResult[] = selectPages(o.pages).map((p) => ({ name: p.name, label: p.label, path: p.path(places), outcome: 'rows', coldMs: [], warmMs: [], coldPhases: [] }));
  for (let run = 1; run <= o.runs; run++) {
    await beforeRun();
    const { visit, session } = await signIn(browser, t.consoleUrl, t.adminPassword, VISIT_TIMEOUT_MS);
    signInResult.coldMs.push(visit.ms);
    signInResult.coldPhases.push(visit.phases);
    signInResult.scripts ??= visit.scripts;
    const line: string[] = [`sign-in ${Math.round(visit.ms)}`];
    for (const page of pages) {
      if (page.outcome !== 'rows') continue;
      const { cold, warm } = await measureListPage(browser, t.consoleUrl + page.path, session, VISIT_TIMEOUT_MS);
      if (cold.outcome !== 'rows' || !warm || warm.outcome !== 'rows') {
        const failed = cold.outcome !== 'rows' ? cold : (warm as NonNullable<typeof warm>);
        page.outcome = failed.outcome;
        page.detail = failed.detail;
        line.push(`${page.name} ${failed.outcome}`);
        continue;
      }
      page.coldMs.push(cold.ms);
      page.warmMs.push(warm.ms);
      page.coldPhases.push(cold.phases);
      page.scripts ??= cold.scripts;
      line.push(`${page.name} ${Math.round(cold.ms)}/${Math.round(warm.ms)}`);
    }
    log(`run ${run}/${o.runs} (ms, cold/warm): ${line.join(', ')}`);
  }
  // A page that failed in a later run keeps no half series.
  for (const p of pages) {
    if (p.outcome !== 'rows') {
      p.coldMs = [];
      p.warmMs = [];
      p.coldPhases = [];
    }
  }
  return { signIn: signInResult, pages };
}

function printReport(report: ConsoleBenchReport, markdown: boolean): void {
  const m = report.machine;
  const s = report.settings;
  const header = [
    `machine: ${m.cpus} × ${m.cpuModel}, ${Math.round(m.memoryBytes / 1024 ** 3)} GB RAM, ${m.os}, Linux ${m.kernel}, Node ${m.node}`,
    `console: ${s.servedBy}; ${s.browser}; commit ${report.commit ?? 'unknown'}, ${report.startedAt}`,
    `data: ${s.projects.toLocaleString('en-US')} projects, ${s.artifacts.toLocaleString('en-US')} artifacts in one repository; ${s.runs} runs`,
    `other load: ${report.load.otherCoresBeforeRuns.map((c) => c.toFixed(2)).join(', ')} cores used by other processes before the runs; ` +
      `1-minute load average ${report.load.loadAverageBefore.toFixed(2)} before, ${report.load.loadAverageAfter.toFixed(2)} after`,
  ];
  const tables = consoleTables(report, [ARTIFACTS_PAGE]);
  if (markdown) process.stdout.write(header.map((h) => `- ${h}`).join('\n') + '\n\n' + tables.map(renderMarkdown).join('\n\n') + '\n');
  else process.stdout.write(header.join('\n') + '\n\n' + tables.map(renderText).join('\n\n') + '\n');
}

async function main(): Promise<void> {
  const parsed = parseConsoleOptions(process.argv.slice(2));
  if (parsed === 'help') {
    process.stdout.write(CONSOLE_USAGE);
    return;
  }
  const o = parsed;
  selectPages(o.pages);
  const startedAt = new Date().toISOString();
  const builtFrom = commit();
  const t = await target(o);
  log(`seeding ${o.projects.toLocaleString('en-US')} projects and ${o.artifacts.toLocaleString('en-US')} artifacts through ${t.apiUrl} (skipped where there)`);
  const seeded = await seed(o, t);
  log(`seeded in ${seeded.seconds.toFixed(1)} s; project ${seeded.places.projectName} is id ${seeded.places.projectId}`);
  const loadAverageBefore = loadavg()[0];
  const browser = await launchChromium(o.chromium);
  cleanups.push(() => browser.close());
  const otherCoresBeforeRuns: number[] = [];
  const measured = await measure(browser, o, t, seeded.places, async () => {
    otherCoresBeforeRuns.push(await waitForIdle(o.waitIdleS));
  });
  const load = { otherCoresBeforeRuns, loadAverageBefore, loadAverageAfter: loadavg()[0] };
  const report: ConsoleBenchReport = {
    startedAt,
    commit: builtFrom,
    machine: machineInfo(),
    settings: { servedBy: t.servedBy, consoleUrl: t.consoleUrl, apiUrl: t.apiUrl, browser: `Chromium ${browser.version()}`, runs: o.runs, projects: o.projects, artifacts: o.artifacts },
    seedS: seeded.seconds,
    load,
    ...measured,
    targets: { pageMs: PAGE_TARGET_MS, scriptBytes: SCRIPT_TARGET_BYTES },
  };
  await cleanUp();
  if (o.json) {
    writeFileSync(o.json, JSON.stringify(report, null, 2) + '\n');
    log(`results written to ${o.json}`);
  }
  printReport(report, o.markdown);
}

runCommand(main, cleanUp, log, 'closing the browser and removing what the bench started');
