import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Which installation each configuration file last started, kept in `.wharf/installations.json`
 * of the directory install.sh runs from: `--status` and `--stop` act on that installation even
 * after harbor.yml has changed (another data_volume) or stopped validating, and a new start
 * stops it before taking over.
 */
export interface InstallationRecord {
  /** harbor.yml's data_volume and log.local.location when it was started. */
  dataVolume: string;
  logDir: string;
}

type Records = Record<string, InstallationRecord>;

export function recordsFile(installDir: string): string {
  return join(installDir, '.wharf', 'installations.json');
}

function readRecords(installDir: string): Records {
  try {
    const parsed: unknown = JSON.parse(readFileSync(recordsFile(installDir), 'utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Records) : {};
  } catch {
    return {};
  }
}

function isRecord(value: unknown): value is InstallationRecord {
  const r = value as Partial<InstallationRecord> | undefined;
  return typeof r?.dataVolume === 'string' && typeof r.logDir === 'string';
}

/** The installation `configPath` last started, if any. */
export function readRecord(installDir: string, configPath: string): InstallationRecord | undefined {
  const found = readRecords(installDir)[resolve(configPath)];
  return isRecord(found) ? found : undefined;
}

export function writeRecord(installDir: string, configPath: string, record: InstallationRecord): void {
  const records = { ...readRecords(installDir), [resolve(configPath)]: record };
  mkdirSync(join(installDir, '.wharf'), { recursive: true, mode: 0o755 });
  // Written whole and renamed: a reader never sees half a file.
  const file = recordsFile(installDir);
  writeFileSync(`${file}.tmp`, JSON.stringify(records, null, 2) + '\n', { mode: 0o644 });
  renameSync(`${file}.tmp`, file);
}
