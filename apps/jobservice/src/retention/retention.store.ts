import { type AuditTrail, insertAuditLogExt, type Sql, type SqlRunner } from '@wharf/db';
import type { ExecutionStatus } from '@wharf/jobs';
import { type ImmutableRuleSpec, type RetentionRuleRecord, type RetentionRuleSpec, retentionRuleSpec, type Selector } from '@wharf/policy';
import type { RepoArtifact } from './retention-plan';

export interface RetentionPolicyRow {
  id: string;
  projectId: number;
  projectName: string;
  rules: RetentionRuleSpec[];
}

export interface RepositoryRow {
  id: string;
  name: string;
}

/** An artifact a run deleted, as retention_deletion keeps it (migration 0010). */
export interface DeletionRecord {
  digest: string;
  tags: string[];
  /** Milliseconds since the epoch: where the line goes in the newest-first log. */
  push_time: number;
  /** The decision-log line of the deletion. */
  line: string;
}

export interface RepositoryTaskRow {
  id: string;
  repository: string;
  status: string;
  total: number;
  retained: number;
  /** What runs of this task deleted so far, an interrupted one's included. */
  deleted: DeletionRecord[];
}

type ArtifactDbRow = {
  id: string;
  digest: string;
  subject_digest: string | null;
  push_time: Date;
  pull_time: Date | null;
  tags: string[];
  parent_ids: string[];
  child_ids: string[];
};

/**
 * An artifact with its tags, its latest push and pull (of it or of any of its tags, as Harbor
 * weighs them) and its index links. A fresh statement: inside a transaction it sees every
 * change committed before it started.
 */
const ARTIFACT_SELECT = `
  SELECT a.id, a.digest, a.subject_digest,
         GREATEST(a.push_time, max(t.push_time)) AS push_time,
         GREATEST(a.pull_time, max(t.pull_time)) AS pull_time,
         COALESCE(array_agg(t.name ORDER BY t.name) FILTER (WHERE t.name IS NOT NULL), '{}') AS tags,
         ARRAY(SELECT ar.parent_id::text FROM artifact_reference ar WHERE ar.child_id = a.id ORDER BY ar.parent_id) AS parent_ids,
         ARRAY(SELECT ar.child_id::text FROM artifact_reference ar WHERE ar.parent_id = a.id ORDER BY ar.child_id) AS child_ids
    FROM artifact a LEFT JOIN tag t ON t.artifact_id = a.id`;

function toArtifact(r: ArtifactDbRow): RepoArtifact {
  return {
    id: r.id,
    digest: r.digest,
    subjectDigest: r.subject_digest,
    pushTime: r.push_time,
    pullTime: r.pull_time,
    tags: r.tags,
    parentIds: r.parent_ids,
    childIds: r.child_ids,
  };
}

/** The rows a retention run reads and writes (policies and per-repository results are in migration 0009). */
export class RetentionStore {
  constructor(
    private readonly sql: Sql,
    private readonly audit: AuditTrail,
  ) {}

