import { formatNumber, type Table } from '../format';
import type { MachineInfo } from '../results';
import { median, percentile, sortedCopy } from '../stats';
import type { VisitPhases } from './timeline';

/** The console benchmark's figures: what `--json` writes and the tables are made of. No I/O here. */

/**
 * How a visit ended: its first rows ("rows"), the console's 404 page, the sign-in page, an error
 * alert, an empty table, rows that came only after the table had shown empty ("late-rows"), or
 * nothing within the time limit.
 */
export type VisitOutcome = 'rows' | 'not-found' | 'signed-out' | 'error' | 'empty' | 'late-rows' | 'timeout';

/** Scripts loaded before the first render, from the page's resource timing. */
export interface ScriptBytes {
  files: number;
  /** Bodies as sent (compressed when the server compressed them). */
  encoded: number;
  /** Bodies decompressed. */
  decoded: number;
  /** encoded plus response headers; 0 for what came from the HTTP cache. */
  transferred: number;
  /** How many of the files came gzip-encoded. */
  gzipped: number;
}

export interface PageResult {
  name: string;
  label: string;
  path: string;
  /** "rows" when measured; otherwise why the page was not. */
  outcome: VisitOutcome;
  detail?: string;
  coldMs: number[];
  warmMs: number[];
  /** Scripts of the first cold visit. */
  scripts?: ScriptBytes;
  /** Where each cold visit's time went. */
  coldPhases: VisitPhases[];
}

export interface ConsoleBenchReport {
  startedAt: string;
  commit?: string;
  machine: MachineInfo;
  settings: {
    /** How the console was served, in words ("production build served by the bench's static server, …"). */
    servedBy: string;
    consoleUrl: string;
    apiUrl: string;
    browser: string;
    runs: number;
    projects: number;
    artifacts: number;
  };
  /** Seconds the seeding took (checks only when everything was there). */
  seedS: number;
  /**
   * How busy the machine was with other work: the cores other processes used over the second
   * before each run (after waiting for idle CPUs, up to --wait-idle), and the 1-minute load
   * average before and after the runs.
   */
  load: { otherCoresBeforeRuns: number[]; loadAverageBefore: number; loadAverageAfter: number };
  signIn: { coldMs: number[]; scripts?: ScriptBytes; coldPhases: VisitPhases[] };
  pages: PageResult[];
  targets: { pageMs: number; scriptBytes: number };
}

export const PAGE_TARGET_MS = 1000;
export const SCRIPT_TARGET_BYTES = 400 * 1024;

export interface Summary {
  median: number;
  p95: number;
}

export function summarize(ms: readonly number[]): Summary | undefined {
  if (ms.length === 0) return undefined;
  return { median: median(ms) as number, p95: percentile(sortedCopy(ms), 95) as number };
}

/** `value` against `target` as "0.42 (within)" / "1.30 (OVER)". */
export function againstTarget(value: number | undefined, target: number): string {
  if (value === undefined || !Number.isFinite(value)) return 'n/a';
  const r = value / target;
  return `${r.toFixed(2)} (${r <= 1 ? 'within' : 'OVER'})`;
}

const KB = 1024;

function kb(bytes: number | undefined): string {
  return bytes === undefined ? '—' : formatNumber(bytes / KB);
}

const WHY: Record<Exclude<VisitOutcome, 'rows'>, string> = {
  'not-found': 'skipped: the console has no such page yet (its 404 page)',
  'signed-out': 'not measured: the console went to the sign-in page',
  error: 'not measured: the page showed an error',
  empty: 'not measured: the table stayed empty',
  'late-rows': 'not measured: the table showed empty before its rows',
  timeout: 'not measured: no rows within the time limit',
};

const SHORT_WHY: Record<Exclude<VisitOutcome, 'rows'>, string> = {
  'not-found': 'skipped: no such page',
  'signed-out': 'not measured: signed out',
  error: 'not measured: error',
  empty: 'not measured: empty',
  'late-rows': 'not measured: empty first',
  timeout: 'not measured: timeout',
};

