import { bool, dateTime, int, type Models, modelRef, object, type Schema, str } from '../openapi/schema';
import { SCHEDULE_OBJ_SCHEMA } from './gc-schedule-request';

/** One run of a system job, or its schedule (see ExecHistoryView). */
const execHistory = object({
  id: int,
  job_name: str,
  job_kind: str,
  job_parameters: { type: 'string', description: 'JSON: parameters and results of the run' },
  schedule: modelRef('ScheduleObj'),
  job_status: str,
  deleted: bool,
  creation_time: dateTime,
  update_time: dateTime,
});

/** GC's and audit purge's history entries (the same fields under two of Harbor's names). */
export const EXEC_HISTORY_MODELS: Models = {
  GCHistory: execHistory,
  ExecHistory: execHistory,
  ScheduleObj: { ...SCHEDULE_OBJ_SCHEMA, required: ['type', 'cron'] },
};

/** GET …/schedule: the schedule as a history entry of `model`, or `{}` when there is none. */
export function scheduleOrEmpty(model: 'GCHistory' | 'ExecHistory'): Schema {
  return { anyOf: [modelRef(model), { type: 'object', maxProperties: 0 }] };
}
