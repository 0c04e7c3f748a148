import { AUDIT_SETTINGS_CACHE_MS, type AuditLogSettings, eventTypeList, type SqlRunner } from '@wharf/db/plain';
import { StoredSettings } from './stored-settings';
import type { SystemSettings } from './system-settings';

const AUDIT_KEYS = ['skip_audit_log_database', 'disabled_audit_log_event_types', 'audit_log_forward_endpoint'] as const;
type AuditKeys = (typeof AUDIT_KEYS)[number];

/** What the extended audit log's writers need of the three items. */
export function auditLogSettingsOf(settings: Pick<SystemSettings, AuditKeys>): AuditLogSettings {
  const forwardEndpoint = settings.audit_log_forward_endpoint.trim();
  return {
    // Harbor refuses the switch without an endpoint; a row that says otherwise does not lose rows.
    skipDatabase: settings.skip_audit_log_database && forwardEndpoint !== '',
    disabledEventTypes: new Set(eventTypeList(settings.disabled_audit_log_event_types)),
    forwardEndpoint,
  };
}

/** The audit settings as every service sees them: read at most AUDIT_SETTINGS_CACHE_MS ago. */
export class AuditLogSettingsSource {
  private readonly stored: StoredSettings<AuditKeys>;

  constructor(runner: SqlRunner, options: { ttlMs?: number; now?: () => number } = {}) {
    this.stored = new StoredSettings(runner, { keys: AUDIT_KEYS, ttlMs: options.ttlMs ?? AUDIT_SETTINGS_CACHE_MS, now: options.now });
  }

  async current(): Promise<AuditLogSettings> {
    return auditLogSettingsOf(await this.stored.current());
  }

  /** The next read goes to the table (after a change made through this process). */
  forget(): void {
    this.stored.forget();
  }
}
