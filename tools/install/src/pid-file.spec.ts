import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquirePidFile, runningPid, startTime } from './pid-file';

describe('pid files', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wharf-pid-'));
    file = join(dir, 'supervisor.pid');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('records the pid with its start time and names the live process', () => {
    const release = acquirePidFile(file);
    const [pid, started] = readFileSync(file, 'utf8').trim().split(' ');
    expect(Number(pid)).toBe(process.pid);
    expect(started).toBe(startTime(process.pid));
    expect(started).toMatch(/^\d+$/);
    expect(runningPid(file)).toBe(process.pid);
    release();
    expect(runningPid(file)).toBeUndefined();
  });

  it('does not take a reused pid for the process it recorded', () => {
    // The pid is alive, but the process holding it started at another time than the one recorded.
    writeFileSync(file, `${process.pid} 1\n`);
    expect(runningPid(file)).toBeUndefined();
    // A stale file is replaced rather than refused.
    const release = acquirePidFile(file);
    expect(runningPid(file)).toBe(process.pid);
    release();
  });

  it('counts a file naming a process that is gone as none', () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(file, `${gone.stdout}\n`);
    expect(runningPid(file)).toBeUndefined();
  });

  it('still reads a file written before start times were recorded', () => {
    writeFileSync(file, `${process.pid}\n`);
    expect(runningPid(file)).toBe(process.pid);
  });
});