  async policy(id: string): Promise<RetentionPolicyRow | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    const row = await this.sql.one<{ id: string; project_id: number; project_name: string; rules: RetentionRuleRecord[] }>(
      `SELECT rp.id, rp.project_id, p.name AS project_name, rp.rules FROM retention_policy rp JOIN project p ON p.id = rp.project_id WHERE rp.id = $1`,
      [id],
    );
    return row && { id: row.id, projectId: row.project_id, projectName: row.project_name, rules: row.rules.map(retentionRuleSpec) };
  }

  repositories(projectId: number): Promise<RepositoryRow[]> {
    return this.sql.query<RepositoryRow>('SELECT id, name FROM repository WHERE project_id = $1 ORDER BY name', [projectId]);
  }

  /** The project's enabled immutable tag rules, read in `runner` (a deletion's transaction re-reads them). */
  async immutableRules(projectId: number, runner: SqlRunner = this.sql): Promise<ImmutableRuleSpec[]> {
    const rows = await runner.query<{ tag_selectors: Selector[]; scope_selectors: { repository?: Selector[] } }>(
      'SELECT tag_selectors, scope_selectors FROM immutable_tag_rule WHERE project_id = $1 AND NOT disabled',
      [projectId],
    );
    return rows.map((r) => ({ disabled: false, tagSelectors: r.tag_selectors, repositorySelectors: r.scope_selectors.repository ?? [] }));
  }

  async artifacts(repositoryId: string): Promise<RepoArtifact[]> {
    const rows = await this.sql.query<ArtifactDbRow>(`${ARTIFACT_SELECT} WHERE a.repository_id = $1 GROUP BY a.id ORDER BY a.id`, [repositoryId]);
    return rows.map(toArtifact);
  }

  /**
   * The part of a repository a deletion of `rootId` can reach (accessories, children, theirs in
   * turn), read in the deletion's transaction. Parents outside it are named by id only: they exist
   * (the references' foreign keys say so) and keep what they list.
   */
  async reachable(tx: SqlRunner, repositoryId: string, rootId: string): Promise<RepoArtifact[]> {
    const found = new Map<string, RepoArtifact>();
    let frontier = [rootId];
    for (let depth = 0; frontier.length > 0 && depth < 64; depth++) {
      const rows = (await tx.query<ArtifactDbRow>(`${ARTIFACT_SELECT} WHERE a.id = ANY($1::bigint[]) GROUP BY a.id`, [frontier])).map(toArtifact);
      for (const a of rows) found.set(a.id, a);
      const accessories = await tx.query<{ id: string }>('SELECT id FROM artifact WHERE repository_id = $1 AND subject_digest = ANY($2::text[])', [
        repositoryId,
        rows.map((a) => a.digest),
      ]);
      const next = new Set([...accessories.map((a) => a.id), ...rows.flatMap((a) => a.childIds)]);
      frontier = [...next].filter((id) => !found.has(id));
    }
    return [...found.values()];
  }

  /** Locks the rows without waiting; answers the ids it got. */
  async lock(tx: SqlRunner, ids: readonly string[]): Promise<string[]> {
    const rows = await tx.query<{ id: string }>('SELECT id FROM artifact WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE SKIP LOCKED', [ids]);
    return rows.map((r) => r.id);
  }

  async exists(id: string): Promise<boolean> {
    return (await this.sql.one('SELECT 1 FROM artifact WHERE id = $1', [id])) !== undefined;
  }

  /** Deletes rows in the order given (parents first: a listed child cannot go before its index). */
  async deleteArtifacts(tx: SqlRunner, ids: readonly string[]): Promise<void> {
    for (const id of ids) await tx.query('DELETE FROM artifact WHERE id = $1', [id]);
  }

  /** One row per covered repository, Pending; rows a previous run of the task wrote are kept. */
  async openRepositoryTasks(executionId: string, repositories: readonly string[]): Promise<RepositoryTaskRow[]> {
    await this.sql.query(
      `INSERT INTO retention_task (execution_id, repository) SELECT $1, unnest($2::text[]) ON CONFLICT (execution_id, repository) DO NOTHING`,
      [executionId, repositories],
    );
    return this.repositoryTasks(executionId);
  }

  repositoryTasks(executionId: string): Promise<RepositoryTaskRow[]> {
    return this.sql.query<RepositoryTaskRow>(
      `SELECT t.id, t.repository, t.status, t.total, t.retained,
              COALESCE((SELECT json_agg(json_build_object('digest', d.digest, 'tags', d.tags, 'push_time', d.push_time, 'line', d.line) ORDER BY d.seq)
                          FROM retention_deletion d WHERE d.task_id = t.id), '[]') AS deleted
         FROM retention_task t WHERE t.execution_id = $1 ORDER BY t.repository`,
      [executionId],
    );
  }

  /** Records a deletion in the deletion's own transaction: it is on record exactly when it happened. */
  async recordDeletion(tx: SqlRunner, repositoryTaskId: string, record: DeletionRecord): Promise<void> {
    await tx.query('INSERT INTO retention_deletion (task_id, digest, tags, push_time, line) VALUES ($1, $2, $3, $4, $5)', [
      repositoryTaskId,
      record.digest,
      record.tags,
      record.push_time,
      record.line,
    ]);
  }

  /**
   * The audit rows of a deletion, in the deletion's transaction (Harbor's delete of an artifact),
   * as the audit settings say: forwarded, left out of the database, or not logged at all.
   */
  async auditDeletion(tx: SqlRunner, projectId: number, resource: string, username: string): Promise<void> {
    const ext = { projectId, operation: 'delete', resourceType: 'artifact', resource, username, description: `delete artifact: ${resource}`, success: true };
    const { rows, writeDatabase } = await this.audit.admit([ext]);
    if (!writeDatabase) return;
    await insertAuditLogExt(tx, rows);
    await tx.query("INSERT INTO audit_log (project_id, operation, resource_type, resource, username) VALUES ($1, 'delete', 'artifact', $2, $3)", [projectId, resource, username]);
  }

  async startRepositoryTask(id: string): Promise<void> {
    await this.sql.query(
      `UPDATE retention_task SET status = 'Running', status_revision = status_revision + 1, start_time = COALESCE(start_time, now()) WHERE id = $1`,
      [id],
    );
  }

  async finishRepositoryTask(id: string, status: ExecutionStatus, result: { total: number; retained: number; log: string; message?: string }): Promise<void> {
    await this.sql.query(
      `UPDATE retention_task SET status = $2, status_message = $3, status_revision = status_revision + 1, total = $4, retained = $5, log = $6, end_time = now()
        WHERE id = $1`,
      [id, status, result.message ?? '', result.total, result.retained, result.log],
    );
  }

  /** Repositories a stop left unvisited. */
  async stopWaitingRepositoryTasks(executionId: string): Promise<void> {
    await this.sql.query(
      `UPDATE retention_task SET status = 'Stopped', status_message = 'stopped before it started', status_revision = status_revision + 1, end_time = now()
        WHERE execution_id = $1 AND status = 'Pending'`,
      [executionId],
    );
  }

  /** The run's figures over every repository (runs before an interruption included). */
  async totals(executionId: string): Promise<{ repositories: number; total: number; retained: number; failed: number }> {
    const row = await this.sql.one<{ repositories: number; total: number; retained: number; failed: number }>(
      `SELECT count(*)::int AS repositories, COALESCE(sum(total), 0)::int AS total, COALESCE(sum(retained), 0)::int AS retained,
              (count(*) FILTER (WHERE status = 'Error'))::int AS failed
         FROM retention_task WHERE execution_id = $1`,
      [executionId],
    );
    return row ?? { repositories: 0, total: 0, retained: 0, failed: 0 };
  }
}
