import { RecentRead, type Sql } from '@wharf/db';

/** How long a reading of the switch is used; core applies a settings change within 3 s too. */
const CACHE_MS = 2000;

/**
 * Harbor's global notification switch: core's `notification_enable` setting (its /configurations
 * API writes the `setting` row). Off, no webhook is delivered: events are dropped as they come and
 * queued deliveries end Stopped. A missing row means Harbor's default, on.
 */
export class NotificationSwitch {
  private readonly recent: RecentRead<boolean>;

  constructor(sql: Sql) {
    this.recent = new RecentRead(CACHE_MS, async () => {
      const row = await sql.one<{ value: unknown }>("SELECT value FROM setting WHERE key = 'notification_enable'");
      return row?.value !== false;
    });
  }

  enabled(): Promise<boolean> {
    return this.recent.get();
  }
}
