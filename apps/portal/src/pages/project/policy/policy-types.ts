/** The shapes of /retentions and /projects/{id}/immutabletagrules as the API answers and takes them. */

/** A selector of a rule (Harbor's RetentionSelector / ImmutableSelector). */
export interface Selector {
  kind: string;
  decoration: string;
  pattern: string;
  /** JSON such as {"untagged":true} on retention tag selectors; "" otherwise. */
  extras?: string;
}

/** A rule: retention rules and immutable tag rules share this shape. */
export interface PolicyRule {
  id?: number;
  priority: number;
  disabled: boolean;
  action: string;
  template: string;
  params: Record<string, unknown>;
  tag_selectors: Selector[];
  scope_selectors: { repository: Selector[] };
}

export interface RetentionTrigger {
  kind: string;
  settings: { cron: string };
  references?: Record<string, unknown>;
}

export interface RetentionPolicy {
  id: number;
  algorithm: string;
  rules: PolicyRule[];
  trigger: RetentionTrigger;
  scope: { level: string; ref: number };
}

/** POST /retentions and PUT /retentions/{id}: the whole policy. */
export type RetentionPolicyBody = Omit<RetentionPolicy, 'id'> & { id?: number };

export interface RetentionTemplateMetadata {
  rule_template: string;
  display_text: string;
  action: string;
  params: { type: string; unit: string; required: boolean }[];
}

/** GET /retentions/metadatas. */
export interface RetentionMetadata {
  templates: RetentionTemplateMetadata[];
  scope_selectors: { display_text: string; kind: string; decorations: string[] }[];
  tag_selectors: { display_text: string; kind: string; decorations: string[] }[];
}

export interface RetentionExecution {
  id: number;
  policy_id: number;
  start_time: string;
  end_time?: string;
  /** Pending, Running, Success, Error, Stopped. */
  status: string;
  /** MANUAL or SCHEDULE. */
  trigger: string;
  dry_run: boolean;
}

export interface RetentionTask {
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

/** The statuses of a run that has not ended (the ones "Stop" applies to). */
export const ACTIVE_STATUSES: readonly string[] = ['Pending', 'Running'];

export const DOUBLESTAR = 'doublestar';
export const RETAIN_ACTION = 'retain';
export const RETENTION_ALGORITHM = 'or';
export const IMMUTABLE_ACTION = 'immutable';
export const IMMUTABLE_TEMPLATE = 'immutable_template';
/** Harbor's limit of rules in a retention policy and of immutable rules in a project. */
export const MAX_RULES = 15;
