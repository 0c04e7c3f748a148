import type { AuditTrail, Sql } from '@wharf/db';
import { type ArtifactEvent, ExecutionStatus, formatLogLine, isFinal, JOBSERVICE_OPERATOR, VendorType } from '@wharf/jobs';
import { artifactName } from '@wharf/oci';
import { evaluateRetention, type ImmutableRuleSpec, isTagImmutable, retentionRuleProblem, rulesForRepository } from '@wharf/policy';
import type { RepositoryChanges } from '../repository-changes';
import type { TaskContext, TaskOutcome, TaskRunner } from '../task-runner';
import { type RepositoryRetentionSummary, retentionEvent } from './retention-events';
import { type PlannedArtifact, planDeletions, type RepoArtifact, RepositoryGraph } from './retention-plan';
import { type DeletionRecord, type RepositoryRow, type RepositoryTaskRow, type RetentionPolicyRow, RetentionStore } from './retention.store';

export interface RetentionRunnerDeps {
  sql: Sql;
  changes: RepositoryChanges;
  /** Appends to the installation's event stream (the jobservice's JobQueues). */
  publish(events: readonly ArtifactEvent[]): Promise<void>;
  /** Whether the installation is in read-only mode (core's `read_only` setting); a failed read throws. */
  readOnly(): Promise<boolean>;
  /** The audit settings and forwarding: deletions are audited as core's. */
  audit: AuditTrail;
}

/** Why a run that would delete did not (in Harbor, core's API refuses the run's deletions). */
export const RETENTION_READ_ONLY_MESSAGE = 'the system is in read only mode, retention cannot delete anything';

/** One repository's outcome. */
interface RepositoryOutcome {
  total: number;
  retained: number;
  log: string;
  stopped: boolean;
  /** Stopped because the installation went read-only. */
  readOnly: boolean;
}

type DeletionResult = { deleted: DeletionRecord } | { kept: string };

/** Decision lines kept per repository; a repository of a hundred thousand artifacts is counted, not listed in full. */
const MAX_LOG_LINES = 20_000;

function describe(a: RepoArtifact): string {
  const tags = a.tags.length > 0 ? `tags ${a.tags.join(',')}` : 'untagged';
  return `${a.digest} (${tags}; pushed ${a.pushTime.toISOString()}; pulled ${a.pullTime ? a.pullTime.toISOString() : 'never'})`;
}

function sameTimes(a: Date | null, b: Date | null): boolean {
  return (a?.getTime() ?? null) === (b?.getTime() ?? null);
}

/**
 * Runs a retention policy over its project (one execution per run, one queue task). Each
 * repository a rule covers gets a record of its own (the API's "tasks"): counts and a log of the
 * decision for every artifact. A dry run evaluates and plans exactly as a real run and deletes
 * nothing. A real run deletes each planned artifact in a transaction of its own, with GC's care:
 * the row is locked without waiting (an artifact in use is skipped, not waited for), everything
 * the deletion takes is locked and read again, and the deletion is given up when the artifact's
 * tags, push or pull changed since the evaluation or an immutable tag would go with it. Blobs
 * stay for garbage collection.
 *
 * Each deletion is recorded on its repository's row in its own transaction. A run whose
 * jobservice died is taken again by the queue: repositories it finished are kept as they are, the
 * one it was in is evaluated again over what is left, and its earlier deletions are added back,
 * so counts, log and event come out as those of one uninterrupted run.
 */
export class RetentionRunner implements TaskRunner {
  readonly vendorType = VendorType.Retention;
  private readonly store: RetentionStore;

  constructor(private readonly deps: RetentionRunnerDeps) {
    this.store = new RetentionStore(deps.sql, deps.audit);
  }

