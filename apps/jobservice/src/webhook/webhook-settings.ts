import type { Sql } from '@wharf/db';
import { StoredSettings } from '@wharf/identity';

/** How long a reading is used; core applies a settings change within 3 s too. */
const CACHE_MS = 2000;

/**
 * The system settings webhooks obey, as core's /configurations API writes them in the `setting`
 * table: `notification_enable`, Harbor's global switch (off, no webhook is delivered: events are
 * dropped as they come and queued deliveries end Stopped), and `webhook_allowed_networks`, where
 * deliveries may connect. A missing row means the default (on; every address but the protected
 * ones); a row that does not fit is ignored, as core ignores it.
 */
export class WebhookSettings {
  private readonly stored: StoredSettings<'notification_enable' | 'webhook_allowed_networks'>;

  constructor(sql: Sql) {
    this.stored = new StoredSettings(sql, { keys: ['notification_enable', 'webhook_allowed_networks'], ttlMs: CACHE_MS });
  }

  async enabled(): Promise<boolean> {
    return (await this.stored.current()).notification_enable;
  }

  async allowedNetworks(): Promise<string> {
    return (await this.stored.current()).webhook_allowed_networks;
  }
}
