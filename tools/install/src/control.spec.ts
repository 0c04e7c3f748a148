import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRunning } from './control';
import { layoutOf } from './layout';

describe('findRunning', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'wharf-control-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const layoutWith = (name: string, pid: number | undefined, plan: object | undefined) => {
    const layout = layoutOf(join(dir, name), join(dir, name, 'log'));
    mkdirSync(layout.runDir, { recursive: true });
    if (pid !== undefined) writeFileSync(layout.pidFile, `${pid}\n`);
    if (plan !== undefined) writeFileSync(layout.servicesFile, JSON.stringify(plan));
    return layout;
  };

  it('finds the first installation whose supervisor is alive, with the ports its plan holds', () => {
    const stopped = layoutWith('stopped', undefined, { ports: [1, 2] });
    // This test's own process stands in for a live supervisor.
    const running = layoutWith('running', process.pid, { ports: [8080, 5000, 80] });
    expect(findRunning([stopped, running])).toEqual({ layout: running, ports: [8080, 5000, 80] });
    expect(findRunning([stopped])).toBeUndefined();
  });

  it('does not know the ports of an installation whose plan predates them', () => {
    const older = layoutWith('older', process.pid, { services: [] });
    expect(findRunning([older])).toEqual({ layout: older });
  });
});