  async run(ctx: TaskContext): Promise<TaskOutcome> {
    const dryRun = ctx.parameters['dry_run'] === true;
    const execution = ctx.execution;
    const policy = await this.store.policy(execution.vendorId);
    if (!policy) {
      const message = `retention policy ${execution.vendorId} no longer exists`;
      ctx.error(message);
      return { status: ExecutionStatus.Error, message, extra: { dry_run: dryRun } };
    }
    for (const [i, rule] of policy.rules.entries()) {
      const problem = rule.disabled ? null : retentionRuleProblem(rule);
      if (problem) {
        const message = `rule ${i + 1} of retention policy ${policy.id} cannot be applied: ${problem}`;
        ctx.error(message);
        return { status: ExecutionStatus.Error, message, extra: { dry_run: dryRun } };
      }
    }
    // A dry run deletes nothing and runs as usual; a real one is not started.
    if (!dryRun && (await this.deps.readOnly())) {
      ctx.warn(`${RETENTION_READ_ONLY_MESSAGE}: skipped`);
      return { status: ExecutionStatus.Error, message: RETENTION_READ_ONLY_MESSAGE, extra: { dry_run: dryRun } };
    }
    const repositories = await this.store.repositories(policy.projectId);
    const covered = repositories.filter((r) => rulesForRepository(policy.rules, r.name).length > 0);
    ctx.info(
      `retention ${dryRun ? 'dry run ' : ''}of project ${policy.projectName} by policy ${policy.id} started: ` +
        `${policy.rules.filter((r) => !r.disabled).length} enabled rules cover ${covered.length} of ${repositories.length} repositories`,
    );
    const rows = await this.store.openRepositoryTasks(execution.id, covered.map((r) => r.name));
    const byName = new Map(covered.map((r) => [r.name, r]));
    const immutable = await this.store.immutableRules(policy.projectId);
    let stopped = false;
    let readOnly = false;
    for (const row of rows) {
      if (isFinal(row.status)) continue;
      if (await ctx.shouldStop()) {
        stopped = true;
        break;
      }
      const repository = byName.get(row.repository);
      if (!repository) {
        // Recorded by an interrupted earlier run of this task; the repository went since.
        await this.store.finishRepositoryTask(row.id, ExecutionStatus.Success, { total: 0, retained: 0, log: formatLogLine('INFO', 'the repository no longer exists') });
        continue;
      }
      await this.store.startRepositoryTask(row.id);
      try {
        const outcome = await this.runRepository(ctx, policy, repository, row, immutable, dryRun);
        const { total, retained } = outcome;
        await this.store.finishRepositoryTask(
          row.id,
          outcome.readOnly ? ExecutionStatus.Error : outcome.stopped ? ExecutionStatus.Stopped : ExecutionStatus.Success,
          { total, retained, log: outcome.log, message: outcome.readOnly ? RETENTION_READ_ONLY_MESSAGE : outcome.stopped ? 'stopped by request' : '' },
        );
        ctx.info(`repository ${repository.name}: ${total} artifacts, ${retained} retained, ${total - retained} ${dryRun ? 'to delete' : 'deleted'}`);
        if (outcome.readOnly) {
          readOnly = true;
          break;
        }
        if (outcome.stopped) {
          stopped = true;
          break;
        }
      } catch (err) {
        const message = (err as Error).message;
        ctx.error(`repository ${repository.name}: failed: ${message}`);
        await this.store.finishRepositoryTask(row.id, ExecutionStatus.Error, { total: 0, retained: 0, log: formatLogLine('ERROR', `failed: ${message}`), message });
      }
    }
    if (stopped || readOnly) {
      await this.store.stopWaitingRepositoryTasks(execution.id);
      if (readOnly) ctx.warn(`${RETENTION_READ_ONLY_MESSAGE}: stopped; the remaining repositories were not evaluated`);
      else ctx.info('stopped on request');
    }
    const totals = await this.store.totals(execution.id);
    const deleted = totals.total - totals.retained;
    const status = readOnly ? ExecutionStatus.Error : stopped ? ExecutionStatus.Stopped : totals.failed > 0 ? ExecutionStatus.Error : ExecutionStatus.Success;
    // Dry runs change nothing, so they announce nothing.
    if (!dryRun) await this.announce(ctx, policy, { status, total: totals.total, retained: totals.retained });
    ctx.info(
      `retention ${dryRun ? 'dry run ' : ''}finished: ${totals.repositories} repositories, ${totals.total} artifacts, ${totals.retained} retained, ` +
        `${deleted} ${dryRun ? 'would be deleted (nothing was)' : 'deleted'}` +
        (dryRun || deleted === 0 ? '' : '; their blobs are freed by the next garbage collection'),
    );
    const extra = { dry_run: dryRun, policy_id: Number(policy.id), repositories: totals.repositories, total: totals.total, retained: totals.retained, deleted };
    if (readOnly) return { status, message: RETENTION_READ_ONLY_MESSAGE, extra };
    if (status === ExecutionStatus.Stopped) return { status, message: 'stopped by request', extra };
    if (status === ExecutionStatus.Error) return { status, message: `${totals.failed} of ${totals.repositories} repositories failed`, extra };
    return { status, extra };
  }

