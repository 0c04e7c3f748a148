import type { WebhookTarget } from './webhook-policy-input';
import type { DeliveryRecord, DeliveryTaskRecord } from './webhook-deliveries.store';
import type { WebhookPolicyRecord } from './webhook-policy.store';

/** Harbor's WebhookTargetObject as answered: empty auth_header and payload_format are left out, as Harbor does. */
export interface WebhookTargetView {
  type: string;
  address: string;
  auth_header?: string;
  skip_cert_verify: boolean;
  payload_format?: string;
}

/** Harbor's WebhookPolicy. */
export interface WebhookPolicyView {
  id: number;
  name: string;
  description: string;
  project_id: number;
  targets: WebhookTargetView[];
  event_types: string[];
  creator: string;
  creation_time: string;
  update_time: string;
  enabled: boolean;
}

function targetView(t: WebhookTarget): WebhookTargetView {
  return {
    type: t.type,
    address: t.address,
    ...(t.auth_header ? { auth_header: t.auth_header } : {}),
    skip_cert_verify: t.skip_cert_verify,
    ...(t.payload_format ? { payload_format: t.payload_format } : {}),
  };
}

export function webhookPolicyView(r: WebhookPolicyRecord): WebhookPolicyView {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    project_id: r.project_id,
    targets: r.targets.map(targetView),
    event_types: r.event_types,
    creator: r.creator,
    creation_time: r.creation_time.toISOString(),
    update_time: r.update_time.toISOString(),
    enabled: r.enabled,
  };
}

/** Harbor's WebhookLastTrigger. */
export interface WebhookLastTriggerView {
  policy_name: string;
  event_type: string;
  enabled: boolean;
  creation_time: string;
  last_trigger_time?: string;
}

/** One row per policy and event type, with the start of the latest delivery of that type if any. */
export function lastTriggerViews(policies: WebhookPolicyRecord[], lastTriggered: Map<string, Date>): WebhookLastTriggerView[] {
  return policies.flatMap((p) =>
    p.event_types.map((type) => {
      const last = lastTriggered.get(`${p.id} ${type}`);
      return {
        policy_name: p.name,
        event_type: type,
        enabled: p.enabled,
        creation_time: p.creation_time.toISOString(),
        ...(last ? { last_trigger_time: last.toISOString() } : {}),
      };
    }),
  );
}

/** Harbor answers a time not yet reached (a running task's end) as Go's zero time. */
const ZERO_TIME = '0001-01-01T00:00:00Z';
const time = (t: Date | null) => (t ? t.toISOString() : ZERO_TIME);

export interface MetricsView {
  task_count: number;
  success_task_count: number;
  error_task_count: number;
  pending_task_count: number;
  running_task_count: number;
  scheduled_task_count: number;
  stopped_task_count: number;
}

/** Harbor's Execution. */
export interface ExecutionView {
  id: number;
  vendor_type: string;
  vendor_id: number;
  status: string;
  status_message: string;
  metrics: MetricsView;
  trigger: string;
  extra_attrs: Record<string, unknown>;
  start_time: string;
  end_time: string;
}

export function executionView(r: DeliveryRecord): ExecutionView {
  return {
    id: Number(r.id),
    vendor_type: r.vendor_type,
    vendor_id: Number(r.vendor_id),
    status: r.status,
    status_message: r.status_message,
    metrics: {
      task_count: r.task_count,
      success_task_count: r.success_task_count,
      error_task_count: r.error_task_count,
      pending_task_count: r.pending_task_count,
      running_task_count: r.running_task_count,
      scheduled_task_count: 0,
      stopped_task_count: r.stopped_task_count,
    },
    trigger: r.trigger,
    extra_attrs: r.extra_attrs,
    start_time: r.start_time.toISOString(),
    end_time: time(r.end_time),
  };
}

/** Harbor's Task. */
export interface TaskView {
  id: number;
  execution_id: number;
  status: string;
  status_message: string;
  run_count: number;
  extra_attrs: Record<string, unknown>;
  creation_time: string;
  update_time: string;
  start_time: string;
  end_time: string;
}

export function taskView(r: DeliveryTaskRecord): TaskView {
  return {
    id: Number(r.id),
    execution_id: Number(r.execution_id),
    status: r.status,
    status_message: r.status_message,
    run_count: r.run_count,
    extra_attrs: r.extra_attrs,
    creation_time: r.creation_time.toISOString(),
    update_time: r.update_time.toISOString(),
    start_time: time(r.start_time),
    end_time: time(r.end_time),
  };
}

/** Harbor's WebhookJob: a delivery as the deprecated /webhook/jobs API shows it. */
export interface WebhookJobView {
  id: number;
  policy_id: number;
  event_type: string;
  notify_type: string;
  status: string;
  job_detail: string;
  creation_time: string;
  update_time: string;
}

export function webhookJobView(r: DeliveryRecord): WebhookJobView {
  const eventType = r.extra_attrs['event_type'];
  const payload = r.extra_attrs['payload'];
  return {
    id: Number(r.id),
    policy_id: Number(r.vendor_id),
    event_type: typeof eventType === 'string' ? eventType : '',
    notify_type: r.vendor_type === 'SLACK' ? 'slack' : 'http',
    status: r.status,
    job_detail: typeof payload === 'string' ? payload : '',
    creation_time: r.start_time.toISOString(),
    update_time: (r.end_time ?? r.start_time).toISOString(),
  };
}
