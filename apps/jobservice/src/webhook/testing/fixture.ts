import { type ArtifactEvent, EventType, eventsStream, type Execution, isFinal, VendorType } from '@wharf/jobs';
import type Redis from 'ioredis';
import type { TestJobService } from '../../testing';

export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
export const DIGEST = 'sha256:' + 'ab'.repeat(32);
/** webhook_allowed_networks with loopback (where test receivers listen) opened. */
export const LOOPBACK_RECEIVERS = '0.0.0.0/0,::/0,127.0.0.1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Target {
  type?: string;
  address: string;
  auth_header?: string;
  skip_cert_verify?: boolean;
  payload_format?: string;
}


/** Fixtures and observations on one test jobservice's database and event stream. */
export class Fixture {
  constructor(
    readonly t: TestJobService,
    private readonly redis: Redis,
  ) {}

  /**
   * Sets webhook_allowed_networks as core's /configurations API stores it: the receivers of these
   * tests listen on loopback, which deliveries reach only where an administrator allows it.
   */
  async allowNetworks(value = LOOPBACK_RECEIVERS): Promise<void> {
    await this.t.sql.query(
      `INSERT INTO setting (key, value, updated_at) VALUES ('webhook_allowed_networks', $1::jsonb, now())
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [JSON.stringify(value)],
    );
  }

  async project(name: string, isPublic = false): Promise<number> {
    const [row] = await this.t.sql.query<{ id: number }>('INSERT INTO project (name, public) VALUES ($1, $2) RETURNING id', [name, isPublic]);
    return row.id;
  }

  async repository(name: string, projectId: number): Promise<Date> {
    const [row] = await this.t.sql.query<{ created_at: Date }>('INSERT INTO repository (name, project_id) VALUES ($1, $2) RETURNING created_at', [name, projectId]);
    return row.created_at;
  }

  async policy(projectId: number, name: string, eventTypes: string[], targets: Target[], enabled = true): Promise<number> {
    const [row] = await this.t.sql.query<{ id: number }>(
      'INSERT INTO webhook_policy (project_id, name, event_types, targets, enabled) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [projectId, name, eventTypes, JSON.stringify(targets.map((x) => ({ type: 'http', skip_cert_verify: false, payload_format: 'Default', ...x }))), enabled],
    );
    return row.id;
  }

  /** XADD as the registry does; answers the entry id. */
  async publish(event: Partial<ArtifactEvent> & Pick<ArtifactEvent, 'repository'>): Promise<string> {
    const full: ArtifactEvent = { type: EventType.PushArtifact, occurAt: Date.now(), operator: 'alice', digest: DIGEST, tag: 'v1', ...event };
    return (await this.redis.xadd(eventsStream(this.t.config.queuePrefix), '*', 'event', JSON.stringify(full))) as string;
  }

  async deliveries(policyId: number): Promise<Execution[]> {
    const page = await this.t.service.executions.list(VendorType.Webhook, String(policyId), 1, 100);
    return page.items.reverse();
  }

  /** Waits until the policy has `count` deliveries, all ended. */
  async settled(policyId: number, count: number, timeoutMs = 20_000): Promise<Execution[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const items = await this.deliveries(policyId);
      if (items.length >= count && items.every((e) => isFinal(e.status))) return items;
      if (Date.now() > deadline) throw new Error(`policy ${policyId}: ${items.length} of ${count} deliveries, statuses ${items.map((e) => e.status).join(',')}`);
      await sleep(50);
    }
  }

  async log(execution: Execution): Promise<string> {
    return this.t.service.executions.log(execution.id);
  }
}
