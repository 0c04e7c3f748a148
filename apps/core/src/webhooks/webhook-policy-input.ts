import { EventType } from '@wharf/jobs';
import { badRequest } from '../http/harbor-error';
import type { WebhookPolicyDto, WebhookTargetDto } from './dto/webhook-policy.dto';

/** The event types a policy may subscribe to: those the services announce. */
export const SUPPORTED_EVENT_TYPES: readonly string[] = Object.values(EventType);
export const NOTIFY_TYPES = ['http', 'slack'] as const;
export type NotifyType = (typeof NOTIFY_TYPES)[number];
export const PAYLOAD_FORMATS = ['Default', 'CloudEvents'] as const;

/** Each target is notified of each event: a bound on the fan-out one event can cause. */
export const MAX_TARGETS = 10;
const MAX_NAME = 256;
const MAX_DESCRIPTION = 1024;
const MAX_ADDRESS = 2048;
const MAX_AUTH_HEADER = 4096;

/** A target as stored and answered. */
export interface WebhookTarget {
  type: NotifyType;
  address: string;
  auth_header: string;
  skip_cert_verify: boolean;
  /** "Default" or "CloudEvents" for http targets, "" for Slack (its format is its own). */
  payload_format: string;
}

/** A policy's settable fields, checked and normalised. */
export interface PolicyFields {
  name: string;
  description: string;
  enabled: boolean;
  eventTypes: string[];
  targets: WebhookTarget[];
}

/** Where the request was addressed, to check the body's read-only fields against. */
export interface PolicyTarget {
  projectId: number;
  /** The policy being replaced (PUT), undefined on create. */
  policyId?: number;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function checkName(name: string): string {
  if (name.trim() === '') throw badRequest('name must not be empty');
  if (name.length > MAX_NAME) throw badRequest(`name must have at most ${MAX_NAME} characters`);
  if (CONTROL.test(name)) throw badRequest('name must not contain control characters');
  return name;
}

/**
 * An http(s) URL to POST to. Credentials in the URL are refused (they belong in auth_header,
 * which records never show), and so are a query and a fragment: Harbor drops them to keep
 * requests to the address predictable, and a client must not believe they would be sent.
 */
export function addressProblem(address: string): string | undefined {
  if (address.length > MAX_ADDRESS) return `must have at most ${MAX_ADDRESS} characters`;
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http or https URL';
  if (url.hostname === '') return 'has no host';
  if (url.username || url.password) return 'must not carry credentials: put them in auth_header';
  if (url.search || url.hash || address.includes('?') || address.includes('#')) return 'must not have a query or a fragment';
  return undefined;
}

function checkTarget(t: WebhookTargetDto, i: number): WebhookTarget {
  const where = `targets[${i}]`;
  if (t.type === undefined || !(NOTIFY_TYPES as readonly string[]).includes(t.type)) {
    throw badRequest(`${where}.type must be one of ${NOTIFY_TYPES.join(', ')}`);
  }
  const type = t.type as NotifyType;
  if (t.address === undefined || t.address.trim() === '') throw badRequest(`${where}.address is required`);
  const address = t.address.trim();
  const problem = addressProblem(address);
  if (problem) throw badRequest(`${where}.address ${problem}`);
  const authHeader = t.auth_header ?? '';
  if (authHeader.length > MAX_AUTH_HEADER) throw badRequest(`${where}.auth_header must have at most ${MAX_AUTH_HEADER} characters`);
  // A line break would let the value add headers of its own to the request.
  if (CONTROL.test(authHeader.replace(/\t/g, ''))) throw badRequest(`${where}.auth_header must not contain line breaks or control characters`);
  let format = t.payload_format ?? '';
  if (type === 'slack') {
    if (format !== '') throw badRequest(`${where}.payload_format cannot be set for a slack target`);
  } else {
    format ||= 'Default';
    if (!(PAYLOAD_FORMATS as readonly string[]).includes(format)) throw badRequest(`${where}.payload_format must be one of ${PAYLOAD_FORMATS.join(', ')}`);
  }
  return { type, address, auth_header: authHeader, skip_cert_verify: t.skip_cert_verify ?? false, payload_format: format };
}

function checkTargets(targets: WebhookTargetDto[]): WebhookTarget[] {
  if (targets.length === 0) throw badRequest('targets needs at least one target');
  if (targets.length > MAX_TARGETS) throw badRequest(`targets takes at most ${MAX_TARGETS} targets`);
  const checked = targets.map(checkTarget);
  const seen = new Set<string>();
  for (const [i, t] of checked.entries()) {
    const key = `${t.type} ${t.address}`;
    if (seen.has(key)) throw badRequest(`targets[${i}] repeats the ${t.type} target ${t.address}`);
    seen.add(key);
  }
  return checked;
}

function checkEventTypes(types: string[]): string[] {
  if (types.length === 0) throw badRequest('event_types needs at least one event type');
  for (const type of types) {
    if (!SUPPORTED_EVENT_TYPES.includes(type)) throw badRequest(`unsupported event type ${JSON.stringify(type)} (supported: ${SUPPORTED_EVENT_TYPES.join(', ')})`);
  }
  return [...new Set(types)];
}

/**
 * The policy a POST (no `current`) or PUT (`current` is the stored policy) asks for; 400 naming the
 * field when it cannot be used. On PUT, fields left out keep their values, so both Harbor's console
 * (the whole policy, `enabled` flipped) and `{"enabled": false}` work.
 */
export function policyFromRequest(body: WebhookPolicyDto, target: PolicyTarget, current?: PolicyFields): PolicyFields {
  // The validation pipe hands primitives (a JSON string or number as the body) through unchecked.
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('the request body must be a JSON object (a WebhookPolicy)');
  if (body.project_id !== undefined && body.project_id !== null && body.project_id !== target.projectId) {
    throw badRequest(`project_id ${body.project_id} is not the project of the path (${target.projectId})`);
  }
  if (target.policyId !== undefined && body.id !== undefined && body.id !== null && body.id !== target.policyId) {
    throw badRequest(`id ${body.id} is not the policy of the path (${target.policyId})`);
  }
  if (!current) {
    if (body.name === undefined) throw badRequest('name is required');
    if (body.event_types === undefined) throw badRequest('event_types is required: at least one of ' + SUPPORTED_EVENT_TYPES.join(', '));
    if (body.targets === undefined) throw badRequest('targets is required: at least one {"type": "http", "address": ...}');
  }
  const description = body.description ?? current?.description ?? '';
  if (description.length > MAX_DESCRIPTION) throw badRequest(`description must have at most ${MAX_DESCRIPTION} characters`);
  return {
    name: body.name !== undefined ? checkName(body.name) : (current as PolicyFields).name,
    description,
    enabled: body.enabled ?? current?.enabled ?? true,
    eventTypes: body.event_types !== undefined ? checkEventTypes(body.event_types) : (current as PolicyFields).eventTypes,
    targets: body.targets !== undefined ? checkTargets(body.targets) : (current as PolicyFields).targets,
  };
}
