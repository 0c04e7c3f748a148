import type { Sql } from '@wharf/db';
import type { WebhookTarget } from './webhook-payload';

/** A policy with what delivering for it needs of its project. */
export interface WebhookPolicy {
  id: number;
  projectId: number;
  projectName: string;
  projectPublic: boolean;
  name: string;
  enabled: boolean;
  eventTypes: string[];
  targets: WebhookTarget[];
}

type PolicyDbRow = {
  id: number;
  project_id: number;
  project_name: string;
  project_public: boolean;
  name: string;
  enabled: boolean;
  event_types: string[];
  targets: WebhookTarget[];
};

const POLICY_SELECT = `SELECT w.id, w.project_id, p.name AS project_name, p.public AS project_public, w.name, w.enabled, w.event_types, w.targets
  FROM webhook_policy w JOIN project p ON p.id = w.project_id`;

function toPolicy(r: PolicyDbRow): WebhookPolicy {
  return {
    id: r.id,
    projectId: r.project_id,
    projectName: r.project_name,
    projectPublic: r.project_public,
    name: r.name,
    enabled: r.enabled,
    eventTypes: r.event_types,
    targets: r.targets,
  };
}

/** The jobservice's reads of webhook policies and of the deliveries already made for an event. */
export class WebhookStore {
  constructor(private readonly sql: Sql) {}

  /** Enabled policies of the named projects, in one query for a whole batch of events. */
  async enabledPolicies(projectNames: string[]): Promise<WebhookPolicy[]> {
    if (projectNames.length === 0) return [];
    const rows = await this.sql.query<PolicyDbRow>(`${POLICY_SELECT} WHERE w.enabled AND p.name = ANY($1::text[]) ORDER BY w.id`, [projectNames], 'jobservice_webhook_policies');
    return rows.map(toPolicy);
  }

  async policy(id: string): Promise<WebhookPolicy | undefined> {
    if (!/^\d{1,10}$/.test(id)) return undefined;
    const row = await this.sql.one<PolicyDbRow>(`${POLICY_SELECT} WHERE w.id = $1`, [Number(id)]);
    return row && toPolicy(row);
  }

  /** Creation times of the named repositories that exist. */
  async repositoriesCreated(names: string[]): Promise<Map<string, Date>> {
    if (names.length === 0) return new Map();
    const rows = await this.sql.query<{ name: string; created_at: Date }>('SELECT name, created_at FROM repository WHERE name = ANY($1::text[])', [names]);
    return new Map(rows.map((r) => [r.name, r.created_at]));
  }

  /** The delivery already created for an event, policy and target, with its tasks still waiting. */
  async existingDelivery(policyId: number, eventId: string, targetIndex: number): Promise<{ executionId: string; pendingTaskIds: string[] } | undefined> {
    const rows = await this.sql.query<{ execution_id: string; task_id: string | null }>(
      `SELECT e.id AS execution_id, t.id AS task_id
         FROM execution e LEFT JOIN task t ON t.execution_id = e.id AND t.status = 'Pending'
        WHERE e.vendor_type = 'WEBHOOK' AND e.vendor_id = $1 AND e.parameters ? 'event_id'
          AND e.parameters->>'event_id' = $2 AND e.parameters->>'target_index' = $3`,
      [policyId, eventId, String(targetIndex)],
    );
    if (rows.length === 0) return undefined;
    return { executionId: rows[0].execution_id, pendingTaskIds: rows.flatMap((r) => (r.task_id ? [r.task_id] : [])) };
  }

  /**
   * Keeps the newest `keep` finished deliveries of each policy and removes the others (pull
   * events alone would otherwise grow the history without end). Returns how many went.
   */
  async sweep(keep: number): Promise<number> {
    const rows = await this.sql.query(
      `DELETE FROM execution WHERE id IN (
         SELECT id FROM (
           SELECT id, row_number() OVER (PARTITION BY vendor_id ORDER BY id DESC) AS n
             FROM execution WHERE vendor_type = 'WEBHOOK' AND status IN ('Success', 'Error', 'Stopped')
         ) ranked WHERE n > $1
       ) RETURNING id`,
      [keep],
    );
    return rows.length;
  }
}
