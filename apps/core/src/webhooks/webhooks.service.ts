import type { ListRequest } from '../http/query-param';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Access, Action, ProjectRef } from '@wharf/auth';
import { targetOfUrl, WebhookTargetRules } from '@wharf/policy';
import { actorName, requireProjectAccess } from '../auth/authorize';
import type { CoreConfig } from '../config';
import { SettingsService } from '../configurations/settings.service';
import { badRequest, conflict, notFound } from '../http/harbor-error';
import { isUniqueViolation } from '../infra/pg-errors';
import { CORE_CONFIG } from '../infra/tokens';
import { projectKey } from '../projects/project-key';
import type { ProjectAddress } from '../projects/project-param';
import type { WebhookPolicyDto } from './dto/webhook-policy.dto';
import { WebhookDeliveriesStore } from './webhook-deliveries.store';
import { NOTIFY_TYPES, PAYLOAD_FORMATS, policyFromRequest, SUPPORTED_EVENT_TYPES, type WebhookTarget } from './webhook-policy-input';
import { fieldsOf, POLICY_NAME_CONSTRAINT, WebhookPolicyRecord, WebhookPolicyStore } from './webhook-policy.store';
import {
  ExecutionView,
  executionView,
  lastTriggerViews,
  TaskView,
  taskView,
  WebhookJobView,
  webhookJobView,
  WebhookLastTriggerView,
  WebhookPolicyView,
  webhookPolicyView,
} from './webhook-view';

/** Harbor's SupportedWebhookEventTypes. */
export interface SupportedWebhookEventTypes {
  event_type: string[];
  notify_type: string[];
  payload_formats: { notify_type: string; formats: string[] }[];
}

/**
 * Webhook policies of a project and their delivery log: Harbor's /projects/{project_name_or_id}/webhook
 * API. Deliveries are made by the jobservice from the artifact events; this only reads their record.
 */
@Injectable()
export class WebhooksService {
  private readonly logger = new Logger('webhooks');

  constructor(
    private readonly policies: WebhookPolicyStore,
    private readonly deliveries: WebhookDeliveriesStore,
    private readonly settings: SettingsService,
    @Inject(CORE_CONFIG) private readonly config: CoreConfig,
  ) {}

  /** The project (404), then the matrix's verdict on the caller (401/403). */
  private async project(access: Access, at: ProjectAddress, action: Action): Promise<ProjectRef> {
    const project = await this.policies.project(projectKey(at.nameOrId, at.isName));
    if (!project) throw notFound(`project ${at.nameOrId} not found`);
    requireProjectAccess(access, project, 'notification-policy', action);
    return project;
  }

  private async policy(project: ProjectRef, policyId: number): Promise<WebhookPolicyRecord> {
    const policy = await this.policies.get(project.id, policyId);
    if (!policy) throw notFound(`webhook policy ${policyId} not found in project ${project.name}`);
    return policy;
  }

  async list(access: Access, at: ProjectAddress, filter: ListRequest): Promise<{ total: number; items: WebhookPolicyView[] }> {
    const project = await this.project(access, at, 'list');
    const { total, rows } = await this.policies.list(project.id, filter.query, filter.sort, filter.paging);
    return { total, items: rows.map(webhookPolicyView) };
  }

  async get(access: Access, at: ProjectAddress, policyId: number): Promise<WebhookPolicyView> {
    const project = await this.project(access, at, 'read');
    return webhookPolicyView(await this.policy(project, policyId));
  }

  async create(access: Access, at: ProjectAddress, body: WebhookPolicyDto): Promise<number> {
    const project = await this.project(access, at, 'create');
    const fields = policyFromRequest(body, { projectId: project.id });
    await this.checkReach(fields.targets);
    try {
      const id = await this.policies.insert(project.id, fields, actorName(access));
      this.logger.log(`created webhook policy: project=${project.name} policy=${id}`);
      return id;
    } catch (err) {
      if (isUniqueViolation(err, POLICY_NAME_CONSTRAINT)) throw conflict(`project ${project.name} already has a webhook policy named ${JSON.stringify(fields.name)}`);
      throw err;
    }
  }

  async update(access: Access, at: ProjectAddress, policyId: number, body: WebhookPolicyDto): Promise<void> {
    const project = await this.project(access, at, 'update');
    const current = await this.policy(project, policyId);
    const fields = policyFromRequest(body, { projectId: project.id, policyId }, fieldsOf(current));
    await this.checkReach(fields.targets, current.targets);
    try {
      if (!(await this.policies.update(project.id, policyId, fields))) throw notFound(`webhook policy ${policyId} not found in project ${project.name}`);
    } catch (err) {
      if (isUniqueViolation(err, POLICY_NAME_CONSTRAINT)) throw conflict(`project ${project.name} already has a webhook policy named ${JSON.stringify(fields.name)}`);
      throw err;
    }
  }

