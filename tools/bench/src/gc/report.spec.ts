import { gcComparisonTable, gcPhaseTable, type GcBenchReport, type GcSideResult } from './report';

const side = (name: GcSideResult['name'], wallS: number, extra: Partial<GcSideResult> = {}): GcSideResult => ({
  name,
  label: name === 'wharf' ? 'Wharf' : 'distribution',
  blobsDeleted: 1000,
  bytesFreed: 2 * 1024 * 1024,
  wallS,
  cpuS: wallS / 2,
  otherCpuS: 0,
  ...extra,
});

const report = (results: GcSideResult[]): GcBenchReport => ({
  startedAt: '',
  machine: { cpus: 2, cpuModel: 'x', memoryBytes: 0, os: 'x', kernel: 'x', node: 'v20' },
  settings: { blobs: 1000, artifacts: 10, repositories: 2, workers: 1, timeWindowHours: 1, keptBlobs: 40, keptBytes: 1, garbageBytes: 1 },
  populate: { filesS: 1, rowsS: 1 },
  results,
  targetS: 60,
});

describe('GC comparison table', () => {
  it('gives distribution time / Wharf time, so that above 1 means Wharf is faster', () => {
    const rows = gcComparisonTable(report([side('wharf', 10, { executionS: 9.5 }), side('distribution', 40)])).rows;
    const row = (label: string) => rows.find((r) => r[0] === label) as string[];
    expect(row('GC time, trigger to end').slice(2)).toEqual(['10.0', '40.0', '4.00×']);
    expect(row('throughput').slice(2)).toEqual(['100', '25.0', '4.00×']);
    expect(row('bytes freed')[4]).toBe('');
    expect(row('  the execution itself').slice(2, 4)).toEqual(['9.50', '—']);
  });

  it('says whether Wharf made the target, and warns about a busy machine', () => {
    const fast = gcComparisonTable(report([side('wharf', 12)]));
    expect(fast.headers).toEqual(['figure', 'unit', 'Wharf']);
    expect(fast.notes).toEqual(['target: Wharf collects 1,000 blobs in 12.0 s, within the 60 s target.']);
    const slow = gcComparisonTable(report([side('wharf', 75, { otherCpuS: 40 })]));
    expect(slow.notes?.[0]).toMatch(/OVER the 60 s target/);
    expect(slow.notes?.[1]).toMatch(/0.533 cores busy during Wharf's GC/);
  });
});

describe('GC phase table', () => {
  it("shows each side's phases as shares of its time, or nothing without phases", () => {
    const wharf = side('wharf', 4.2, {
      executionS: 4,
      phases: [
        { label: 'a', seconds: 1 },
        { label: 'b', seconds: 3 },
      ],
    });
    const dist = side('distribution', 10, { phases: [{ label: 'mark', seconds: 2 }] });
    expect(gcPhaseTable(report([wharf, dist]))?.rows).toEqual([
      ['Wharf', 'a', '1.00', '25%'],
      ['Wharf', 'b', '3.00', '75%'],
      ['distribution', 'mark', '2.00', '20%'],
    ]);
    expect(gcPhaseTable(report([side('wharf', 4)]))).toBeUndefined();
  });
});
