import { allTables, baselineTable, comparisonTable, installedTable, serviceCpuTable } from './report';
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

describe('installed table', () => {
  const images = (value: number, p50Ms: number, p99Ms: number) => ({ unit: 'images/s' as const, value, samples: [value], p50Ms, p99Ms });
  const wharf = target('wharf', 'Wharf', { 'small-images': images(200, 50, 100), 'small-pulls': images(400, 20, 40), 'pull-1': { unit: 'MB/s', value: 500, samples: [500] } });
  const dist = target('distribution', 'distribution', { 'small-images': images(100, 80, 300), 'small-pulls': images(200, 40, 90) });
  const installed = {
    ...target('installed', 'Wharf installed', {
      'small-images': images(170, 60, 200),
      'small-pulls': images(200, 40, 80),
      'token-credentials': { unit: 'req/s' as const, value: 1800, samples: [1800], p50Ms: 10, p99Ms: 40 },
      'token-anonymous': { unit: 'req/s' as const, value: 3000, samples: [3000], p50Ms: 8, p99Ms: 30 },
    }),
    version: 'abc1234',
  };

  it('puts the authenticated figures beside the direct and distribution ones, >1 favouring the installation', () => {
    const t = installedTable(report([wharf, dist, installed])) as NonNullable<ReturnType<typeof installedTable>>;
    expect(t.headers).toEqual(['scenario', 'unit', 'Wharf installed', 'Wharf direct', 'installed / direct', 'distribution', 'installed / distribution']);
    const at = (label: string) => t.rows.findIndex((r) => r[0] === label);
    const push = at('push 200 small images, c16');
    expect(t.rows[push]).toEqual(['push 200 small images, c16', 'images/s', '170', '200', '0.85×', '100', '1.70×']);
    expect(t.rows[push + 1]).toEqual(['  latency p50', 'ms', '60.0', '50.0', '0.83×', '80.0', '1.33×']);
    expect(t.rows[push + 2]).toEqual(['  latency p99', 'ms', '200', '100', '0.50×', '300', '1.50×']);
    expect(t.rows[at('pull 200 small images, c16')].slice(2, 5)).toEqual(['200', '400', '0.50×']);
    expect(t.rows[at('token requests with credentials, c32')]).toEqual(['token requests with credentials, c32', 'req/s', '1,800', '—', 'n/a', '—', 'n/a']);
    expect(t.notes?.[0]).toContain('Wharf installed (abc1234)');
    expect(t.notes?.at(-1)).toBe('authenticated pushes through the gateway: 85% of the direct figure (target 80% or more).');
  });

  it('says when the authenticated pushes miss the target, and works without distribution', () => {
    const slow = { ...installed, scenarios: { ...installed.scenarios, 'small-images': images(150, 60, 200) } };
    const t = installedTable(report([wharf, slow])) as NonNullable<ReturnType<typeof installedTable>>;
    expect(t.headers).toHaveLength(5);
    for (const r of t.rows) expect(r).toHaveLength(5);
    expect(t.notes?.at(-1)).toBe('authenticated pushes through the gateway: 75% of the direct figure (target 80% or more): below the target.');
  });

  it('is left out without an installation, which takes no column in the nginx baseline either', () => {
    expect(installedTable(report([wharf, dist]))).toBeUndefined();
    expect(allTables(report([wharf, dist])).map((t) => t.title)).not.toContain(expect.stringMatching(/^Installed/));
    const nginx = target('nginx', 'nginx', { 'pull-1': { unit: 'MB/s', value: 2000, samples: [2000] } });
    expect(baselineTable(report([wharf, installed, nginx]))?.headers).toEqual(['blob pull', 'nginx MB/s', 'Wharf MB/s', 'Wharf % of nginx']);
  });
});

describe('CPU by service of the installation', () => {
  const cpu = (serverS: number, dbS: number, byServiceS?: Record<string, number>) => ({ wallS: 1, clientS: 0.1, serverS, dbS, ...(byServiceS ? { byServiceS } : {}) });
  const installed = target('installed', 'Wharf installed', {
    'small-images': { unit: 'images/s', value: 60, samples: [60], requests: 2000, cpu: cpu(4, 1, { core: 0.8, registry: 2.6, nginx: 0.4 }) },
    'token-credentials': { unit: 'req/s', value: 400, samples: [400], requests: 4000, cpu: cpu(11, 1, { core: 10.4, registry: 0.1, nginx: 0.5 }) },
  });
  const wharf = target('wharf', 'Wharf', { 'small-images': { unit: 'images/s', value: 100, samples: [100], requests: 1600, cpu: cpu(2, 0.8) } });

  it('divides each service by the images or requests of the scenario, beside the direct total', () => {
    const t = serviceCpuTable(report([wharf, installed])) as NonNullable<ReturnType<typeof serviceCpuTable>>;
    expect(t.headers).toEqual(['scenario', 'per', 'core', 'registry', 'nginx', 'PostgreSQL', 'all', 'Wharf direct, all']);
    // 200 images in the settings: 0.8 s of core is 4 ms per image; all = server 4 s + db 1 s.
    expect(t.rows[0]).toEqual(['small-images', 'image', '4.00', '13.0', '2.00', '5.00', '25.0', '14.0']);
    // A token request: per request measured (4,000), no direct figure.
    expect(t.rows[1]).toEqual(['token-credentials', 'request', '2.60', '0.025', '0.125', '0.250', '3.00', '—']);
  });

  it('is left out when no service was measured apart', () => {
    expect(serviceCpuTable(report([wharf]))).toBeUndefined();
    expect(serviceCpuTable(report([wharf, target('installed', 'x', { 'small-images': { unit: 'images/s', value: 1, samples: [1], cpu: cpu(1, 1) } })]))).toBeUndefined();
  });
});
