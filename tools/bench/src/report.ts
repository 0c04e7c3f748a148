import { formatNumber, formatPercent, formatRatio, ratio, Table } from './format';
import type { BenchReport, CpuUsage, ScenarioId, ScenarioResult, TargetResult } from './results';

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
    { label: `pull ${s.images} small images, c${s.pushConcurrency}`, unit: 'images/s', better: 'higher', pick: v('small-pulls') },
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
  // The installation takes no part in the large-blob pulls.
  const registries = report.targets.filter((t) => t.name !== 'nginx' && t.name !== 'installed');
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

/** The issue's target for authenticated pushes through the gateway: this share of the direct figure. */
export const INSTALLED_PUSH_TARGET = 0.8;

/**
 * Wharf as users run it (installed: gateway, core, token auth, a token per image) beside the
 * direct, unauthenticated registry and distribution of the same run.
 */
export function installedTable(report: BenchReport): Table | undefined {
  const installed = report.targets.find((t) => t.name === 'installed');
  if (!installed) return undefined;
  const s = report.settings;
  const direct = report.targets.find((t) => t.name === 'wharf');
  const dist = report.targets.find((t) => t.name === 'distribution');
  const headers = ['scenario', 'unit', installed.label, 'Wharf direct', 'installed / direct'];
  if (dist) headers.push(dist.label, 'installed / distribution');
  const rows: string[][] = [];
  const row = (label: string, unit: string, better: 'higher' | 'lower', pick: (t: TargetResult) => number | undefined) => {
    const i = pick(installed);
    const d = direct ? pick(direct) : undefined;
    const r = [label, unit, formatNumber(i), formatNumber(d), formatRatio(i, d, better)];
    if (dist) r.push(formatNumber(pick(dist)), formatRatio(i, pick(dist), better));
    rows.push(r);
  };
  const withLatency = (id: ScenarioId, label: string, unit: string) => {
    row(label, unit, 'higher', (t) => t.scenarios[id]?.value);
    row('  latency p50', 'ms', 'lower', (t) => t.scenarios[id]?.p50Ms);
    row('  latency p99', 'ms', 'lower', (t) => t.scenarios[id]?.p99Ms);
  };
  withLatency('small-images', `push ${s.images} small images, c${s.pushConcurrency}`, 'images/s');
  withLatency('small-pulls', `pull ${s.images} small images, c${s.pushConcurrency}`, 'images/s');
  withLatency('token-credentials', `token requests with credentials, c${s.concurrency}`, 'req/s');
  withLatency('token-anonymous', `token requests without credentials, c${s.concurrency}`, 'req/s');
  row('server RSS after start (idle)', 'MB', 'lower', (t) => megabytes(t.idleRssBytes));
  row('server RSS peak', 'MB', 'lower', (t) => megabytes(t.peakRssBytes));
  const pushRatio = ratio(installed.scenarios['small-images']?.value, direct?.scenarios['small-images']?.value);
  const notes = [
    `${installed.label}${installed.version ? ` (${installed.version})` : ''}: install.sh's installation (supervisor, nginx gateway, core, registry with REGISTRY_AUTH=token, jobservice, Redis; PostgreSQL shared with Wharf direct), reached through the gateway.`,
    'Each of its image pushes and pulls asks GET /v2/, then GET /service/token with basic credentials for the repository (pull,push or pull), then sends the token on every request, as docker does; latencies include that. Wharf direct and distribution run without authentication.',
    'Ratios: >1 means the installed Wharf is better. RSS: the whole installation (every service and the supervisor; PostgreSQL not included).',
  ];
  if (pushRatio !== undefined) {
    // Judged on the percentage shown, so that the verdict never contradicts it.
    const percent = Math.round(pushRatio * 100);
    notes.push(`authenticated pushes through the gateway: ${percent}% of the direct figure (target ${INSTALLED_PUSH_TARGET * 100}% or more)${percent >= INSTALLED_PUSH_TARGET * 100 ? '' : ': below the target'}.`);
  }
  return { title: 'Installed Wharf: gateway, token auth, a token per image as docker fetches them', headers, align: headers.map((_, i) => (i < 2 ? 'left' : 'right')), rows, notes };
}

/**
 * Where the installation's CPU goes per image pushed or pulled and per token request, service by
 * service, beside the direct Wharf's total for the same operation.
 */
export function serviceCpuTable(report: BenchReport): Table | undefined {
  const installed = report.targets.find((t) => t.name === 'installed');
  const direct = report.targets.find((t) => t.name === 'wharf');
  const measured = (['small-images', 'small-pulls', 'token-credentials', 'token-anonymous'] as const).filter((id) => installed?.scenarios[id]?.cpu?.byServiceS);
  if (!installed || measured.length === 0) return undefined;
  const services = [...new Set(measured.flatMap((id) => Object.keys(installed.scenarios[id]?.cpu?.byServiceS ?? {})))];
  const headers = ['scenario', 'per', ...services, 'PostgreSQL', 'all', 'Wharf direct, all'];
  const perOp = (id: ScenarioId, r: ScenarioResult | undefined) => {
    const ops = id.startsWith('small-') ? report.settings.images : r?.requests;
    return (seconds: number | undefined) => (seconds === undefined || !ops ? undefined : (seconds * 1000) / ops);
  };
  const total = (c: CpuUsage | undefined) => (c?.serverS === undefined ? undefined : c.serverS + (c.dbS ?? 0));
  const rows = measured.map((id) => {
    const r = installed.scenarios[id] as ScenarioResult;
    const ms = perOp(id, r);
    const d = direct?.scenarios[id];
    return [
      id,
      id.startsWith('small-') ? 'image' : 'request',
      ...services.map((name) => formatNumber(ms(r.cpu?.byServiceS?.[name]))),
      formatNumber(ms(r.cpu?.dbS)),
      formatNumber(ms(total(r.cpu))),
      formatNumber(perOp(id, d)(total(d?.cpu))),
    ];
  });
  return {
    title: `${installed.label}: CPU milliseconds per operation, by service (measured part)`,
    headers,
    align: headers.map((_, i) => (i < 2 ? 'left' : 'right')),
    rows,
    notes: ["Each service's whole process tree (the registry's cluster workers, nginx's workers); all: every service, the supervisor and PostgreSQL's backends for the installation's database."],
  };
}

export function allTables(report: BenchReport): Table[] {
  return [comparisonTable(report), installedTable(report), serviceCpuTable(report), baselineTable(report), cpuTable(report)].filter((t): t is Table => t !== undefined);
}
