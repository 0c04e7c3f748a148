import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Access, Action, ProjectRef } from '@wharf/auth';
import type { Sql } from '@wharf/db';
import { type Execution, ExecutionStore, JobQueues, launchExecution, ScheduleStore, Trigger, VendorType } from '@wharf/jobs';
import { actorName, requireAuthenticated, requireProjectAccess } from '../auth/authorize';
import { badRequest, conflict, notFound } from '../http/harbor-error';
import type { Paging } from '../http/paging';
import { isUniqueViolation } from '../infra/pg-errors';
import { SQL } from '../infra/tokens';
import { dryRunFromRequest, policyFromRequest, type RetentionPolicyFields, requireStopAction } from './retention-policy-input';
import {
  RETENTION_METADATA,
  type RetentionExecutionView,
  retentionExecutionView,
  type RetentionPolicyView,
  retentionPolicyView,
  type RetentionTaskView,
  retentionTaskView,
} from './retention-view';
import { type RetentionPolicyRecord, RetentionStore } from './retention.store';

/**
 * Harbor's /retentions: a project's tag retention policy (one per project, referenced by the
 * project's retention_id metadata), its cron schedule, and its runs (executions of vendor
 * RETENTION, run by the jobservice, with one record per repository). Access follows the matrix's
 * tag-retention resource of the policy's project.
 */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger('retention');

  constructor(
    @Inject(SQL) private readonly sql: Sql,
    private readonly store: RetentionStore,
    private readonly executions: ExecutionStore,
    private readonly schedules: ScheduleStore,
    private readonly queues: JobQueues,
  ) {}

  metadata(access: Access): typeof RETENTION_METADATA {
    requireAuthenticated(access);
    return RETENTION_METADATA;
  }

  /** The policy (404), then the matrix's verdict on the caller for its project (401/403). */
  private async policy(access: Access, id: number, action: Action): Promise<RetentionPolicyRecord> {
    const policy = await this.store.policy(id);
    if (!policy) {
      requireAuthenticated(access);
      throw notFound(`retention policy ${id} not found`);
    }
    requireProjectAccess(access, { id: policy.project_id, name: policy.project_name, public: policy.project_public }, 'tag-retention', action);
    return policy;
  }

  async get(access: Access, id: number): Promise<RetentionPolicyView> {
    return retentionPolicyView(await this.policy(access, id, 'read'));
  }

  async create(access: Access, body: unknown): Promise<number> {
    requireAuthenticated(access);
    const fields = policyFromRequest(body);
    const project: ProjectRef | undefined = await this.store.project(fields.projectId);
    if (!project) throw badRequest(`scope.ref: project ${fields.projectId} not found`);
    requireProjectAccess(access, project, 'tag-retention', 'create');
    let id: number;
    try {
      id = await this.sql.transaction((tx) => this.store.insert(tx, fields));
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`project ${project.name} already has a retention policy; change it with PUT /retentions/{id}`);
      throw err;
    }
    this.logger.log(`created retention policy: id=${id} project=${project.name}`);
    await this.applySchedule(id, fields);
    return id;
  }

  async update(access: Access, id: number, body: unknown): Promise<void> {
    const current = await this.policy(access, id, 'update');
    const fields = policyFromRequest(body, { id, projectId: current.project_id });
    if (!(await this.sql.transaction((tx) => this.store.update(tx, id, fields)))) throw notFound(`retention policy ${id} not found`);
    await this.applySchedule(id, fields);
  }

  async delete(access: Access, id: number): Promise<void> {
    const policy = await this.policy(access, id, 'delete');
    // A run in progress sees the request (or its execution gone) at its next check and ends.
    for (const e of (await this.executions.list(VendorType.Retention, policy.id, 1, 100)).items) await this.executions.requestStop(e.id);
    const scheduled = (await this.schedules.get(VendorType.Retention, policy.id)) !== undefined;
    if (!(await this.sql.transaction((tx) => this.store.delete(tx, policy)))) throw notFound(`retention policy ${id} not found`);
    this.logger.log(`deleted retention policy: id=${id} project=${policy.project_name}`);
    if (scheduled) await this.announce();
  }

  /** Starts a run now; 409 while one of the same policy is waiting or running. */
  async trigger(access: Access, id: number, body: unknown): Promise<number> {
    const policy = await this.policy(access, id, 'update');
    const dryRun = dryRunFromRequest(body);
    // A queue Redis does not take leaves the task in Error with the reason (the history shows the
    // failed attempt) and is answered 503 (JobQueueUnavailableError).
    const created = await launchExecution(this.executions, this.queues, {
      vendorType: VendorType.Retention,
      vendorId: policy.id,
      trigger: Trigger.Manual,
      parameters: { dry_run: dryRun },
      // Harbor's operator of the run (its TAG_RETENTION webhook names it).
      extraAttrs: { operator: actorName(access) },
      exclusive: true,
    });
    if (created === 'busy') throw conflict(`a run of retention policy ${id} is already pending or running; wait for it to end or stop it first`);
    this.logger.log(`queued retention run: policy=${id} execution=${created.executionId} dry_run=${dryRun}`);
    return Number(created.executionId);
  }

  async listExecutions(access: Access, id: number, paging: Paging): Promise<{ items: RetentionExecutionView[]; total: number }> {
    const policy = await this.policy(access, id, 'list');
    const page = await this.executions.list(VendorType.Retention, policy.id, paging.page, paging.pageSize);
    return { items: page.items.map(retentionExecutionView), total: page.total };
  }

  /** Stopping a run that already ended changes nothing and is not an error (as Harbor). */
  async stop(access: Access, id: number, executionId: number, body: unknown): Promise<void> {
    requireStopAction(body);
    const policy = await this.policy(access, id, 'update');
    const execution = await this.execution(policy, executionId);
    if (await this.executions.requestStop(execution.id)) this.logger.log(`requested retention stop: policy=${id} execution=${execution.id}`);
  }

  async listTasks(access: Access, id: number, executionId: number, paging: Paging): Promise<{ items: RetentionTaskView[]; total: number }> {
    const policy = await this.policy(access, id, 'list');
    const execution = await this.execution(policy, executionId);
    const [{ total, rows }, tasks] = await Promise.all([this.store.tasks(execution.id, paging), this.executions.tasks(execution.id)]);
    const jobId = tasks[0]?.jobId ?? '';
    return { items: rows.map((r) => retentionTaskView(r, jobId)), total };
  }

  async taskLog(access: Access, id: number, executionId: number, taskId: number): Promise<string> {
    const policy = await this.policy(access, id, 'read');
    const execution = await this.execution(policy, executionId);
    const log = await this.store.taskLog(execution.id, taskId);
    if (log === undefined) throw notFound(`task ${taskId} not found in retention execution ${executionId}`);
    return log;
  }

  /** A run of this policy by id; 404 for unknown ids and for runs of anything else. */
  private async execution(policy: RetentionPolicyRecord, executionId: number): Promise<Execution> {
    const execution = await this.executions.get(String(executionId));
    if (!execution || execution.vendorType !== VendorType.Retention || execution.vendorId !== policy.id) {
      throw notFound(`retention execution ${executionId} not found for policy ${policy.id}`);
    }
    return execution;
  }

  /** A cron in the trigger is a schedule row (scheduled runs delete for real); none removes it. */
  private async applySchedule(id: number, fields: RetentionPolicyFields): Promise<void> {
    if (fields.schedule) {
      await this.schedules.put({
        vendorType: VendorType.Retention,
        vendorId: String(id),
        cronType: fields.schedule.cronType,
        cron: fields.schedule.cron,
        parameters: { dry_run: false },
      });
      this.logger.log(`set retention schedule: policy=${id} cron="${fields.schedule.cron}"`);
    } else if (!(await this.schedules.remove(VendorType.Retention, String(id)))) {
      return;
    }
    await this.announce();
  }

  private async announce(): Promise<void> {
    try {
      await this.queues.announceSchedulesChanged(VendorType.Retention);
    } catch (err) {
      // The row is the truth: the jobservice also re-reads the schedules periodically.
      this.logger.warn(`failed to announce the retention schedule change, the jobservice will pick it up later: ${(err as Error).message}`);
    }
  }
}
