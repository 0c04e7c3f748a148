import { type Execution, ExecutionStatus } from '@wharf/jobs';
import { RETAIN_ACTION, RETENTION_TEMPLATES } from '@wharf/policy';
import { type RuleView, ruleView } from '../policies/rule-view';
import { SCOPE_LEVEL, type RetentionTrigger } from './retention-policy-input';
import type { RepositoryTaskRecord, RetentionPolicyRecord } from './retention.store';

/** Harbor's RetentionPolicy. */
export interface RetentionPolicyView {
  id: number;
  algorithm: string;
  rules: RuleView[];
  trigger: RetentionTrigger;
  scope: { level: string; ref: number };
}

/** Harbor's RetentionExecution. */
export interface RetentionExecutionView {
  id: number;
  policy_id: number;
  start_time: string;
  end_time?: string;
  status: string;
  trigger: string;
  dry_run: boolean;
}

/** Harbor's RetentionExecutionTask: one repository of a run. */
export interface RetentionTaskView {
  id: number;
  execution_id: number;
  repository: string;
  job_id: string;
  status: string;
  status_code: number;
  status_revision: number;
  start_time?: string;
  end_time?: string;
  total: number;
  retained: number;
}

export function retentionPolicyView(p: RetentionPolicyRecord): RetentionPolicyView {
  return {
    id: Number(p.id),
    algorithm: p.algorithm,
    rules: p.rules.map(ruleView),
    trigger: { kind: p.trigger.kind ?? 'Schedule', settings: { cron: p.trigger.settings?.cron ?? '' }, references: {} },
    scope: { level: SCOPE_LEVEL, ref: p.project_id },
  };
}

export function retentionExecutionView(e: Execution): RetentionExecutionView {
  return {
    id: Number(e.id),
    policy_id: Number(e.vendorId),
    start_time: e.startTime.toISOString(),
    ...(e.endTime ? { end_time: e.endTime.toISOString() } : {}),
    status: e.status,
    trigger: e.trigger,
    dry_run: e.parameters['dry_run'] === true,
  };
}

/** Harbor's job status codes: waiting 0, running 2, ended (whichever way) 3. */
const STATUS_CODE: Readonly<Record<string, number>> = {
  [ExecutionStatus.Pending]: 0,
  [ExecutionStatus.Running]: 2,
  [ExecutionStatus.Stopped]: 3,
  [ExecutionStatus.Error]: 3,
  [ExecutionStatus.Success]: 3,
};

export function retentionTaskView(t: RepositoryTaskRecord, jobId: string): RetentionTaskView {
  return {
    id: Number(t.id),
    execution_id: Number(t.execution_id),
    repository: t.repository,
    job_id: jobId,
    status: t.status,
    status_code: STATUS_CODE[t.status] ?? 0,
    status_revision: t.status_revision,
    ...(t.start_time ? { start_time: t.start_time.toISOString() } : {}),
    ...(t.end_time ? { end_time: t.end_time.toISOString() } : {}),
    total: t.total,
    retained: t.retained,
  };
}

/** Harbor's RetentionMetadata: the templates and selectors a policy's rules may use. */
export const RETENTION_METADATA = {
  templates: RETENTION_TEMPLATES.map((t) => ({
    rule_template: t.template,
    display_text: t.displayText,
    action: RETAIN_ACTION,
    params: t.unit === null ? [] : [{ type: 'int', unit: t.unit, required: true }],
  })),
  scope_selectors: [{ display_text: 'Repositories', kind: 'doublestar', decorations: ['repoMatches', 'repoExcludes'] }],
  tag_selectors: [{ display_text: 'Tags', kind: 'doublestar', decorations: ['matches', 'excludes'] }],
};
