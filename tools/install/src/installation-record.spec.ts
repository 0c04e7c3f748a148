import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRecord, recordsFile, writeRecord } from './installation-record';

describe('the record of started installations', () => {
  let dir: string;
  let cwd: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wharf-record-'));
    cwd = process.cwd();
    process.chdir(dir);
  });
  afterEach(() => {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps one installation per configuration file, found by any path to it', () => {
    writeRecord(dir, 'harbor.yml', { dataVolume: '/data', logDir: '/var/log/harbor' });
    writeRecord(dir, join(dir, 'other.yml'), { dataVolume: '/srv/other', logDir: '/var/log/other' });
    writeRecord(dir, join(dir, 'harbor.yml'), { dataVolume: '/srv/moved', logDir: '/var/log/harbor' });
    expect(readRecord(dir, './harbor.yml')).toEqual({ dataVolume: '/srv/moved', logDir: '/var/log/harbor' });
    expect(readRecord(dir, 'other.yml')).toEqual({ dataVolume: '/srv/other', logDir: '/var/log/other' });
    expect(readRecord(dir, 'never-installed.yml')).toBeUndefined();
  });

  it('reads a damaged file as no record', () => {
    mkdirSync(join(dir, '.wharf'));
    writeFileSync(recordsFile(dir), '{"');
    expect(readRecord(dir, 'harbor.yml')).toBeUndefined();
    writeFileSync(recordsFile(dir), JSON.stringify({ [join(dir, 'harbor.yml')]: { dataVolume: 3 } }));
    expect(readRecord(dir, 'harbor.yml')).toBeUndefined();
  });
});
