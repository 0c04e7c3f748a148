import { MAX_AUDIT_RETENTION_HOUR, type PurgeAuditParameters } from '@wharf/jobs';
import { parseScheduleRequest, type ScheduleRequest } from '../gc/gc-schedule-request';
import { badRequest } from '../http/harbor-error';

/** What a POST/PUT /system/purgeaudit/schedule body asks for. */
export type PurgeScheduleRequest = ScheduleRequest<PurgeAuditParameters>;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Harbor's purge parameters. As Harbor, they are required for every schedule type (None and
 * Manual too), with audit_retention_hour and include_event_types present; unknown keys are
 * ignored. Where Harbor silently runs with a value of the wrong type (a string of hours, a list
 * of event types, which then purge nothing), the request is refused instead; and an
 * audit_retention_hour below -1 (which Harbor would take as a cutoff in the future, purging
 * every row of the included types) is refused too. 0 and -1 are accepted and purge nothing.
 */
export function parsePurgeParameters(raw: unknown): PurgeAuditParameters {
  if (raw === undefined || raw === null) throw badRequest('schedule parameters cannot be empty: audit_retention_hour and include_event_types are required');
  if (!isObject(raw)) throw badRequest('parameters must be an object');
  if (Object.keys(raw).length === 0) throw badRequest('schedule parameters cannot be empty: audit_retention_hour and include_event_types are required');

  const hours = raw['audit_retention_hour'];
  if (hours === undefined) throw badRequest('parameters.audit_retention_hour is required');
  if (typeof hours !== 'number' || !Number.isInteger(hours)) throw badRequest('parameters.audit_retention_hour must be an integer number of hours');
  if (hours > MAX_AUDIT_RETENTION_HOUR) throw badRequest(`parameters.audit_retention_hour must be at most ${MAX_AUDIT_RETENTION_HOUR}`);
  if (hours < -1) throw badRequest('parameters.audit_retention_hour must be -1 (keep everything) or more');

  const types = raw['include_event_types'];
  if (types === undefined) throw badRequest('parameters.include_event_types is required');
  if (typeof types !== 'string') throw badRequest('parameters.include_event_types must be a comma separated string, e.g. "create_artifact,delete_artifact,pull_artifact"');

  const dryRun = raw['dry_run'];
  if (dryRun !== undefined && typeof dryRun !== 'boolean') throw badRequest('parameters.dry_run must be true or false');

  return { audit_retention_hour: hours, include_event_types: types, dry_run: dryRun ?? false };
}

/** Reads Harbor's Schedule body for the audit log purge; a 400 names the first problem. */
export function parsePurgeScheduleRequest(body: unknown): PurgeScheduleRequest {
  return parseScheduleRequest(body, parsePurgeParameters);
}
