import { RecentRead } from './recent-read';
import type { Sql, SqlRunner } from './sql';

/** The `setting` row (Harbor's configuration item) that puts the whole installation in read-only mode. */
export const READ_ONLY_KEY = 'read_only';

/** Harbor's answer to a modification refused in read-only mode, word for word (clients show it). */
export const READ_ONLY_MESSAGE = 'The system is in read only mode. Any modification is prohibited.';

/**
 * How long a process keeps the switch it read. Every replica of every service reads the row
 * itself, so a change reaches all of them within this time, with nothing else to deliver it
 * (no channel whose message a replica could miss while reconnecting). Only modifying requests
 * and deleting jobs ask, so a busy replica reads one primary-key row a second at most.
 */
export const READ_ONLY_CACHE_MS = 1_000;

/** Whether the stored value switches read-only mode on: only a JSON `true` does, as core's settings read it. */
export async function readOnlyStored(runner: SqlRunner): Promise<boolean> {
  const row = await runner.one<{ value: unknown }>('SELECT value FROM setting WHERE key = $1', [READ_ONLY_KEY], 'read_only_setting');
  return row?.value === true;
}

/**
 * The read-only switch as every service sees it: PostgreSQL's `setting` table, read at most
 * READ_ONLY_CACHE_MS ago. A failed read is an error to the caller, never "off": a request or job
 * that cannot learn the mode does not modify anything (the database being out, it could not anyway).
 */
export class ReadOnlySwitch {
  private readonly recent: RecentRead<boolean>;

  constructor(
    private readonly sql: Sql,
    ttlMs = READ_ONLY_CACHE_MS,
    onError?: (err: unknown) => void,
  ) {
    this.recent = new RecentRead(ttlMs, () => readOnlyStored(this.sql), onError);
  }

  /** True while the installation is in read-only mode (as stored at most the cache time ago). */
  isOn(): Promise<boolean> {
    return this.recent.get();
  }

  /** The stored value now, bypassing the cache (and refreshing it). */
  async fresh(): Promise<boolean> {
    this.recent.forget();
    return this.recent.get();
  }

  /** The next isOn() reads again (after a change made through this process). */
  forget(): void {
    this.recent.forget();
  }
}
