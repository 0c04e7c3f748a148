import { Inject, Injectable } from '@nestjs/common';
import type { ProjectRef } from '@wharf/auth';
import type { Sql, SqlRunner } from '@wharf/db';
import { VendorType } from '@wharf/jobs';
import type { RetentionRuleRecord } from '@wharf/policy';
import type { Paging } from '../http/paging';
import { SQL } from '../infra/tokens';
import type { RetentionPolicyFields, RetentionTrigger } from './retention-policy-input';

export interface RetentionPolicyRecord {
  id: string;
  project_id: number;
  project_name: string;
  project_public: boolean;
  algorithm: string;
  rules: RetentionRuleRecord[];
  trigger: Partial<RetentionTrigger>;
}

/** One repository of a run, as the jobservice records it. */
export interface RepositoryTaskRecord {
  id: string;
  execution_id: string;
  repository: string;
  status: string;
  status_revision: number;
  total: number;
  retained: number;
  start_time: Date | null;
  end_time: Date | null;
}

const POLICY_SELECT = `SELECT rp.id, rp.project_id, p.name AS project_name, p.public AS project_public, rp.algorithm, rp.rules, rp.trigger
                         FROM retention_policy rp JOIN project p ON p.id = rp.project_id`;
const TASK_COLUMNS = 'id, execution_id, repository, status, status_revision, total, retained, start_time, end_time';

/** Retention policies (one per project) and the per-repository records of their runs (migration 0009). */
@Injectable()
export class RetentionStore {
  constructor(@Inject(SQL) private readonly sql: Sql) {}

  project(id: number): Promise<ProjectRef | undefined> {
    return this.sql.one<ProjectRef>('SELECT id, name, public FROM project WHERE id = $1', [id]);
  }

  policy(id: number, runner: SqlRunner = this.sql): Promise<RetentionPolicyRecord | undefined> {
    return runner.one<RetentionPolicyRecord>(`${POLICY_SELECT} WHERE rp.id = $1`, [id]);
  }

  /** The policy row (and the project's retention_id metadata, as Harbor keeps it) in one transaction. */
  async insert(tx: SqlRunner, policy: RetentionPolicyFields): Promise<number> {
    const row = await tx.one<{ id: string }>(
      'INSERT INTO retention_policy (project_id, algorithm, rules, trigger) VALUES ($1, $2, $3, $4) RETURNING id',
      [policy.projectId, policy.algorithm, JSON.stringify(policy.rules), JSON.stringify(policy.trigger)],
    );
    const id = Number(row?.id);
    await tx.query(`UPDATE project SET metadata = metadata || jsonb_build_object('retention_id', $2::text), updated_at = now() WHERE id = $1`, [policy.projectId, String(id)]);
    return id;
  }

  async update(tx: SqlRunner, id: number, policy: RetentionPolicyFields): Promise<boolean> {
    const rows = await tx.query(
      'UPDATE retention_policy SET algorithm = $2, rules = $3, trigger = $4, update_time = now() WHERE id = $1 RETURNING id',
      [id, policy.algorithm, JSON.stringify(policy.rules), JSON.stringify(policy.trigger)],
    );
    return rows.length > 0;
  }

  /**
   * Removes the policy, the project's retention_id, and the policy's run history (which only the
   * policy's API shows); its schedule row goes with it (a trigger of migration 0009).
   */
  async delete(tx: SqlRunner, policy: Pick<RetentionPolicyRecord, 'id' | 'project_id'>): Promise<boolean> {
    const rows = await tx.query('DELETE FROM retention_policy WHERE id = $1 RETURNING id', [policy.id]);
    if (rows.length === 0) return false;
    await tx.query(`UPDATE project SET metadata = metadata - 'retention_id', updated_at = now() WHERE id = $1`, [policy.project_id]);
    await tx.query('DELETE FROM execution WHERE vendor_type = $1 AND vendor_id = $2', [VendorType.Retention, policy.id]);
    return true;
  }

  async tasks(executionId: string, paging: Paging): Promise<{ total: number; rows: RepositoryTaskRecord[] }> {
    const [count, rows] = await Promise.all([
      this.sql.one<{ n: string }>('SELECT count(*) AS n FROM retention_task WHERE execution_id = $1', [executionId]),
      this.sql.query<RepositoryTaskRecord>(`SELECT ${TASK_COLUMNS} FROM retention_task WHERE execution_id = $1 ORDER BY id LIMIT $2 OFFSET $3`, [
        executionId,
        paging.pageSize,
        paging.offset,
      ]),
    ]);
    return { total: Number(count?.n ?? 0), rows };
  }

  async taskLog(executionId: string, taskId: number): Promise<string | undefined> {
    const row = await this.sql.one<{ log: string }>('SELECT log FROM retention_task WHERE id = $1 AND execution_id = $2', [taskId, executionId]);
    return row?.log;
  }
}
