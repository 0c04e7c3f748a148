import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureLogFile, RotatingLog } from './rotating-log';

describe('RotatingLog', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'wharf-log-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('rotates by size, keeping the newest N old files with the most recent as .1', () => {
    const log = new RotatingLog(join(dir, 'core.log'), 10, 2);
    for (const line of ['aaaaaaaa\n', 'bbbbbbbb\n', 'cccccccc\n', 'dddddddd\n']) log.write(line);
    log.close();
    expect(readdirSync(dir).sort()).toEqual(['core.log', 'core.log.1', 'core.log.2']);
    expect(readFileSync(join(dir, 'core.log'), 'utf8')).toBe('dddddddd\n');
    expect(readFileSync(join(dir, 'core.log.1'), 'utf8')).toBe('cccccccc\n');
    expect(readFileSync(join(dir, 'core.log.2'), 'utf8')).toBe('bbbbbbbb\n');
  });

  it('appends to an existing file and counts its size', () => {
    const first = new RotatingLog(join(dir, 'x.log'), 100, 1);
    first.write('12345');
    first.close();
    const second = new RotatingLog(join(dir, 'x.log'), 8, 1);
    second.write('6789');
    second.close();
    expect(readFileSync(join(dir, 'x.log'), 'utf8')).toBe('6789');
    expect(readFileSync(join(dir, 'x.log.1'), 'utf8')).toBe('12345');
  });

  it('writes its files readable by the group only', () => {
    const log = new RotatingLog(join(dir, 'core.log'), 4, 1);
    log.write('12345');
    log.write('6789');
    log.close();
    for (const name of ['core.log', 'core.log.1']) expect((statSync(join(dir, name)).mode & 0o777).toString(8)).toBe('640');
  });
});

describe('ensureLogFile', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'wharf-log-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a missing log file 0640 and narrows one that another program made 0644, keeping its lines', () => {
    ensureLogFile(join(dir, 'gateway-access.log'));
    expect((statSync(join(dir, 'gateway-access.log')).mode & 0o777).toString(8)).toBe('640');
    writeFileSync(join(dir, 'gateway-error.log'), 'earlier line\n');
    chmodSync(join(dir, 'gateway-error.log'), 0o644);
    ensureLogFile(join(dir, 'gateway-error.log'));
    expect((statSync(join(dir, 'gateway-error.log')).mode & 0o777).toString(8)).toBe('640');
    expect(readFileSync(join(dir, 'gateway-error.log'), 'utf8')).toBe('earlier line\n');
  });
});
