import type { Sql } from '@wharf/db';

/** How long a reading of the switch is used; core applies a settings change within 3 s too. */
const CACHE_MS = 2000;

/**
 * Harbor's global notification switch: core's `notification_enable` setting (its /configurations
 * API writes the `setting` row). Off, no webhook is delivered: events are dropped as they come and
 * queued deliveries end Stopped. A missing row means Harbor's default, on.
 */
export class NotificationSwitch {
  private cached: { until: number; value: Promise<boolean> } | undefined;

  constructor(private readonly sql: Sql) {}

  enabled(): Promise<boolean> {
    const now = Date.now();
    if (this.cached && this.cached.until > now) return this.cached.value;
    const value = this.sql
      .one<{ value: unknown }>("SELECT value FROM setting WHERE key = 'notification_enable'")
      .then((row) => row?.value !== false);
    const entry = { until: now + CACHE_MS, value };
    this.cached = entry;
    // A failed read is not remembered: the next caller asks the database again.
    value.catch(() => {
      if (this.cached === entry) this.cached = undefined;
    });
    return value;
  }
}