  private async runRepository(
    ctx: TaskContext,
    policy: RetentionPolicyRow,
    repository: RepositoryRow,
    task: RepositoryTaskRow,
    immutable: readonly ImmutableRuleSpec[],
    dryRun: boolean,
  ): Promise<RepositoryOutcome> {
    const earlier = task.deleted;
    if (earlier.length > 0) ctx.warn(`repository ${repository.name}: an interrupted run deleted ${earlier.length} artifacts before; evaluating what is left`);
    const graph = new RepositoryGraph(await this.store.artifacts(repository.id));
    const candidates = graph.candidates();
    const evaluation = evaluateRetention({ repository: repository.name, artifacts: candidates, rules: policy.rules, immutableRules: immutable, now: new Date() });
    const plan = planDeletions(graph, evaluation.verdicts, (tag) => immutable.length > 0 && isTagImmutable(immutable, repository.name, tag));
    const results = new Map<PlannedArtifact, DeletionResult>();
    let stopped = false;
    let readOnly = false;
    if (!dryRun) {
      for (const item of plan.deletions) {
        if (await ctx.shouldStop()) {
          stopped = true;
          break;
        }
        if (await this.deps.readOnly()) {
          readOnly = stopped = true;
          break;
        }
        results.set(item, await this.delete(policy, repository, task.id, item));
      }
    }

    const entries: { at: number; line: string }[] = earlier.map((d) => ({ at: d.push_time, line: d.line }));
    let retained = 0;
    for (const item of plan.items) {
      const result = results.get(item);
      const at = item.artifact.pushTime.getTime();
      if (item.retain) {
        retained++;
        entries.push({ at, line: formatLogLine('INFO', `RETAIN ${describe(item.artifact)}: ${item.reasons.join('; ')}`) });
      } else if (dryRun) {
        entries.push({ at, line: formatLogLine('INFO', `DELETE ${describe(item.artifact)}: ${item.reasons.join('; ')}${withText(item.with)} (dry run: not deleted)`) });
      } else if (!result) {
        retained++;
        const why = readOnly ? 'the system was put in read only mode first' : 'the run was stopped first';
        entries.push({ at, line: formatLogLine('INFO', `RETAIN ${describe(item.artifact)}: planned for deletion, but ${why}`) });
      } else if ('kept' in result) {
        retained++;
        entries.push({ at, line: formatLogLine('WARNING', `RETAIN ${describe(item.artifact)}: planned for deletion (${item.reasons.join('; ')}), kept: ${result.kept}`) });
      } else {
        entries.push({ at, line: result.deleted.line });
      }
    }
    // Newest push first (a stable sort: artifacts pushed at the same time keep the plan's order).
    const lines = entries.sort((a, b) => b.at - a.at).map((e) => e.line);
    const total = plan.items.length + earlier.length;
    if (lines.length > MAX_LOG_LINES) {
      const omitted = lines.length - MAX_LOG_LINES;
      lines.splice(MAX_LOG_LINES, omitted, formatLogLine('INFO', `(${omitted} more artifacts, the oldest pushed, are counted above but not listed)`));
    }
    const header = formatLogLine(
      'INFO',
      `repository ${repository.name}: ${total} artifacts, ${retained} retained, ${total - retained} ${dryRun ? 'to delete (dry run: nothing deleted)' : 'deleted'}` +
        (readOnly ? `; stopped: ${RETENTION_READ_ONLY_MESSAGE}` : stopped ? '; stopped on request' : ''),
    );
    return { total, retained, log: header + lines.join(''), stopped, readOnly };
  }

