import { type Execution, nextCronTime, type Schedule, VendorType } from '@wharf/jobs';
import { cronOfRun, type ScheduleObjView } from '../gc/gc-view';

/** Harbor's ExecHistory: one purge run, or (GET /system/purgeaudit/schedule) the schedule. */
export interface ExecHistoryView {
  id: number;
  job_name: string;
  job_kind: string;
  /** A JSON document, as a string: the run's parameters and what it purged. */
  job_parameters: string;
  job_status: string;
  schedule: ScheduleObjView;
  deleted: boolean;
  creation_time: string;
  update_time: string;
}

/** What a history entry is made of. */
export type PurgeRun = Pick<Execution, 'id' | 'trigger' | 'status' | 'parameters' | 'extraAttrs' | 'startTime' | 'updateTime'>;

/** MANUAL -> Manual, SCHEDULE -> Schedule (Harbor's ScheduleObj spelling of a trigger). */
function scheduleTypeOfTrigger(trigger: string): string {
  return trigger.charAt(0).toUpperCase() + trigger.slice(1).toLowerCase();
}

/** The run's parameters, then what it recorded (the purged count; the cron of a scheduled run). */
export function purgeJobParameters(e: Pick<Execution, 'parameters' | 'extraAttrs'>): string {
  return JSON.stringify({ ...e.parameters, ...e.extraAttrs });
}

export function purgeHistoryView(e: PurgeRun, currentCron?: string): ExecHistoryView {
  return {
    id: Number(e.id),
    job_name: VendorType.PurgeAuditLog,
    job_kind: e.trigger,
    job_parameters: purgeJobParameters(e),
    job_status: e.status,
    schedule: { type: scheduleTypeOfTrigger(e.trigger), cron: cronOfRun(e, currentCron) },
    deleted: false,
    creation_time: e.startTime.toISOString(),
    update_time: e.updateTime.toISOString(),
  };
}

/**
 * GET /system/purgeaudit/schedule as Harbor answers it: no job name and the cron as job_kind
 * (Harbor's purge handler fills them so, unlike GC's), the schedule's parameters.
 */
export function purgeScheduleView(s: Schedule, now: Date = new Date()): ExecHistoryView {
  return {
    id: Number(s.id),
    job_name: '',
    job_kind: s.cron,
    job_parameters: JSON.stringify(s.parameters),
    job_status: '',
    schedule: { type: s.cronType, cron: s.cron, next_scheduled_time: nextCronTime(s.cron, now).toISOString() },
    deleted: false,
    creation_time: s.creationTime.toISOString(),
    update_time: s.updateTime.toISOString(),
  };
}
