import type { SqlRunner } from './sql';

/**
 * Harbor's audit log event types (`<operation>_<resource type>`), in its order: what
 * GET /auditlog-exts/events lists and disabled_audit_log_event_types may name.
 */
export const AUDIT_EVENT_TYPES: readonly string[] = [
  'create_artifact',
  'delete_artifact',
  'pull_artifact',
  'create_project',
  'delete_project',
  'delete_repository',
  'login_user',
  'logout_user',
  'create_user',
  'delete_user',
  'update_user',
  'create_robot',
  'delete_robot',
  'update_configuration',
  'create_member',
  'delete_member',
  'update_member',
  'update_project',
];

/** One row of audit_log_ext: Harbor's AuditLogExt. */
export interface AuditExtRecord {
  projectId: number | null;
  operation: string;
  /** Harbor's names: user, project, member, robot, artifact, tag, repository, configuration. */
  resourceType: string;
  resource: string;
  username: string;
  description: string;
  /** False for an attempt the API refused (a login with a wrong password, ...). */
  success: boolean;
  clientIp?: string | null;
  opTime?: Date;
}

/** The items (skip_audit_log_database, disabled_audit_log_event_types, audit_log_forward_endpoint) as the writers use them. */
export interface AuditLogSettings {
  /** Nothing is written to the database (legacy or extended): the rows are only forwarded. */
  skipDatabase: boolean;
  /** Lower-cased event types that are neither written nor forwarded. */
  disabledEventTypes: ReadonlySet<string>;
  /** `host:port` of a syslog receiver, or '' for none. */
  forwardEndpoint: string;
}

/** How long a process keeps the audit settings it read: a change reaches every replica within it. */
export const AUDIT_SETTINGS_CACHE_MS = 3_000;

export function eventTypeOf(record: Pick<AuditExtRecord, 'operation' | 'resourceType'>): string {
  return `${record.operation}_${record.resourceType}`.toLowerCase();
}

/** The names of a comma-separated event type list, trimmed and lower-cased, empty ones left out. */
export function eventTypeList(value: string): string[] {
  return value
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
}

/** Where the audit settings come from (@wharf/identity reads them from the `setting` table). */
export interface AuditLogSettingsReader {
  current(): Promise<AuditLogSettings>;
  /** The next read goes to the table (after a change made through this process). */
  forget(): void;
}

/** Writes audit_log_ext rows with one INSERT. */
export async function insertAuditLogExt(runner: SqlRunner, records: readonly AuditExtRecord[]): Promise<void> {
  if (records.length === 0) return;
  await runner.query(
    `INSERT INTO audit_log_ext (project_id, operation, op_desc, op_result, resource_type, resource, username, client_ip, op_time)
     SELECT e.project_id, e.operation, e.op_desc, e.op_result, e.resource_type, e.resource, e.username, e.client_ip, COALESCE(e.op_time, now())
       FROM unnest($1::int[], $2::text[], $3::text[], $4::boolean[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[])
            WITH ORDINALITY AS e(project_id, operation, op_desc, op_result, resource_type, resource, username, client_ip, op_time, n)
      ORDER BY e.n`,
    [
      records.map((r) => r.projectId),
      records.map((r) => r.operation),
      records.map((r) => r.description),
      records.map((r) => r.success),
      records.map((r) => r.resourceType),
      records.map((r) => r.resource),
      records.map((r) => r.username),
      records.map((r) => r.clientIp ?? null),
      records.map((r) => r.opTime ?? null),
    ],
    'audit_ext_insert',
  );
}

/**
 * The message a forwarded row carries, in Harbor's form (its text logger with the fields
 * operator, resourceType and time, plus result, then the action):
 * `<time> [INFO] [operator="admin" result="true" resourceType="user" time="..."]: action:create, resource:alice, operation_description:...`
 */
export function auditForwardMessage(record: AuditExtRecord, now = new Date()): string {
  const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const fields = `[operator="${record.username}" result="${record.success}" resourceType="${record.resourceType}" time="${iso(record.opTime ?? now)}"]`;
  return `${iso(now)} [INFO] ${fields}: action:${record.operation}, resource:${record.resource}, operation_description:${record.description}`;
}

/** What the trail needs of a syslog sender (SyslogForwarder of @wharf/outage). */
export interface AuditForwarder {
  send(message: string): void;
  close(): void;
}

export interface AuditTrailLog {
  warn(message: string): void;
}

/**
 * The extended audit log's policy, the same in every process that records: drops the rows of
 * disabled event types, forwards the others to the configured syslog endpoint (never waiting
 * for it), and says whether the database gets rows at all. The forwarder follows the endpoint
 * setting: a new endpoint gets a new connection, an emptied one closes it.
 */
export class AuditTrail {
  private forwarder: { endpoint: string; sender: AuditForwarder | undefined } | undefined;

  constructor(
    private readonly settings: AuditLogSettingsReader,
    private readonly openForwarder: (endpoint: string) => AuditForwarder | string,
    private readonly log: AuditTrailLog,
  ) {}

  /**
   * Filters and forwards `records`; returns the extended rows to write (none when the database
   * is skipped) and whether the older audit_log may be written.
   */
  async admit(records: readonly AuditExtRecord[]): Promise<{ rows: AuditExtRecord[]; writeDatabase: boolean }> {
    const settings = await this.current();
    const kept = this.kept(records, settings);
    this.forward(kept, settings);
    return settings.skipDatabase ? { rows: [], writeDatabase: false } : { rows: kept, writeDatabase: true };
  }

  /** The settings in force (a writer that retries uses them to forward each row once). */
  current(): Promise<AuditLogSettings> {
    return this.settings.current();
  }

  /** The records whose event type is not disabled. */
  kept<T extends Pick<AuditExtRecord, 'operation' | 'resourceType'>>(records: readonly T[], settings: AuditLogSettings): T[] {
    return records.filter((record) => !settings.disabledEventTypes.has(eventTypeOf(record)));
  }

  /** Sends the records to the configured endpoint, if any; returns at once. */
  forward(records: readonly AuditExtRecord[], settings: AuditLogSettings): void {
    const sender = this.senderFor(settings.forwardEndpoint);
    if (sender) for (const record of records) sender.send(auditForwardMessage(record));
  }

  /** After the settings changed through this process. */
  forgetSettings(): void {
    this.settings.forget();
  }

  close(): void {
    this.forwarder?.sender?.close();
    this.forwarder = undefined;
  }

  private senderFor(endpoint: string): AuditForwarder | undefined {
    if (this.forwarder?.endpoint === endpoint) return this.forwarder.sender;
    this.forwarder?.sender?.close();
    let sender: AuditForwarder | undefined;
    if (endpoint !== '') {
      const opened = this.openForwarder(endpoint);
      if (typeof opened === 'string') this.log.warn(`audit logs are not forwarded: ${opened}`);
      else sender = opened;
    }
    this.forwarder = { endpoint, sender };
    return sender;
  }
}
