import { Inject, Injectable } from '@nestjs/common';
import type { Sql } from '@wharf/db';
import { FieldSpecs, orderBy, SqlParams, whereClause, whereFromQuery } from '../http/list-query';
import type { Paging } from '../http/paging';
import type { ParsedQuery, SortKey } from '../http/query';
import { SQL } from '../infra/tokens';

/** A delivery: an execution of vendor WEBHOOK (vendor_id the policy), with its tasks counted by status. */
export interface DeliveryRecord {
  id: string;
  vendor_type: string;
  vendor_id: string;
  status: string;
  status_message: string;
  trigger: string;
  extra_attrs: Record<string, unknown>;
  start_time: Date;
  end_time: Date | null;
  task_count: number;
  success_task_count: number;
  error_task_count: number;
  pending_task_count: number;
  running_task_count: number;
  stopped_task_count: number;
}

export interface DeliveryTaskRecord {
  id: string;
  execution_id: string;
  status: string;
  status_message: string;
  run_count: number;
  extra_attrs: Record<string, unknown>;
  creation_time: Date;
  update_time: Date;
  start_time: Date | null;
  end_time: Date | null;
}

export const DELIVERY_FIELDS: FieldSpecs = {
  id: { column: 'e.id', type: 'bigint' },
  status: { column: 'e.status', type: 'text' },
  trigger: { column: 'e.trigger', type: 'text' },
  event_type: { column: "e.parameters->>'event_type'", type: 'text' },
  start_time: { column: 'e.start_time', type: 'time' },
  end_time: { column: 'e.end_time', type: 'time' },
};

export const DELIVERY_TASK_FIELDS: FieldSpecs = {
  id: { column: 'id', type: 'bigint' },
  status: { column: 'status', type: 'text' },
  run_count: { column: 'run_count', type: 'int' },
  creation_time: { column: 'creation_time', type: 'time' },
  start_time: { column: 'start_time', type: 'time' },
  end_time: { column: 'end_time', type: 'time' },
};

const DELIVERY_SELECT = `SELECT e.id, e.vendor_type, e.vendor_id, e.status, e.status_message, e.trigger, e.extra_attrs, e.start_time, e.end_time,
       m.task_count, m.success_task_count, m.error_task_count, m.pending_task_count, m.running_task_count, m.stopped_task_count
  FROM execution e
  CROSS JOIN LATERAL (
    SELECT count(*)::int AS task_count,
           (count(*) FILTER (WHERE t.status = 'Success'))::int AS success_task_count,
           (count(*) FILTER (WHERE t.status = 'Error'))::int AS error_task_count,
           (count(*) FILTER (WHERE t.status = 'Pending'))::int AS pending_task_count,
           (count(*) FILTER (WHERE t.status = 'Running'))::int AS running_task_count,
           (count(*) FILTER (WHERE t.status = 'Stopped'))::int AS stopped_task_count
      FROM task t WHERE t.execution_id = e.id
  ) m`;

const TASK_COLUMNS = 'id, execution_id, status, status_message, run_count, extra_attrs, creation_time, update_time, start_time, end_time';

/** Reads of the execution tables for a policy's delivery log (the jobservice writes them). */
@Injectable()
export class WebhookDeliveriesStore {
  constructor(@Inject(SQL) private readonly sql: Sql) {}

  async list(policyId: number, query: ParsedQuery, sort: SortKey[], paging: Paging): Promise<{ total: number; rows: DeliveryRecord[] }> {
    const params = new SqlParams();
    const where = whereClause([
      "e.vendor_type = 'WEBHOOK'",
      `e.vendor_id = ${params.add(policyId)}`,
      ...whereFromQuery(query, DELIVERY_FIELDS, params),
    ]);
    const count = await this.sql.one<{ n: string }>(`SELECT count(*) AS n FROM execution e ${where}`, [...params.values]);
    const order = orderBy(sort, DELIVERY_FIELDS, 'e.id DESC', 'e.id DESC');
    const rows = await this.sql.query<DeliveryRecord>(
      `${DELIVERY_SELECT} ${where} ORDER BY ${order} LIMIT ${params.add(paging.pageSize)} OFFSET ${params.add(paging.offset)}`,
      params.values,
    );
    return { total: Number(count?.n ?? 0), rows };
  }

  /** A delivery of the policy; undefined for other policies' executions and other vendors'. */
  get(policyId: number, executionId: number): Promise<DeliveryRecord | undefined> {
    return this.sql.one<DeliveryRecord>(`${DELIVERY_SELECT} WHERE e.id = $1 AND e.vendor_type = 'WEBHOOK' AND e.vendor_id = $2`, [executionId, policyId]);
  }

  async tasks(executionId: number, query: ParsedQuery, sort: SortKey[], paging: Paging): Promise<{ total: number; rows: DeliveryTaskRecord[] }> {
    const params = new SqlParams();
    const where = whereClause([`execution_id = ${params.add(executionId)}`, ...whereFromQuery(query, DELIVERY_TASK_FIELDS, params)]);
    const count = await this.sql.one<{ n: string }>(`SELECT count(*) AS n FROM task ${where}`, [...params.values]);
    const order = orderBy(sort, DELIVERY_TASK_FIELDS, 'id ASC', 'id ASC');
    const rows = await this.sql.query<DeliveryTaskRecord>(
      `SELECT ${TASK_COLUMNS} FROM task ${where} ORDER BY ${order} LIMIT ${params.add(paging.pageSize)} OFFSET ${params.add(paging.offset)}`,
      params.values,
    );
    return { total: Number(count?.n ?? 0), rows };
  }

  /** The log of a task of the execution; undefined when the task is another execution's. */
  async taskLog(executionId: number, taskId: number): Promise<string | undefined> {
    const row = await this.sql.one<{ log: string }>('SELECT log FROM task WHERE id = $1 AND execution_id = $2', [taskId, executionId]);
    return row?.log;
  }
}
