import { formatNumber, formatPercent, formatRatio, ratio, type Table } from '../format';
import type { MachineInfo } from '../results';

/** The GC benchmark's figures: what `--json` writes and the tables are made of. No I/O here. */

export interface GcPhase {
  label: string;
  seconds: number;
}

export interface GcSideResult {
  name: 'wharf' | 'distribution';
  label: string;
  version?: string;
  blobsDeleted: number;
  bytesFreed: number;
  /** From the trigger (Wharf: the API's execution row; distribution: the command) to the end. */
  wallS: number;
  /** Wharf: the execution row's start to end. */
  executionS?: number;
  /** CPU of the GC process (Wharf: the jobservice; distribution: garbage-collect). */
  cpuS: number;
  /** PostgreSQL backends serving the GC (Wharf only). */
  dbCpuS?: number;
  /** Everything else on the machine meanwhile: other work disturbs the figure when this is large. */
  otherCpuS: number;
  phases?: GcPhase[];
}

export interface GcBenchReport {
  startedAt: string;
  commit?: string;
  machine: MachineInfo;
  settings: {
    blobs: number;
    artifacts: number;
    repositories: number;
    /** Wharf GC's `workers` parameter. */
    workers: number;
    timeWindowHours: number;
    keptBlobs: number;
    keptBytes: number;
    garbageBytes: number;
  };
  /** Seconds spent building the trees and rows (not measured against anything). */
  populate: { filesS: number; rowsS: number; linksS?: number };
  results: GcSideResult[];
  /** The target for Wharf's GC of the default corpus. */
  targetS: number;
}

const MiB = 1024 * 1024;

interface Metric {
  label: string;
  unit: string;
  better: 'higher' | 'lower' | 'none';
  pick(r: GcSideResult): number | undefined;
}

const METRICS: Metric[] = [
  { label: 'blobs deleted', unit: 'blobs', better: 'none', pick: (r) => r.blobsDeleted },
  { label: 'bytes freed', unit: 'MB', better: 'none', pick: (r) => r.bytesFreed / MiB },
  { label: 'GC time, trigger to end', unit: 's', better: 'lower', pick: (r) => r.wallS },
  { label: '  the execution itself', unit: 's', better: 'none', pick: (r) => r.executionS },
  { label: 'throughput', unit: 'blobs/s', better: 'higher', pick: (r) => (r.wallS > 0 ? r.blobsDeleted / r.wallS : undefined) },
  { label: 'CPU of the GC process', unit: 's', better: 'lower', pick: (r) => r.cpuS },
  { label: 'CPU of PostgreSQL', unit: 's', better: 'none', pick: (r) => r.dbCpuS },
  { label: 'CPU of other processes meanwhile', unit: 's', better: 'none', pick: (r) => r.otherCpuS },
];

/** Wharf against distribution; "Wharf advantage" is oriented so that above 1 favours Wharf. */
export function gcComparisonTable(report: GcBenchReport): Table {
  const s = report.settings;
  const wharf = report.results.find((r) => r.name === 'wharf');
  const dist = report.results.find((r) => r.name === 'distribution');
  const headers = ['figure', 'unit', wharf?.label ?? 'Wharf'];
  if (dist) headers.push(dist.label, 'Wharf advantage');
  const rows = METRICS.map((m) => {
    const w = wharf ? m.pick(wharf) : undefined;
    const row = [m.label, m.unit, formatNumber(w)];
    if (dist) {
      const d = m.pick(dist);
      row.push(formatNumber(d), m.better === 'none' ? '' : formatRatio(w, d, m.better));
    }
    return row;
  });
  const notes: string[] = [];
  if (dist) notes.push('Wharf advantage: distribution time / Wharf time (and Wharf / distribution throughput); >1 means Wharf is faster.');
  if (wharf) notes.push(targetNote(report, wharf));
  for (const r of report.results) {
    const cores = r.wallS > 0 ? r.otherCpuS / r.wallS : 0;
    if (cores >= 0.25) notes.push(`warning: other processes kept ${formatNumber(cores)} cores busy during ${r.label}'s GC; its figures are disturbed.`);
  }
  return {
    title: `Garbage collection: ${s.blobs.toLocaleString('en-US')} unreferenced blobs among ${s.artifacts.toLocaleString('en-US')} tagged artifacts in ${s.repositories} repositories`,
    headers,
    align: headers.map((_, i) => (i < 2 ? 'left' : 'right')),
    rows,
    notes,
  };
}

export function targetNote(report: GcBenchReport, wharf: GcSideResult): string {
  const verdict = wharf.wallS < report.targetS ? 'within' : 'OVER';
  return `target: Wharf collects ${report.settings.blobs.toLocaleString('en-US')} blobs in ${formatNumber(wharf.wallS)} s, ${verdict} the ${report.targetS} s target.`;
}

/** Where each GC's time went (Wharf: its log's timestamps and progress figures; distribution: its output). */
export function gcPhaseTable(report: GcBenchReport): Table | undefined {
  const sides = report.results.filter((r) => r.phases?.length);
  if (sides.length === 0) return undefined;
  const rows = sides.flatMap((r) => {
    const total = r.executionS ?? r.wallS;
    return (r.phases ?? []).map((p) => [r.label, p.label, formatNumber(p.seconds), formatPercent(p.seconds, total)]);
  });
  return { title: 'GC time by phase', headers: ['GC', 'phase', 's', 'share'], align: ['left', 'left', 'right', 'right'], rows };
}

export function gcTables(report: GcBenchReport): Table[] {
  return [gcComparisonTable(report), gcPhaseTable(report)].filter((t): t is Table => t !== undefined);
}

/** distribution time / Wharf time, when both ran. */
export function speedup(report: GcBenchReport): number | undefined {
  const w = report.results.find((r) => r.name === 'wharf');
  const d = report.results.find((r) => r.name === 'distribution');
  return ratio(w?.wallS, d?.wallS, 'lower');
}
