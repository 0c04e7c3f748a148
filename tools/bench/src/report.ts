import { formatNumber, formatPercent, formatRatio, Table } from './format';
import type { BenchReport, ScenarioId, ScenarioResult, TargetResult } from './results';

const MiB = 1024 * 1024;

function mb(bytes: number): string {
  const n = bytes / MiB;
  return Number.isInteger(n) ? String(n) : formatNumber(n);
}

function megabytes(bytes: number | undefined): number | undefined {
  return bytes === undefined ? undefined : bytes / MiB;
}

interface Metric {
  label: string;
  unit: string;
  better: 'higher' | 'lower';
  pick(t: TargetResult): number | undefined;
}

function scenarioMetrics(report: BenchReport): Metric[] {
  const s = report.settings;
  const blob = `${mb(s.blobBytes)} MB`;
  const v = (id: ScenarioId) => (t: TargetResult) => t.scenarios[id]?.value;
  const lat = (id: ScenarioId, key: 'p50Ms' | 'p99Ms') => (t: TargetResult) => t.scenarios[id]?.[key];
  const withLatency = (id: ScenarioId, label: string): Metric[] => [
    { label, unit: 'req/s', better: 'higher', pick: v(id) },
    { label: '  latency p50', unit: 'ms', better: 'lower', pick: lat(id, 'p50Ms') },
    { label: '  latency p99', unit: 'ms', better: 'lower', pick: lat(id, 'p99Ms') },
  ];
  return [
    { label: `push ${blob} monolithic (POST + PUT)`, unit: 'MB/s', better: 'higher', pick: v('push-monolithic') },
    { label: `push ${blob} chunked (${mb(s.chunkBytes)} MB PATCHes)`, unit: 'MB/s', better: 'higher', pick: v('push-chunked') },
    { label: `pull ${blob}, 1 stream`, unit: 'MB/s', better: 'higher', pick: v('pull-1') },
    { label: `pull ${blob}, 4 parallel streams`, unit: 'MB/s', better: 'higher', pick: v('pull-4') },
    ...withLatency('manifest-get', `manifest GET by tag, c${s.concurrency}`),
    { label: `push ${s.images} small images, c${s.pushConcurrency}`, unit: 'images/s', better: 'higher', pick: v('small-images') },
    ...withLatency('tags-list', `tags list (${s.images} tags), c${s.concurrency}`),
    ...withLatency('catalog', `catalog, c${s.concurrency}`),
    { label: 'server RSS after start (idle)', unit: 'MB', better: 'lower', pick: (t) => megabytes(t.idleRssBytes) },
    { label: 'server RSS peak', unit: 'MB', better: 'lower', pick: (t) => megabytes(t.peakRssBytes) },
    { label: 'server PSS after start (idle)', unit: 'MB', better: 'lower', pick: (t) => megabytes(t.idlePssBytes) },
    { label: 'server PSS peak', unit: 'MB', better: 'lower', pick: (t) => megabytes(t.peakPssBytes) },
  ];
}

/** The main table: every figure of each registry, with the ratio oriented so that >1 favours Wharf. */
export function comparisonTable(report: BenchReport): Table {
  const wharf = report.targets.find((t) => t.name === 'wharf');
  const dist = report.targets.find((t) => t.name === 'distribution');
  const headers = ['scenario', 'unit', wharf?.label ?? 'Wharf'];
  if (dist) headers.push(dist.label, 'Wharf advantage');
  const rows = scenarioMetrics(report).map((m) => {
    const w = wharf ? m.pick(wharf) : undefined;
    const row = [m.label, m.unit, formatNumber(w)];
    if (dist) {
      const d = m.pick(dist);
      row.push(formatNumber(d), formatRatio(w, d, m.better));
    }
    return row;
  });
  const notes = dist
    ? [
        'Wharf advantage: Wharf/distribution for throughput, distribution/Wharf for latency and memory; >1 means Wharf is better.',
        'RSS and PSS are summed over the server process tree (Wharf: primary + cluster workers; PostgreSQL not included).',
      ]
    : [];
  return { title: 'Registry benchmark', headers, align: headers.map((_, i) => (i < 2 ? 'left' : 'right')), rows, notes };
}

/** Blob pulls of each registry as a share of nginx serving the same file with sendfile. */
export function baselineTable(report: BenchReport): Table | undefined {
  const nginx = report.targets.find((t) => t.name === 'nginx');
  if (!nginx) return undefined;
  const registries = report.targets.filter((t) => t.name !== 'nginx');
  const headers = ['blob pull', 'nginx MB/s'];
  for (const r of registries) headers.push(`${r.label} MB/s`, `${r.label} % of nginx`);
  const rows = (['pull-1', 'pull-4'] as const).map((id) => {
    const base = nginx.scenarios[id]?.value;
    const row = [id === 'pull-1' ? '1 stream' : '4 parallel streams', formatNumber(base)];
    for (const r of registries) {
      const v = r.scenarios[id]?.value;
      row.push(formatNumber(v), formatPercent(v, base));
    }
    return row;
  });
  return {
    title: 'Static-file baseline (nginx, sendfile, 2 workers, same file)',
    headers,
    align: headers.map((_, i) => (i === 0 ? 'left' : 'right')),
    rows,
  };
}

/** Where the time went: CPU seconds of server, database and load generator per scenario. */
export function cpuTable(report: BenchReport): Table {
  const headers = ['scenario', 'target', 'wall s', 'server CPU s', 'db CPU s', 'client CPU s', 'other CPU s', 'server cores busy', 'disk read MB', 'disk write MB', 'runs'];
  const rows: string[][] = [];
  for (const t of report.targets) {
    for (const [id, r] of Object.entries(t.scenarios) as [ScenarioId, ScenarioResult][]) {
      const c = r.cpu;
      if (!c) continue;
      const serverTotal = c.serverS === undefined ? undefined : c.serverS + (c.dbS ?? 0);
      rows.push([
        id,
        t.label,
        formatNumber(c.wallS),
        formatNumber(c.serverS),
        formatNumber(c.dbS),
        formatNumber(c.clientS),
        formatNumber(c.otherS),
        serverTotal === undefined ? '—' : formatNumber(serverTotal / c.wallS),
        formatNumber(megabytes(c.diskReadBytes)),
        formatNumber(megabytes(c.diskWrittenBytes)),
        String(r.attempts ?? 1),
      ]);
    }
  }
  return {
    title: 'CPU time per scenario (measured part, warm-ups excluded; 2 cores = 2 CPU-seconds per wall second)',
    headers,
    align: headers.map((_, i) => (i < 2 ? 'left' : 'right')),
    rows,
    notes: busyMachineWarning(report),
  };
}

/** Cores used by other processes on average over the measured parts, if that was significant. */
export function otherLoadCores(report: BenchReport): number | undefined {
  let other = 0;
  let wall = 0;
  for (const t of report.targets) {
    for (const r of Object.values(t.scenarios)) {
      if (r?.cpu?.otherS === undefined) continue;
      other += r.cpu.otherS;
      wall += r.cpu.wallS;
    }
  }
  return wall > 0 ? other / wall : undefined;
}

function busyMachineWarning(report: BenchReport): string[] {
  const cores = otherLoadCores(report);
  if (cores === undefined || cores < 0.1) return [];
  return [`warning: other processes kept ${formatNumber(cores)} cores busy on average while measuring; the figures are disturbed.`];
}

export function allTables(report: BenchReport): Table[] {
  return [comparisonTable(report), baselineTable(report), cpuTable(report)].filter((t): t is Table => t !== undefined);
}
