import { renderText } from '../format';
import { againstTarget, type ConsoleBenchReport, consoleTables, PAGE_TARGET_MS, SCRIPT_TARGET_BYTES, summarize } from './report';

const phases = (scriptsDoneMs: number, renderMs: number, api?: [number, number, number]) => ({
  scriptsDoneMs,
  firstApiStartMs: api?.[0],
  lastApiEndMs: api?.[1],
  apiRequests: api?.[2] ?? 0,
  renderMs,
});
const scripts = (encoded: number, decoded: number, files = 8) => ({ files, encoded, decoded, transferred: encoded + files * 300, gzipped: files });

function report(over: Partial<ConsoleBenchReport> = {}): ConsoleBenchReport {
  return {
    startedAt: '2026-12-07T18:00:00.000Z',
    commit: 'abc1234',
    machine: { cpus: 2, cpuModel: 'AMD EPYC', memoryBytes: 24 * 1024 ** 3, os: 'Debian GNU/Linux 12 (bookworm)', kernel: '6.1', node: 'v20.20.2' },
    settings: { servedBy: 'static', consoleUrl: 'http://127.0.0.1:1', apiUrl: 'http://127.0.0.1:2', browser: 'Chromium 156', runs: 5, projects: 1000, artifacts: 10_000 },
    seedS: 1,
    load: { otherCoresBeforeRuns: [0.05, 0.1], loadAverageBefore: 0.5, loadAverageAfter: 1.2 },
    signIn: { coldMs: [300, 280, 310, 290, 900], scripts: scripts(337 * 1024, 1041 * 1024), coldPhases: [phases(200, 290, [250, 270, 1]), phases(210, 300)] },
    pages: [
      {
        name: 'projects',
        label: 'projects',
        path: '/harbor/projects',
        outcome: 'rows',
        coldMs: [500, 450, 480, 1200, 470], warmMs: [200, 190, 210, 205, 195], scripts: scripts(391 * 1024, 1216 * 1024, 9),
        coldPhases: [phases(300, 470, [320, 450, 3]), phases(310, 480, [330, 460, 3]), phases(280, 500, [300, 470, 4])],
      },
      { name: 'artifacts', label: 'artifacts of the large repository', path: '/harbor/projects/8/repositories/many-artifacts', outcome: 'not-found', coldMs: [], warmMs: [], coldPhases: [] },
      { name: 'users', label: 'users', path: '/harbor/users', outcome: 'error', detail: 'forbidden', coldMs: [], warmMs: [], coldPhases: [] },
    ],
    targets: { pageMs: PAGE_TARGET_MS, scriptBytes: SCRIPT_TARGET_BYTES },
    ...over,
  };
}

describe('summarize', () => {
  it('gives the median and the nearest-rank p95 (the slowest of five)', () => {
    expect(summarize([500, 450, 480, 1200, 470])).toEqual({ median: 480, p95: 1200 });
    expect(summarize([])).toBeUndefined();
  });
});

describe('againstTarget', () => {
  it('says how far within or over the target a figure is', () => {
    expect(againstTarget(420, 1000)).toBe('0.42 (within)');
    expect(againstTarget(1000, 1000)).toBe('1.00 (within)');
    expect(againstTarget(1300, 1000)).toBe('1.30 (OVER)');
    expect(againstTarget(undefined, 1000)).toBe('n/a');
  });
});

describe('consoleTables', () => {
  it('times each measured page against 1 s and says why the others were not measured', () => {
    const [timing] = consoleTables(report(), ['artifacts']);
    expect(timing.rows).toEqual([
      ['projects', '/harbor/projects', '480', '1,200', '200', '210', '1.20 (OVER)'],
      ['artifacts of the large repository', '/harbor/projects/8/repositories/many-artifacts', '—', '—', '—', '—', 'skipped: no such page'],
      ['users', '/harbor/users', '—', '—', '—', '—', 'not measured: error'],
    ]);
    expect(timing.notes).toEqual(['The sign-in form, cold: median 300 ms, p95 900 ms.', 'users: not measured: the page showed an error (forbidden).']);
  });

  it("sizes the sign-in page's and every measured page's scripts against 400 KB, noting a target page that could not be measured", () => {
    const [, sizes] = consoleTables(report(), ['artifacts']);
    expect(sizes.rows).toEqual([
      ['sign-in', '8', '8 of 8', '337', '1,041', '0.84 (within)'],
      ['projects', '9', '9 of 9', '391', '1,216', '0.98 (within)'],
    ]);
    expect(sizes.notes).toEqual(['artifacts of the large repository: skipped: the console has no such page yet (its 404 page), so its scripts were not measured.']);
    expect(renderText(sizes)).toContain('as sent / 400 KB target');
  });

  it('warns when other work kept the machine busy', () => {
    const [timing] = consoleTables(report({ load: { otherCoresBeforeRuns: [0.1, 1.4], loadAverageBefore: 19.4, loadAverageAfter: 20.9 } }), []);
    expect(timing.notes?.at(-1)).toBe(
      'warning: the machine was busy with other work (other processes used 0.100, 1.40 cores before the runs; load average 19.4 before, 20.9 after, on 2 cores): the times are disturbed.',
    );
    const quiet = consoleTables(report({ load: { otherCoresBeforeRuns: [0.1, 0.2], loadAverageBefore: 4.5, loadAverageAfter: 4.1 } }), []);
    expect(quiet[0].notes?.some((n) => n.startsWith('warning'))).toBe(false);
  });

  it("places each measured page's cold visits in time: scripts, API requests, first rows", () => {
    const [, , phases] = consoleTables(report(), []);
    expect(phases.rows).toEqual([
      ['sign-in (the form)', '200', '250', '270', '0', '290'],
      ['projects', '300', '320', '460', '3', '480'],
    ]);
  });
});
