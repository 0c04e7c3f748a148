import { Inject, Injectable } from '@nestjs/common';
import { AuditTrail, type AuditExtRecord, type Sql } from '@wharf/db/plain';
import { SQL } from '../infra/tokens';
import { auditDescription, type RegistryAuditEvent } from './audit-event';

/**
 * Writes a batch of audit events with one statement, to audit_log and audit_log_ext (Harbor 2.13's
 * extended log, with a description). What the request path does not know is filled in here, once
 * per batch instead of once per request:
 * - `project_id`: the repository's project, else the project named by the first path component
 *   (a repository whose last artifact was just deleted may already be gone);
 * - `username`: the account's own spelling when one matches case-insensitively (logins are
 *   case-insensitive, Harbor's audit rows carry the stored name); robots and unknown names as given.
 *
 * The audit settings apply: events of a disabled type have no extended row, with
 * skip_audit_log_database nothing is written, and with a forward endpoint each event is sent to
 * syslog once (before the write: a batch the database refuses for a while is not sent again).
 */
@Injectable()
export class AuditLogWriter {
  constructor(
    @Inject(SQL) private readonly sql: Sql,
    private readonly trail: AuditTrail,
  ) {}

  async write(events: readonly RegistryAuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    const settings = await this.trail.current();
    const kept = new Set(this.trail.kept(events, settings));
    const unsent = events.filter((e) => kept.has(e) && !e.forwarded);
    this.trail.forward(unsent.map(extRecord), settings);
    for (const e of unsent) e.forwarded = true;
    if (settings.skipDatabase) return;
    await this.sql.query(
      `WITH e AS (
         SELECT COALESCE(r.project_id, p.id) AS project_id, e.operation, e.resource_type, e.resource, COALESCE(u.username, e.username) AS username,
                e.client_ip, e.op_time, e.op_desc, e.ext, e.n
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::text[], $9::boolean[])
                WITH ORDINALITY AS e(repository, operation, resource_type, resource, username, client_ip, op_time, op_desc, ext, n)
           LEFT JOIN repository r ON r.name = e.repository
           LEFT JOIN project p ON strpos(e.repository, '/') > 0 AND p.name = split_part(e.repository, '/', 1)
           LEFT JOIN app_user u ON lower(u.username) = lower(e.username)
       ), legacy AS (
         INSERT INTO audit_log (project_id, operation, resource_type, resource, username, client_ip, op_time)
         SELECT project_id, operation, resource_type, resource, username, client_ip, op_time FROM e ORDER BY n
       )
       INSERT INTO audit_log_ext (project_id, operation, op_desc, op_result, resource_type, resource, username, client_ip, op_time)
       SELECT project_id, operation, op_desc, true, resource_type, resource, username, client_ip, op_time FROM e WHERE ext ORDER BY n`,
      [
        events.map((e) => e.repository),
        events.map((e) => e.operation),
        events.map((e) => e.resourceType),
        events.map((e) => e.resource),
        events.map((e) => e.username),
        events.map((e) => e.clientIp),
        events.map((e) => e.opTime),
        events.map(auditDescription),
        events.map((e) => kept.has(e)),
      ],
      'audit_insert_batch',
    );
  }
}

/** The extended row as forwarded (the project is the database's to fill in; syslog lines carry none). */
function extRecord(e: RegistryAuditEvent): AuditExtRecord {
  return {
    projectId: null,
    operation: e.operation,
    resourceType: e.resourceType,
    resource: e.resource,
    username: e.username,
    description: auditDescription(e),
    success: true,
    clientIp: e.clientIp,
    opTime: e.opTime,
  };
}