  async delete(access: Access, at: ProjectAddress, policyId: number): Promise<void> {
    const project = await this.project(access, at, 'delete');
    if (!(await this.policies.delete(project.id, policyId))) throw notFound(`webhook policy ${policyId} not found in project ${project.name}`);
    this.logger.log(`deleted webhook policy: project=${project.name} policy=${policyId}`);
  }

  async executions(access: Access, at: ProjectAddress, policyId: number, filter: ListRequest): Promise<{ total: number; items: ExecutionView[] }> {
    const project = await this.project(access, at, 'read');
    const policy = await this.policy(project, policyId);
    const { total, rows } = await this.deliveries.list(policy.id, filter.query, filter.sort, filter.paging);
    return { total, items: rows.map(executionView) };
  }

  /** Harbor's deprecated job list: the policy's deliveries, those in `statuses` when given. */
  async jobs(access: Access, at: ProjectAddress, policyId: number, filter: ListRequest, statuses: string[]): Promise<{ total: number; items: WebhookJobView[] }> {
    const project = await this.project(access, at, 'list');
    const policy = await this.policy(project, policyId);
    const query = new Map(filter.query);
    if (statuses.length > 0) query.set('status', { kind: 'any', values: statuses });
    const { total, rows } = await this.deliveries.list(policy.id, query, filter.sort, filter.paging);
    return { total, items: rows.map(webhookJobView) };
  }

  async tasks(access: Access, at: ProjectAddress, policyId: number, executionId: number, filter: ListRequest): Promise<{ total: number; items: TaskView[] }> {
    const project = await this.project(access, at, 'read');
    const policy = await this.policy(project, policyId);
    await this.delivery(policy, executionId);
    const { total, rows } = await this.deliveries.tasks(executionId, filter.query, filter.sort, filter.paging);
    return { total, items: rows.map(taskView) };
  }

  async taskLog(access: Access, at: ProjectAddress, policyId: number, executionId: number, taskId: number): Promise<string> {
    const project = await this.project(access, at, 'read');
    const policy = await this.policy(project, policyId);
    await this.delivery(policy, executionId);
    const log = await this.deliveries.taskLog(executionId, taskId);
    if (log === undefined) throw notFound(`task ${taskId} not found in execution ${executionId}`);
    return log;
  }

  async lastTrigger(access: Access, at: ProjectAddress): Promise<WebhookLastTriggerView[]> {
    const project = await this.project(access, at, 'read');
    const policies = await this.policies.all(project.id);
    return lastTriggerViews(policies, await this.policies.lastTriggered(policies.map((p) => p.id)));
  }

  async supportedEventTypes(access: Access, at: ProjectAddress): Promise<SupportedWebhookEventTypes> {
    await this.project(access, at, 'read');
    return {
      event_type: [...SUPPORTED_EVENT_TYPES],
      notify_type: [...NOTIFY_TYPES],
      // Slack messages have their own shape: only http targets choose a format.
      payload_formats: [{ notify_type: 'http', formats: [...PAYLOAD_FORMATS] }],
    };
  }

  /**
   * 400 for a target webhook_allowed_networks refuses, as far as that is known without DNS (an
   * address, localhost, an own service by name); names are checked again, resolved, at every
   * delivery. Targets the policy already had are left to that check, so that a policy saved
   * before the setting changed can still be edited or disabled.
   */
  private async checkReach(targets: readonly WebhookTarget[], kept: readonly WebhookTarget[] = []): Promise<void> {
    const rules = WebhookTargetRules.of((await this.settings.current()).webhook_allowed_networks, this.config.services);
    for (const [i, target] of targets.entries()) {
      if (kept.some((k) => k.address === target.address)) continue;
      const refusal = rules.refusal(targetOfUrl(new URL(target.address)));
      // Not the address itself in the message: a Slack URL is a credential.
      if (refusal) throw badRequest(`targets[${i}].address is refused: ${refusal}`);
    }
  }

  private async delivery(policy: WebhookPolicyRecord, executionId: number): Promise<void> {
    if (!(await this.deliveries.get(policy.id, executionId))) throw notFound(`execution ${executionId} not found in webhook policy ${policy.id}`);
  }
}
