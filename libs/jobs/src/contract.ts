/**
 * The contract between the services that start jobs (core's API, the registry's events) and the
 * jobservice that runs them: vendor types, statuses, queue names and job payloads. Nothing here
 * does I/O.
 */

/** What an execution is a run of; Harbor's names, so API clients see the values they know. */
export enum VendorType {
  GarbageCollection = 'GARBAGE_COLLECTION',
  Retention = 'RETENTION',
  Webhook = 'WEBHOOK',
  PurgeAuditLog = 'PURGE_AUDIT_LOG',
}

export enum ExecutionStatus {
  Pending = 'Pending',
  Running = 'Running',
  Success = 'Success',
  Error = 'Error',
  Stopped = 'Stopped',
}

export const FINAL_STATUSES: readonly ExecutionStatus[] = [ExecutionStatus.Success, ExecutionStatus.Error, ExecutionStatus.Stopped];

export function isFinal(status: string): boolean {
  return (FINAL_STATUSES as readonly string[]).includes(status);
}

export enum Trigger {
  Manual = 'MANUAL',
  Schedule = 'SCHEDULE',
  Event = 'EVENT',
}

/**
 * The operator Harbor names for work no user did by hand: a scheduled run, and what a retention
 * run deletes (Harbor's jobservice deletes through core's API under this name). Kept as Harbor
 * spells it, so that audit filters and webhook consumers written for Harbor match.
 */
export const JOBSERVICE_OPERATOR = 'harbor-jobservice';

/** One BullMQ queue per vendor type, so each gets its own concurrency and retry policy. */
export const QUEUE_OF: Readonly<Record<VendorType, string>> = {
  [VendorType.GarbageCollection]: 'gc',
  [VendorType.Retention]: 'retention',
  [VendorType.Webhook]: 'webhook',
  [VendorType.PurgeAuditLog]: 'purge-audit',
};

/** Default prefix of every Redis key the queues use; tests give each run its own. */
export const DEFAULT_QUEUE_PREFIX = 'wharf';

/** Job names inside a queue. */
export enum JobName {
  /** Run a task that already has its execution and task rows. */
  RunTask = 'run-task',
  /** A schedule fired: create the execution and run it. */
  Scheduled = 'scheduled',
}

export interface RunTaskPayload {
  executionId: string;
  taskId: string;
}

export interface ScheduledPayload {
  scheduleId: string;
}

export type JobPayload = RunTaskPayload | ScheduledPayload;

export function isScheduledPayload(p: JobPayload): p is ScheduledPayload {
  return typeof (p as ScheduledPayload).scheduleId === 'string';
}

/** The scheduler id under which a schedule row is registered with its queue. */
export function schedulerId(scheduleId: string): string {
  return `schedule-${scheduleId}`;
}

/** Redis channel on which a changed schedule is announced (payload: the vendor type). */
export const SCHEDULES_CHANGED_CHANNEL = 'wharf:schedules-changed';

/** GC's parameters, as Harbor's API takes them in `parameters`. */
export interface GcParameters {
  /** Report what would be deleted, delete nothing. */
  dry_run: boolean;
  /** Also delete artifacts that carry no tag (and are not part of an index). */
  delete_untagged: boolean;
  /** How many deletions run in parallel (Harbor: 1-5). */
  workers: number;
  /** Blobs, artifacts and uploads touched more recently than this many hours are kept. */
  time_window: number;
}

export const GC_DEFAULTS: GcParameters = { dry_run: false, delete_untagged: false, workers: 1, time_window: 2 };

/** Audit log purge's parameters, as Harbor's API takes them in `parameters`. */
export interface PurgeAuditParameters {
  /** Rows older than this many hours are purged; 0 and -1 purge nothing (Harbor's "keep all"). */
  audit_retention_hour: number;
  /** Comma separated Harbor event types (create_artifact, login_user, other, ...); empty purges nothing. */
  include_event_types: string;
  /** Count what would be purged, delete nothing. */
  dry_run: boolean;
}

/** Harbor's cap on audit_retention_hour (about 27 years). */
export const MAX_AUDIT_RETENTION_HOUR = 240_000;
