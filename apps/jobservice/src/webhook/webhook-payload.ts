import { type ArtifactEvent, EventType } from '@wharf/jobs';
import { artifactName } from '@wharf/oci';

/**
 * What a webhook sends, built from an artifact event: Harbor's payload ("Default" format) and its
 * CloudEvents and Slack renderings. Pure functions: the event consumer builds the payload once
 * (it is stored with the delivery, so every retry sends the same), the runner renders it per target.
 */

export type NotifyType = 'http' | 'slack';
export type PayloadFormat = 'Default' | 'CloudEvents';

/** One target of a policy, as stored in webhook_policy.targets. */
export interface WebhookTarget {
  type: string;
  address: string;
  auth_header?: string;
  skip_cert_verify?: boolean;
  payload_format?: string;
}

export interface PayloadResource {
  digest?: string;
  tag: string;
  resource_url?: string;
}

export interface PayloadRepository {
  date_created?: number;
  name: string;
  namespace: string;
  repo_full_name: string;
  repo_type: 'public' | 'private';
}

export interface EventData {
  resources?: PayloadResource[];
  repository?: PayloadRepository;
  retention?: Record<string, unknown>;
  custom_attributes?: Record<string, string>;
}

/** Harbor's webhook payload. */
export interface HarborPayload {
  type: string;
  /** Seconds since the epoch. */
  occur_at: number;
  operator: string;
  event_data: EventData;
}

/** What the payload needs besides the event. */
export interface PayloadContext {
  project: { name: string; public: boolean };
  /** When the repository was created; unknown once it is gone (e.g. after its last delete). */
  repositoryCreated?: Date;
  /** host[:port] clients pull from: resource_url starts with it. */
  registryHost: string;
}

const seconds = (ms: number) => Math.floor(ms / 1000);

/** "lib/tools/app" -> "tools/app": the repository's name inside its project. */
function nameInProject(repository: string): string {
  const slash = repository.indexOf('/');
  return slash < 0 ? '' : repository.slice(slash + 1);
}

/** Where clients pull the artifact from: `host/repo:tag` or `host/repo@digest`. */
export function resourceUrl(host: string, repository: string, reference: string): string {
  return `${host}/${artifactName(repository, reference)}`;
}

function repositoryOf(event: ArtifactEvent, ctx: PayloadContext, withCreation: boolean): PayloadRepository {
  return {
    ...(withCreation && ctx.repositoryCreated ? { date_created: seconds(ctx.repositoryCreated.getTime()) } : {}),
    name: nameInProject(event.repository),
    namespace: ctx.project.name,
    repo_full_name: event.repository,
    repo_type: ctx.project.public ? 'public' : 'private',
  };
}

/**
 * Harbor's retention block: the run's figures, as the retention runner put them on the event,
 * with the host and project Harbor adds. An event without them (none is published so) gives zeros.
 */
function retentionData(event: ArtifactEvent, ctx: PayloadContext): Record<string, unknown> {
  const figures = event.retention;
  return {
    total: figures?.total ?? 0,
    retained: figures?.retained ?? 0,
    harbor_hostname: ctx.registryHost.replace(/:\d+$/, ''),
    project_name: ctx.project.name,
    ...(figures ? { retention_policy_id: figures.retention_policy_id, retention_rule: figures.retention_rule } : {}),
    result: figures?.result ?? 'SUCCESS',
    deleted_artifact: figures?.deleted_artifact ?? [],
  };
}

function eventData(event: ArtifactEvent, ctx: PayloadContext): EventData {
  switch (event.type) {
    case EventType.QuotaExceed:
    case EventType.QuotaWarning: {
      // Harbor names the artifact that crossed the line (no URL: it was refused) and says why.
      const data: EventData = { repository: repositoryOf(event, ctx, false), custom_attributes: { Details: event.message ?? '' } };
      if (event.digest || event.tag) data.resources = [{ ...(event.digest ? { digest: event.digest } : {}), tag: event.tag ?? '' }];
      return data;
    }
    case EventType.TagRetention:
      return { retention: retentionData(event, ctx) };
    default: {
      const data: EventData = { repository: repositoryOf(event, ctx, true) };
      // Harbor's "tag" is the reference the client used: the tag, else the digest. An artifact the
      // API deleted is named once per tag it had, as Harbor does.
      const references = event.tags && event.tags.length > 0 ? event.tags : [event.tag ?? event.digest].filter((r): r is string => r !== undefined);
      if (references.length > 0) {
        data.resources = references.map((reference) => ({
          ...(event.digest ? { digest: event.digest } : {}),
          tag: reference,
          resource_url: resourceUrl(ctx.registryHost, event.repository, reference),
        }));
      }
      return data;
    }
  }
}

