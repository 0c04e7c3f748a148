import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RotatingLog } from './rotating-log';

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
});
