import { Inject, Injectable } from '@nestjs/common';
import type { ProjectRef } from '@wharf/auth';
import type { Sql } from '@wharf/db';
import { FieldSpecs, orderBy, SqlParams, whereClause, whereFromQuery } from '../http/list-query';
import type { Paging } from '../http/paging';
import type { ParsedQuery, SortKey } from '../http/query';
import { SQL } from '../infra/tokens';
import type { PolicyFields, WebhookTarget } from './webhook-policy-input';

export interface WebhookPolicyRecord {
  id: number;
  project_id: number;
  name: string;
  description: string;
  enabled: boolean;
  event_types: string[];
  targets: WebhookTarget[];
  creator: string;
  creation_time: Date;
  update_time: Date;
}

/** The unique constraint behind "a policy of that name already exists". */
export const POLICY_NAME_CONSTRAINT = 'webhook_policy_project_name_key';

/** The fields `q` and `sort` of the policy list may name. */
export const WEBHOOK_POLICY_FIELDS: FieldSpecs = {
  id: { column: 'id', type: 'int' },
  name: { column: 'name', type: 'text' },
  enabled: { column: 'enabled', type: 'bool' },
  creator: { column: 'creator', type: 'text' },
  creation_time: { column: 'creation_time', type: 'time' },
  update_time: { column: 'update_time', type: 'time' },
};

const COLUMNS = 'id, project_id, name, description, enabled, event_types, targets, creator, creation_time, update_time';

export function fieldsOf(r: WebhookPolicyRecord): PolicyFields {
  return { name: r.name, description: r.description, enabled: r.enabled, eventTypes: r.event_types, targets: r.targets };
}

/** The webhook_policy table. */
@Injectable()
export class WebhookPolicyStore {
  constructor(@Inject(SQL) private readonly sql: Sql) {}

  /** `{project_name_or_id}` already read by projectKey. */
  project(key: { id: number } | { name: string }): Promise<ProjectRef | undefined> {
    if ('id' in key) return this.sql.one<ProjectRef>('SELECT id, name, public FROM project WHERE id = $1', [key.id]);
    return this.sql.one<ProjectRef>('SELECT id, name, public FROM project WHERE name = $1', [key.name]);
  }

  async list(projectId: number, query: ParsedQuery, sort: SortKey[], paging: Paging): Promise<{ total: number; rows: WebhookPolicyRecord[] }> {
    const params = new SqlParams();
    const where = whereClause([`project_id = ${params.add(projectId)}`, ...whereFromQuery(query, WEBHOOK_POLICY_FIELDS, params)]);
    const count = await this.sql.one<{ n: string }>(`SELECT count(*) AS n FROM webhook_policy ${where}`, [...params.values]);
    // Newest first by default, as Harbor lists them.
    const order = orderBy(sort, WEBHOOK_POLICY_FIELDS, 'creation_time DESC', 'id DESC');
    const rows = await this.sql.query<WebhookPolicyRecord>(
      `SELECT ${COLUMNS} FROM webhook_policy ${where} ORDER BY ${order} LIMIT ${params.add(paging.pageSize)} OFFSET ${params.add(paging.offset)}`,
      params.values,
    );
    return { total: Number(count?.n ?? 0), rows };
  }

  all(projectId: number): Promise<WebhookPolicyRecord[]> {
    return this.sql.query<WebhookPolicyRecord>(`SELECT ${COLUMNS} FROM webhook_policy WHERE project_id = $1 ORDER BY creation_time DESC, id DESC`, [projectId]);
  }

  get(projectId: number, id: number): Promise<WebhookPolicyRecord | undefined> {
    return this.sql.one<WebhookPolicyRecord>(`SELECT ${COLUMNS} FROM webhook_policy WHERE project_id = $1 AND id = $2`, [projectId, id]);
  }

  async insert(projectId: number, p: PolicyFields, creator: string): Promise<number> {
    const row = await this.sql.one<{ id: number }>(
      `INSERT INTO webhook_policy (project_id, name, description, enabled, event_types, targets, creator)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [projectId, p.name, p.description, p.enabled, p.eventTypes, JSON.stringify(p.targets), creator],
    );
    return (row as { id: number }).id;
  }

  async update(projectId: number, id: number, p: PolicyFields): Promise<boolean> {
    const rows = await this.sql.query(
      `UPDATE webhook_policy SET name = $3, description = $4, enabled = $5, event_types = $6, targets = $7, update_time = now()
        WHERE project_id = $1 AND id = $2 RETURNING id`,
      [projectId, id, p.name, p.description, p.enabled, p.eventTypes, JSON.stringify(p.targets)],
    );
    return rows.length > 0;
  }

  /** Removes the policy; its deliveries go with it (a trigger of the table). */
  async delete(projectId: number, id: number): Promise<boolean> {
    return (await this.sql.query('DELETE FROM webhook_policy WHERE project_id = $1 AND id = $2 RETURNING id', [projectId, id])).length > 0;
  }

  /** The start of each policy's latest delivery per event type, keyed "<policy id> <event type>". */
  async lastTriggered(policyIds: number[]): Promise<Map<string, Date>> {
    if (policyIds.length === 0) return new Map();
    const rows = await this.sql.query<{ vendor_id: string; event_type: string; last: Date }>(
      `SELECT vendor_id, parameters->>'event_type' AS event_type, max(start_time) AS last
         FROM execution WHERE vendor_type = 'WEBHOOK' AND vendor_id = ANY($1::bigint[])
        GROUP BY vendor_id, parameters->>'event_type'`,
      [policyIds],
    );
    return new Map(rows.map((r) => [`${r.vendor_id} ${r.event_type}`, r.last]));
  }
}
