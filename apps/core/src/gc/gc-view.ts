import { type Execution, nextCronTime, type Schedule, Trigger, VendorType } from '@wharf/jobs';

/** Harbor's ScheduleObj as answered. */
export interface ScheduleObjView {
  type: string;
  cron: string;
  next_scheduled_time?: string;
}

/**
 * Harbor's GCHistory and ExecHistory (the same fields): one run of a system job (GC, audit
 * purge), or (GET …/schedule) its schedule.
 */
export interface ExecHistoryView {
  id: number;
  job_name: string;
  job_kind: string;
  /** A JSON document, as a string: the run's parameters and results. */
  job_parameters: string;
  job_status: string;
  schedule: ScheduleObjView;
  deleted: boolean;
  creation_time: string;
  update_time: string;
}

/**
 * The jobservice records GC's results under Wharf's names; Harbor's console and clients read
 * these names from job_parameters, so both are given.
 */
const HARBOR_RESULT_NAMES: Readonly<Record<string, string>> = {
  bytes_freed: 'freed_space',
  blobs_deleted: 'purged_blobs',
  manifests_deleted: 'purged_manifests',
};

/** What a history entry is made of. */
export type ExecutionRun = Pick<Execution, 'id' | 'trigger' | 'status' | 'parameters' | 'extraAttrs' | 'startTime' | 'updateTime'>;

/** Parameters, then results (which win: they say what the run really did, e.g. dry_run). */
export function gcJobParameters(e: Pick<Execution, 'parameters' | 'extraAttrs'>): string {
  const merged: Record<string, unknown> = { ...e.parameters, ...e.extraAttrs };
  for (const [ours, harbors] of Object.entries(HARBOR_RESULT_NAMES)) {
    if (merged[ours] !== undefined && merged[harbors] === undefined) merged[harbors] = merged[ours];
  }
  return JSON.stringify(merged);
}

/** MANUAL -> Manual, SCHEDULE -> Schedule: ScheduleObj's spelling of a trigger. */
function scheduleTypeOfTrigger(trigger: string): string {
  return trigger.charAt(0).toUpperCase() + trigger.slice(1).toLowerCase();
}

/**
 * The cron that started a scheduled run: the one recorded with it when the jobservice kept it,
 * else `currentCron` (the schedule in force now, which is the one that fired unless it changed since).
 */
export function cronOfRun(e: Pick<Execution, 'trigger' | 'parameters' | 'extraAttrs'>, currentCron?: string): string {
  if (e.trigger !== Trigger.Schedule) return '';
  const recorded = e.extraAttrs['cron'] ?? e.parameters['cron'];
  return typeof recorded === 'string' ? recorded : (currentCron ?? '');
}

/** A run as Harbor's history lists it, under `jobName`, with its parameters written by `jobParameters`. */
export function execHistoryView(e: ExecutionRun, jobName: string, jobParameters: string, currentCron?: string): ExecHistoryView {
  return {
    id: Number(e.id),
    job_name: jobName,
    job_kind: e.trigger,
    job_parameters: jobParameters,
    job_status: e.status,
    schedule: { type: scheduleTypeOfTrigger(e.trigger), cron: cronOfRun(e, currentCron) },
    deleted: false,
    creation_time: e.startTime.toISOString(),
    update_time: e.updateTime.toISOString(),
  };
}

/** A schedule in the history's shape; job name and kind are what each of Harbor's handlers puts there. */
export function scheduleHistoryView(s: Schedule, jobName: string, jobKind: string, now: Date = new Date()): ExecHistoryView {
  return {
    id: Number(s.id),
    job_name: jobName,
    job_kind: jobKind,
    job_parameters: JSON.stringify(s.parameters),
    job_status: '',
    schedule: { type: s.cronType, cron: s.cron, next_scheduled_time: nextCronTime(s.cron, now).toISOString() },
    deleted: false,
    creation_time: s.creationTime.toISOString(),
    update_time: s.updateTime.toISOString(),
  };
}

export function gcHistoryView(e: ExecutionRun, currentCron?: string): ExecHistoryView {
  return execHistoryView(e, VendorType.GarbageCollection, gcJobParameters(e), currentCron);
}

/** GET /system/gc/schedule: the schedule in GCHistory's shape, as Harbor answers it. */
export function gcScheduleView(s: Schedule, now: Date = new Date()): ExecHistoryView {
  return scheduleHistoryView(s, VendorType.GarbageCollection, Trigger.Schedule, now);
}
