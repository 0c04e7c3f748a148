/** Webhook policies as the API answers and takes them, and the dialog's values in between. */

export interface WebhookTarget {
  type: string;
  address: string;
  auth_header?: string;
  skip_cert_verify: boolean;
  payload_format?: string;
}

export interface WebhookPolicy {
  id: number;
  name: string;
  description: string;
  project_id: number;
  targets: WebhookTarget[];
  event_types: string[];
  creator: string;
  creation_time: string;
  update_time: string;
  enabled: boolean;
}

/** GET /projects/{id}/webhook/events. */
export interface SupportedEventTypes {
  event_type: string[];
  notify_type: string[];
  payload_formats?: { notify_type: string; formats: string[] }[];
}

export interface WebhookLastTrigger {
  policy_name: string;
  event_type: string;
  enabled: boolean;
  creation_time: string;
  last_trigger_time?: string;
}

export interface Execution {
  id: number;
  status: string;
  status_message: string;
  trigger: string;
  extra_attrs: Record<string, unknown>;
  start_time: string;
  end_time: string;
  metrics?: { task_count: number; success_task_count: number; error_task_count: number };
}

export interface Task {
  id: number;
  execution_id: number;
  status: string;
  status_message: string;
  run_count: number;
  extra_attrs: Record<string, unknown>;
  creation_time: string;
  start_time: string;
  end_time: string;
}

/** What the create/edit dialog edits: one target, as Harbor's console does. */
export interface PolicyFormValues {
  name: string;
  description: string;
  notifyType: string;
  payloadFormat: string;
  address: string;
  authHeader: string;
  verifyRemoteCert: boolean;
  eventTypes: string[];
  enabled: boolean;
}

export function emptyFormValues(supported: SupportedEventTypes | undefined): PolicyFormValues {
  const notifyType = supported?.notify_type.includes('http') ? 'http' : (supported?.notify_type[0] ?? 'http');
  return {
    name: '',
    description: '',
    notifyType,
    payloadFormat: payloadFormatsFor(supported, notifyType)[0] ?? '',
    address: '',
    authHeader: '',
    verifyRemoteCert: true,
    eventTypes: [...(supported?.event_type ?? [])],
    enabled: true,
  };
}

/** A stored policy as the dialog shows it (its first target; the API allows more, the console edits one). */
export function formValuesOf(policy: WebhookPolicy): PolicyFormValues {
  const target = policy.targets[0];
  return {
    name: policy.name,
    description: policy.description ?? '',
    notifyType: target?.type ?? 'http',
    payloadFormat: target?.payload_format ?? '',
    address: target?.address ?? '',
    authHeader: target?.auth_header ?? '',
    verifyRemoteCert: !(target?.skip_cert_verify ?? false),
    eventTypes: [...policy.event_types],
    enabled: policy.enabled,
  };
}

/** The payload formats a notify type may choose (none for Slack, whose messages have their own shape). */
export function payloadFormatsFor(supported: SupportedEventTypes | undefined, notifyType: string): string[] {
  return supported?.payload_formats?.find((p) => p.notify_type === notifyType)?.formats ?? [];
}

/**
 * The body of POST/PUT .../webhook/policies. On edit, the targets after the first are sent back
 * unchanged so that a policy made through the API with several targets keeps them.
 */
export function policyBody(values: PolicyFormValues, supported: SupportedEventTypes | undefined, current?: WebhookPolicy) {
  const formats = payloadFormatsFor(supported, values.notifyType);
  const target: WebhookTarget = {
    type: values.notifyType,
    address: values.address.trim(),
    auth_header: values.notifyType === 'slack' ? '' : values.authHeader,
    skip_cert_verify: !values.verifyRemoteCert,
    payload_format: formats.length > 0 ? (formats.includes(values.payloadFormat) ? values.payloadFormat : formats[0]) : '',
  };
  return {
    name: values.name.trim(),
    description: values.description,
    enabled: values.enabled,
    event_types: values.eventTypes,
    targets: [target, ...(current?.targets.slice(1) ?? [])],
  };
}

/** The latest delivery per policy from GET .../webhook/lasttrigger (one row per policy and event type). */
export function lastTriggerByPolicy(rows: WebhookLastTrigger[] | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const row of rows ?? []) {
    if (!row.last_trigger_time) continue;
    const seen = out.get(row.policy_name);
    if (!seen || Date.parse(row.last_trigger_time) > Date.parse(seen)) out.set(row.policy_name, row.last_trigger_time);
  }
  return out;
}

/**
 * The payload a delivery carried (stored with the execution as JSON text), indented for reading;
 * text that is not JSON is returned as it is. Shown as text only.
 */
export function payloadText(extra: Record<string, unknown> | undefined): string | undefined {
  const raw = extra?.['payload'];
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'string') return JSON.stringify(raw, null, 2);
  try {
    return JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    return raw;
  }
}

/** Harbor answers a time not yet reached as Go's zero time. */
export function isZeroTime(value: string | undefined): boolean {
  return !value || value.startsWith('0001-01-01');
}
