import { type Execution, type Schedule, VendorType } from '@wharf/jobs';
import { execHistoryView, type ExecHistoryView, type ExecutionRun, scheduleHistoryView } from '../gc/gc-view';

/** The run's parameters, then what it recorded (the purged count; the cron of a scheduled run). */
export function purgeJobParameters(e: Pick<Execution, 'parameters' | 'extraAttrs'>): string {
  return JSON.stringify({ ...e.parameters, ...e.extraAttrs });
}

/** One purge run as Harbor's ExecHistory. */
export function purgeHistoryView(e: ExecutionRun, currentCron?: string): ExecHistoryView {
  return execHistoryView(e, VendorType.PurgeAuditLog, purgeJobParameters(e), currentCron);
}

/**
 * GET /system/purgeaudit/schedule as Harbor answers it: no job name and the cron as job_kind
 * (Harbor's purge handler fills them so, unlike GC's), the schedule's parameters.
 */
export function purgeScheduleView(s: Schedule, now: Date = new Date()): ExecHistoryView {
  return scheduleHistoryView(s, '', s.cron, now);
}
