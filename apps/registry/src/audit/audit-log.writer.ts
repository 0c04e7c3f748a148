import { Inject, Injectable } from '@nestjs/common';
import type { Sql } from '@wharf/db/plain';
import { SQL } from '../infra/tokens';
import type { RegistryAuditEvent } from './audit-event';

/**
 * Writes a batch of audit events with one INSERT. What the request path does not know is filled
 * in here, once per batch instead of once per request:
 * - `project_id`: the repository's project, else the project named by the first path component
 *   (a repository whose last artifact was just deleted may already be gone);
 * - `username`: the account's own spelling when one matches case-insensitively (logins are
 *   case-insensitive, Harbor's audit rows carry the stored name); robots and unknown names as given.
 */
@Injectable()
export class AuditLogWriter {
  constructor(@Inject(SQL) private readonly sql: Sql) {}

  async write(events: readonly RegistryAuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.sql.query(
      `INSERT INTO audit_log (project_id, operation, resource_type, resource, username, client_ip, op_time)
       SELECT COALESCE(r.project_id, p.id), e.operation, e.resource_type, e.resource, COALESCE(u.username, e.username), e.client_ip, e.op_time
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
              WITH ORDINALITY AS e(repository, operation, resource_type, resource, username, client_ip, op_time, n)
         LEFT JOIN repository r ON r.name = e.repository
         LEFT JOIN project p ON strpos(e.repository, '/') > 0 AND p.name = split_part(e.repository, '/', 1)
         LEFT JOIN app_user u ON lower(u.username) = lower(e.username)
        ORDER BY e.n`,
      [
        events.map((e) => e.repository),
        events.map((e) => e.operation),
        events.map((e) => e.resourceType),
        events.map((e) => e.resource),
        events.map((e) => e.username),
        events.map((e) => e.clientIp),
        events.map((e) => e.opTime),
      ],
      'audit_insert_batch',
    );
  }
}
