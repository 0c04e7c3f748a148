import { RecentRead, type Sql } from '@wharf/db';
import { allowedNetworksProblem, DEFAULT_WEBHOOK_ALLOWED_NETWORKS } from '@wharf/policy';

/** How long a reading is used; core applies a settings change within 3 s too. */
const CACHE_MS = 2000;

interface Read {
  enabled: boolean;
  allowedNetworks: string;
}

/**
 * The system settings webhooks obey, as core's /configurations API writes them in the `setting`
 * table: `notification_enable`, Harbor's global switch (off, no webhook is delivered: events are
 * dropped as they come and queued deliveries end Stopped), and `webhook_allowed_networks`, where
 * deliveries may connect. A missing row means the default (on; every address but the protected
 * ones); a row that does not parse is ignored, as core ignores it.
 */
export class WebhookSettings {
  private readonly recent: RecentRead<Read>;

  constructor(sql: Sql) {
    this.recent = new RecentRead(CACHE_MS, async () => {
      const rows = await sql.query<{ key: string; value: unknown }>(
        "SELECT key, value FROM setting WHERE key IN ('notification_enable', 'webhook_allowed_networks')",
        [],
        'jobservice_webhook_settings',
      );
      const value = (key: string) => rows.find((r) => r.key === key)?.value;
      const networks = value('webhook_allowed_networks');
      const usable = typeof networks === 'string' && allowedNetworksProblem(networks) === undefined;
      return { enabled: value('notification_enable') !== false, allowedNetworks: usable ? networks : DEFAULT_WEBHOOK_ALLOWED_NETWORKS };
    });
  }

  async enabled(): Promise<boolean> {
    return (await this.recent.get()).enabled;
  }

  async allowedNetworks(): Promise<string> {
    return (await this.recent.get()).allowedNetworks;
  }
}
