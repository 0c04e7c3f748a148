import { finiteNumber } from './execution-run';
import { parseJobParameters, type ScheduleAnswer, type ScheduleForm, scheduleTimingOf } from './gc-schedule';

/**
 * The audit log purge ("Log Rotation") as its form edits it: how long audit logs are kept, in
 * days or hours, and which event types are purged. POST/PUT /system/purgeaudit/schedule take
 * audit_retention_hour and include_event_types (comma separated) with every schedule type.
 */

export interface PurgeParameters {
  audit_retention_hour: number;
  include_event_types: string;
  dry_run?: boolean;
}

/** The event types the purge offers: the artifact events, and `other` for every other one. */
export const PURGE_EVENT_TYPES = ['create_artifact', 'delete_artifact', 'pull_artifact', 'other'] as const;
export type PurgeEventType = (typeof PURGE_EVENT_TYPES)[number];

export type RetentionUnit = 'days' | 'hours';

/** The API's limit (audit_retention_hour), about 27 years. */
export const MAX_RETENTION_HOURS = 240_000;
const HOURS_PER_DAY = 24;

/** Where nothing is stored yet: a month of the artifact events. */
const DEFAULT_PARAMETERS: PurgeParameters = { audit_retention_hour: 30 * HOURS_PER_DAY, include_event_types: 'create_artifact,delete_artifact,pull_artifact' };

export interface Retention {
  amount: number;
  unit: RetentionUnit;
}

/** Whole days where the hours make whole days, else hours. */
export function retentionOfHours(hours: number): Retention {
  return hours >= HOURS_PER_DAY && hours % HOURS_PER_DAY === 0 ? { amount: hours / HOURS_PER_DAY, unit: 'days' } : { amount: hours, unit: 'hours' };
}

export function hoursOfRetention({ amount, unit }: Retention): number {
  return unit === 'days' ? amount * HOURS_PER_DAY : amount;
}

/** The largest amount the unit allows under the API's limit. */
export function maxRetention(unit: RetentionUnit): number {
  return unit === 'days' ? Math.floor(MAX_RETENTION_HOURS / HOURS_PER_DAY) : MAX_RETENTION_HOURS;
}

/** A stored comma separated list as the form's choices; names the form does not offer are kept as given. */
export function eventTypesOf(text: string): string[] {
  return [...new Set(text.split(',').map((s) => s.trim()).filter(Boolean))];
}

/** The choices as include_event_types, in the order the form lists them (others after them). */
export function eventTypesText(types: readonly string[]): string {
  const known: readonly string[] = PURGE_EVENT_TYPES;
  const ordered = [...PURGE_EVENT_TYPES.filter((e) => types.includes(e)), ...types.filter((e) => !known.includes(e))];
  return [...new Set(ordered)].join(',');
}

/** The stored schedule and its parameters, the defaults where none are stored. */
export function purgeScheduleFormOf(answer: ScheduleAnswer | undefined): ScheduleForm<PurgeParameters> {
  const stored = parseJobParameters(answer?.job_parameters);
  const hours = finiteNumber(stored['audit_retention_hour']);
  const types = stored['include_event_types'];
  return {
    ...scheduleTimingOf(answer),
    parameters: {
      audit_retention_hour: hours !== undefined && Number.isInteger(hours) ? hours : DEFAULT_PARAMETERS.audit_retention_hour,
      include_event_types: typeof types === 'string' ? types : DEFAULT_PARAMETERS.include_event_types,
    },
  };
}

/** What a run purged or, dry, would purge (the jobservice records purged_audit_logs). */
export function purgedCount(jobParameters: string | undefined): number | undefined {
  return finiteNumber(parseJobParameters(jobParameters)['purged_audit_logs']);
}
