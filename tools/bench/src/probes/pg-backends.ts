import { existsSync } from 'node:fs';
import { Client } from 'pg';
import { cpuSeconds } from './process-tree';

/**
 * CPU time of the PostgreSQL backends serving one database, when PostgreSQL runs on this machine
 * (its backend pids are then visible in /proc). Wharf's pool keeps its connections open, so the
 * backends alive at the start and the end of a scenario cover its queries.
 */
export class PgBackendCpu {
  private constructor(
    private readonly client: Client,
    private readonly database: string,
  ) {}

  static async connect(adminUrl: string, database: string): Promise<PgBackendCpu> {
    const client = new Client({ connectionString: adminUrl, application_name: 'wharf-bench-probe' });
    await client.connect();
    return new PgBackendCpu(client, database);
  }

  async snapshot(): Promise<Map<number, number>> {
    const { rows } = await this.client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [this.database]);
    const out = new Map<number, number>();
    for (const { pid } of rows) if (existsSync(`/proc/${pid}`)) out.set(pid, cpuSeconds(pid));
    return out;
  }

  /** CPU seconds between two snapshots; a backend born in between counts from zero. */
  static delta(before: Map<number, number>, after: Map<number, number>): number {
    let total = 0;
    for (const [pid, s] of after) total += Math.max(0, s - (before.get(pid) ?? 0));
    return total;
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}