export function buildPayload(event: ArtifactEvent, ctx: PayloadContext): HarborPayload {
  return { type: event.type, occur_at: seconds(event.occurAt), operator: event.operator, event_data: eventData(event, ctx) };
}

/** Harbor's CloudEvents types. */
const CLOUD_EVENT_TYPES: Readonly<Record<string, string>> = {
  [EventType.PushArtifact]: 'harbor.artifact.pushed',
  [EventType.PullArtifact]: 'harbor.artifact.pulled',
  [EventType.DeleteArtifact]: 'harbor.artifact.deleted',
  [EventType.QuotaExceed]: 'harbor.quota.exceeded',
  [EventType.QuotaWarning]: 'harbor.quota.warned',
  [EventType.TagRetention]: 'harbor.tag_retention.finished',
  SCANNING_COMPLETED: 'harbor.scan.completed',
  SCANNING_FAILED: 'harbor.scan.failed',
  SCANNING_STOPPED: 'harbor.scan.stopped',
  REPLICATION: 'harbor.replication.status.changed',
};

export function cloudEventType(type: string): string {
  return CLOUD_EVENT_TYPES[type] ?? `harbor.${type.toLowerCase()}`;
}

/** Where a delivery comes from, for the CloudEvents envelope. */
export interface DeliveryOrigin {
  projectId: number;
  policyId: number;
  /** The event's id on the event stream: the same for every target and every retry. */
  eventId: string;
}

export interface RenderedDelivery {
  contentType: string;
  body: string;
}

const rfc3339 = (secondsSinceEpoch: number) => new Date(secondsSinceEpoch * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

function cloudEvent(payload: HarborPayload, origin: DeliveryOrigin): Record<string, unknown> {
  return {
    specversion: '1.0',
    id: origin.eventId,
    source: `/projects/${origin.projectId}/webhook/policies/${origin.policyId}`,
    type: cloudEventType(payload.type),
    datacontenttype: 'application/json',
    time: rfc3339(payload.occur_at),
    data: payload.event_data,
    operator: payload.operator,
  };
}

/** A Slack incoming-webhook message: the event's fields, then its data as a code block. */
export function slackText(payload: HarborPayload): string {
  const fallback = new Date(payload.occur_at * 1000).toISOString();
  return [
    '*Harbor webhook events*',
    `*event_type:* ${payload.type}`,
    `*occur_at:* <!date^${payload.occur_at}^{date} at {time}|${fallback}>`,
    `*operator:* ${payload.operator}`,
    '*event_data:*',
    '```' + JSON.stringify(payload.event_data, null, 2) + '```',
  ].join('\n');
}

/** The request body a target receives. */
export function renderDelivery(target: Pick<WebhookTarget, 'type' | 'payload_format'>, payload: HarborPayload, origin: DeliveryOrigin): RenderedDelivery {
  if (target.type === 'slack') return { contentType: 'application/json', body: JSON.stringify({ text: slackText(payload) }) };
  if (target.payload_format === 'CloudEvents') return { contentType: 'application/cloudevents+json', body: JSON.stringify(cloudEvent(payload, origin)) };
  return { contentType: 'application/json', body: JSON.stringify(payload) };
}

/**
 * An auth header as records may show it: the scheme word stays ("Bearer ******"), the secret
 * never does.
 */
export function maskAuthHeader(header: string | undefined): string {
  if (!header) return '';
  const scheme = /^([A-Za-z][A-Za-z0-9._-]*)\s+\S/.exec(header);
  return scheme ? `${scheme[1]} ******` : '******';
}