  /** Deletes one planned artifact and what goes with it, or says why it stays. */
  private async delete(policy: RetentionPolicyRow, repository: RepositoryRow, repositoryTaskId: string, item: PlannedArtifact): Promise<DeletionResult> {
    const { sql, changes } = this.deps;
    const planned = item.artifact;
    const result = await sql.transaction(async (tx): Promise<DeletionResult> => {
      if ((await this.store.lock(tx, [planned.id])).length === 0) {
        return { kept: (await this.store.exists(planned.id)) ? 'another operation holds it; the next run decides again' : 'it was already gone' };
      }
      const first = new RepositoryGraph(await this.store.reachable(tx, repository.id, planned.id)).closure(planned.id);
      if ('blockedBy' in first) return { kept: first.blockedBy };
      if ((await this.store.lock(tx, first.ids)).length !== first.ids.length) return { kept: 'another operation holds what would go with it' };
      // Read again under the locks: a tag or an index reference added before them is seen now,
      // and none can be added to a locked row until this transaction ends.
      const graph = new RepositoryGraph(await this.store.reachable(tx, repository.id, planned.id));
      const closure = graph.closure(planned.id);
      if ('blockedBy' in closure) return { kept: closure.blockedBy };
      if (closure.ids.length !== first.ids.length || closure.ids.some((id) => !first.ids.includes(id))) return { kept: 'what would go with it changed meanwhile' };
      const now = graph.get(planned.id);
      if (!now) return { kept: 'it was already gone' };
      if (now.tags.join('\n') !== planned.tags.join('\n')) return { kept: `its tags changed since the evaluation (now: ${now.tags.join(',') || 'none'})` };
      if (!sameTimes(now.pushTime, planned.pushTime)) return { kept: 'it was pushed again since the evaluation' };
      if (!sameTimes(now.pullTime, planned.pullTime)) return { kept: 'it was pulled since the evaluation' };
      const rules = await this.store.immutableRules(policy.projectId, tx);
      const taken = closure.ids.map((id) => graph.get(id)).filter((a): a is RepoArtifact => a !== undefined);
      for (const a of taken) {
        const tag = rules.length > 0 ? a.tags.find((t) => isTagImmutable(rules, repository.name, t)) : undefined;
        if (tag) return { kept: `${a.digest} carries the immutable tag ${tag}` };
      }
      await this.store.deleteArtifacts(tx, closure.ids);
      const root = taken.find((a) => a.id === planned.id) ?? planned;
      // As in Harbor, where the jobservice deletes through core's API: one row for the artifact the rule chose.
      await this.store.auditDeletion(tx, policy.projectId, artifactName(repository.name, root.digest), JOBSERVICE_OPERATOR);
      const record: DeletionRecord = {
        digest: root.digest,
        tags: [...root.tags],
        push_time: planned.pushTime.getTime(),
        line: formatLogLine('INFO', `DELETE ${describe(planned)}: ${item.reasons.join('; ')}${withText(taken.filter((a) => a.id !== root.id))}`),
      };
      await this.store.recordDeletion(tx, repositoryTaskId, record);
      await changes.notify(tx, [repository.name]);
      return { deleted: record };
    });
    if ('deleted' in result) await changes.committed([repository.name]);
    return result;
  }

  private async announce(
    ctx: TaskContext,
    policy: RetentionPolicyRow,
    outcome: { status: string; total: number; retained: number },
  ): Promise<void> {
    // From the records, not this attempt's memory: a resumed run names what the interrupted one deleted too.
    const summaries: RepositoryRetentionSummary[] = (await this.store.repositoryTasks(ctx.execution.id)).map((r) => ({
      repository: r.repository,
      total: r.total,
      retained: r.retained,
      deleted: r.deleted.map((d) => ({ digest: d.digest, tags: d.tags })),
    }));
    // Harbor's operator of a run: whoever started it by hand, else the jobservice (schedules).
    const startedBy = ctx.execution.extraAttrs['operator'];
    const event = retentionEvent(
      {
        policyId: policy.id,
        executionId: ctx.execution.id,
        project: policy.projectName,
        operator: typeof startedBy === 'string' && startedBy !== '' ? startedBy : JOBSERVICE_OPERATOR,
        rules: policy.rules,
        ...outcome,
      },
      summaries,
    );
    try {
      await this.deps.publish([event]);
    } catch (err) {
      ctx.warn(`failed to publish the retention event: ${(err as Error).message}`);
    }
  }
}

function withText(taken: readonly RepoArtifact[]): string {
  if (taken.length === 0) return '';
  return `; with it: ${taken.map((a) => a.digest).join(', ')}`;
}
