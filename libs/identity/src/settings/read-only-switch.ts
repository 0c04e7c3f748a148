import { READ_ONLY_CACHE_MS, type SqlRunner } from '@wharf/db/plain';
import { StoredSettings } from './stored-settings';

/**
 * The read-only switch (Harbor's `read_only` item) as every service sees it, read at most
 * READ_ONLY_CACHE_MS ago: every replica of every service reads the one row itself, so a change
 * reaches all of them within that time with nothing else to deliver it. A failed read is an error
 * to the caller, never "off": a request or job that cannot learn the mode does not modify anything
 * (the database being out, it could not anyway).
 */
export class ReadOnlySwitch {
  private readonly stored: StoredSettings<'read_only'>;

  constructor(sql: SqlRunner, options: { ttlMs?: number; onError?: (err: unknown) => void; now?: () => number } = {}) {
    this.stored = new StoredSettings(sql, { keys: ['read_only'], ttlMs: options.ttlMs ?? READ_ONLY_CACHE_MS, onError: options.onError, now: options.now });
  }

  /** True while the installation is in read-only mode (as stored at most the cache time ago). */
  async isOn(): Promise<boolean> {
    return (await this.stored.current()).read_only;
  }

  /** The stored value now, bypassing the cache (and refreshing it). */
  fresh(): Promise<boolean> {
    this.stored.forget();
    return this.isOn();
  }

  /** The next isOn() reads again (after a change made through this process). */
  forget(): void {
    this.stored.forget();
  }
}
