import type { ChainableCommander } from 'ioredis';

/**
 * Artifact events: what the registry (and core, and jobs) announce on Redis for whoever reacts to
 * them (webhooks now; scan-on-push and replication later). One Redis stream per installation,
 * `<queue prefix>:events`, trimmed to about EVENTS_MAX_LENGTH entries; each entry has one field,
 * `event`, holding the JSON of an ArtifactEvent. Consumers read it with consumer groups, so each
 * event is handled once per group however many processes read.
 */
export enum EventType {
  PushArtifact = 'PUSH_ARTIFACT',
  PullArtifact = 'PULL_ARTIFACT',
  DeleteArtifact = 'DELETE_ARTIFACT',
  QuotaExceed = 'QUOTA_EXCEED',
  QuotaWarning = 'QUOTA_WARNING',
  TagRetention = 'TAG_RETENTION',
}

export const EVENTS_MAX_LENGTH = 100_000;

export function eventsStream(prefix: string): string {
  return `${prefix}:events`;
}

export interface ArtifactEvent {
  type: EventType;
  /** Milliseconds since the epoch, when it happened. */
  occurAt: number;
  /** Who did it (user or robot name; "anonymous" for public pulls). */
  operator: string;
  /** Full repository name, project first. */
  repository: string;
  /** The manifest's digest, when known. */
  digest?: string;
  /** The tag the request named, if it named one. */
  tag?: string;
  /** Every tag a deleted artifact had (Harbor's payload names each as a resource). */
  tags?: string[];
  mediaType?: string;
  /** Bytes of the manifest. */
  size?: number;
  /** Free text (e.g. why a quota refused a push). */
  message?: string;
  /** TAG_RETENTION only: what the run did. */
  retention?: RetentionFigures;
}

/**
 * Harbor's figures of a retention run (its webhook's event_data.retention, less what the webhook
 * adds: harbor_hostname and project_name).
 */
export interface RetentionFigures {
  total: number;
  retained: number;
  retention_policy_id: number;
  retention_rule: { template: string; params: Record<string, unknown>; tag_selectors: unknown[]; scope_selectors: Record<string, unknown[]> }[];
  /** SUCCESS, ERROR or STOPPED. */
  result: string;
  /** The artifacts deleted, by `<repository in project>:<first tag>` or `<repository in project>@<digest>`. */
  deleted_artifact: { type: string; status: string; name_tag: string }[];
}

/**
 * Queues one XADD per event on `pipeline`: the one way anything writes the stream (the registry's
 * batches, the jobservice's runs).
 */
export function addEvents(pipeline: ChainableCommander, prefix: string, events: readonly ArtifactEvent[]): void {
  for (const e of events) pipeline.xadd(eventsStream(prefix), 'MAXLEN', '~', EVENTS_MAX_LENGTH, '*', 'event', JSON.stringify(e));
}

/** The project a repository belongs to (its first path component). */
export function projectOfRepository(repository: string): string {
  const slash = repository.indexOf('/');
  return slash < 0 ? repository : repository.slice(0, slash);
}