export function timingTable(report: ConsoleBenchReport): Table {
  const target = report.targets.pageMs;
  const rows = report.pages.map((p) => {
    if (p.outcome !== 'rows') return [p.label, p.path, '—', '—', '—', '—', SHORT_WHY[p.outcome]];
    const cold = summarize(p.coldMs);
    const warm = summarize(p.warmMs);
    return [p.label, p.path, formatNumber(cold?.median), formatNumber(cold?.p95), formatNumber(warm?.median), formatNumber(warm?.p95), againstTarget(cold?.p95, target)];
  });
  const signIn = summarize(report.signIn.coldMs);
  const notes = [`The sign-in form, cold: median ${formatNumber(signIn?.median)} ms, p95 ${formatNumber(signIn?.p95)} ms.`];
  for (const p of report.pages) if (p.outcome !== 'rows' && p.outcome !== 'not-found') notes.push(`${p.label}: ${WHY[p.outcome]}${p.detail ? ` (${p.detail})` : ''}.`);
  const l = report.load;
  const busiest = Math.max(0, ...l.otherCoresBeforeRuns);
  // Not the load average: it counts the bench's own browser of the minute before.
  if (busiest >= 0.25) {
    notes.push(
      `warning: the machine was busy with other work (other processes used ${l.otherCoresBeforeRuns.map((c) => formatNumber(c)).join(', ')} cores before the runs; ` +
        `load average ${formatNumber(l.loadAverageBefore)} before, ${formatNumber(l.loadAverageAfter)} after, on ${report.machine.cpus} cores): the times are disturbed.`,
    );
  }
  return {
    title: `Time from navigation to the first rows of each list (ms; ${report.settings.runs} runs, cold: new browser context; warm: second visit)`,
    headers: ['page', 'path', 'cold median', 'cold p95', 'warm median', 'warm p95', `cold p95 / ${target / 1000} s target`],
    align: ['left', 'left', 'right', 'right', 'right', 'right', 'right'],
    rows,
    notes,
  };
}

/** The sign-in page's and every measured page's scripts; `targetPages` not measured get a note. */
export function scriptTable(report: ConsoleBenchReport, targetPages: readonly string[]): Table {
  const target = report.targets.scriptBytes;
  const entries: { label: string; scripts?: ScriptBytes }[] = [{ label: 'sign-in', scripts: report.signIn.scripts }];
  for (const p of report.pages) if (p.outcome === 'rows') entries.push({ label: p.label, scripts: p.scripts });
  const missing = report.pages.filter((p) => p.outcome !== 'rows' && targetPages.includes(p.name));
  return {
    title: 'JavaScript loaded before the first render (cold; KB = 1,024 bytes)',
    headers: ['page', 'files', 'gzip-encoded', 'as sent KB', 'uncompressed KB', `as sent / ${target / KB} KB target`],
    align: ['left', 'right', 'right', 'right', 'right', 'right'],
    rows: entries.map((e) => [
      e.label,
      String(e.scripts?.files ?? '—'),
      e.scripts ? `${e.scripts.gzipped} of ${e.scripts.files}` : '—',
      kb(e.scripts?.encoded),
      kb(e.scripts?.decoded),
      againstTarget(e.scripts?.encoded, target),
    ]),
    notes: missing.map((p) => `${p.label}: ${WHY[p.outcome as Exclude<VisitOutcome, 'rows'>]}, so its scripts were not measured.`),
  };
}

/** Medians over the cold visits of the moments in `VisitPhases`, on the page's clock. */
export function phaseTable(report: ConsoleBenchReport): Table {
  const entries: { label: string; phases: VisitPhases[] }[] = [{ label: 'sign-in (the form)', phases: report.signIn.coldPhases }];
  for (const p of report.pages) if (p.outcome === 'rows') entries.push({ label: p.label, phases: p.coldPhases });
  const med = (values: (number | undefined)[]) => {
    const known = values.filter((v): v is number => v !== undefined);
    return known.length === 0 ? undefined : median(known);
  };
  return {
    title: "Where a cold visit's time goes (ms after its navigation started, the page's clock; medians)",
    headers: ['page', 'scripts loaded', 'first API request', 'last API answer', 'API requests', 'first rows'],
    align: ['left', 'right', 'right', 'right', 'right', 'right'],
    rows: entries.map((e) => [
      e.label,
      formatNumber(med(e.phases.map((p) => p.scriptsDoneMs))),
      formatNumber(med(e.phases.map((p) => p.firstApiStartMs))),
      formatNumber(med(e.phases.map((p) => p.lastApiEndMs))),
      String(med(e.phases.map((p) => p.apiRequests)) ?? '—'),
      formatNumber(med(e.phases.map((p) => p.renderMs))),
    ]),
  };
}

export function consoleTables(report: ConsoleBenchReport, targetPages: readonly string[]): Table[] {
  return [timingTable(report), scriptTable(report, targetPages), phaseTable(report)];
}
