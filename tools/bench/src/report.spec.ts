import { baselineTable, comparisonTable } from './report';
import type { BenchReport, TargetResult } from './results';

const MiB = 1024 * 1024;

function target(name: TargetResult['name'], label: string, scenarios: TargetResult['scenarios'], peakRssMb?: number): TargetResult {
  return { name, label, url: 'http://127.0.0.1:1', managed: true, scenarios, peakRssBytes: peakRssMb === undefined ? undefined : peakRssMb * MiB };
}

const report = (targets: TargetResult[]): BenchReport => ({
  startedAt: '',
  finishedAt: '',
  machine: { cpus: 2, cpuModel: 'x', memoryBytes: 0, os: 'x', kernel: 'x', node: 'v20' },
  settings: {
    quick: false,
    blobBytes: 256 * MiB,
    chunkBytes: 8 * MiB,
    iterations: 3,
    durationS: 10,
    warmupS: 2,
    concurrency: 32,
    images: 200,
    pushConcurrency: 16,
    loadThreads: 2,
    getLoadGenerator: 'wrk',
  },
  targets,
});

describe('comparison table', () => {
  const wharf = target('wharf', 'Wharf', { 'manifest-get': { unit: 'req/s', value: 2000, samples: [2000], p50Ms: 2, p99Ms: 10 }, 'pull-1': { unit: 'MB/s', value: 500, samples: [500] } }, 100);
  const dist = target('distribution', 'distribution', { 'manifest-get': { unit: 'req/s', value: 1000, samples: [1000], p50Ms: 4, p99Ms: 5 }, 'pull-1': { unit: 'MB/s', value: 1000, samples: [1000] } }, 50);
  it('orients every ratio so that above 1 favours Wharf', () => {
    const rows = comparisonTable(report([wharf, dist])).rows;
    const at = (label: string) => rows.findIndex((r) => r[0] === label);
    const manifest = at('manifest GET by tag, c32');
    expect(rows[manifest][4]).toBe('2.00×');
    expect(rows[manifest + 1].slice(0, 2)).toEqual(['  latency p50', 'ms']);
    expect(rows[manifest + 1][4]).toBe('2.00×');
    expect(rows[manifest + 2][4]).toBe('0.50×');
    expect(rows[at('pull 256 MB, 1 stream')][4]).toBe('0.50×');
    expect(rows[at('server RSS peak')][4]).toBe('0.50×');
    expect(rows[at('catalog, c32')][4]).toBe('n/a');
  });

  it('has one column per header, with or without distribution', () => {
    for (const t of [comparisonTable(report([wharf, dist])), comparisonTable(report([wharf]))]) {
      expect(t.align).toHaveLength(t.headers.length);
      for (const r of t.rows) expect(r).toHaveLength(t.headers.length);
    }
  });

  it('puts each registry pull beside nginx as a percentage', () => {
    const nginx = target('nginx', 'nginx', { 'pull-1': { unit: 'MB/s', value: 2000, samples: [2000] } });
    const t = baselineTable(report([wharf, dist, nginx]));
    expect(t?.rows[0]).toEqual(['1 stream', '2,000', '500', '25%', '1,000', '50%']);
    expect(baselineTable(report([wharf]))).toBeUndefined();
  });
});
