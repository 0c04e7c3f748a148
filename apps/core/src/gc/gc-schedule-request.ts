import { CRON_OF_TYPE, cronProblem, type CronType, GC_DEFAULTS, type GcParameters } from '@wharf/jobs';
import { badRequest } from '../http/harbor-error';

/** Harbor's ScheduleObj.type values. "Schedule" is a custom cron under Harbor's other name. */
export const SCHEDULE_TYPES = ['Manual', 'None', 'Hourly', 'Daily', 'Weekly', 'Custom', 'Schedule'] as const;
export type ScheduleType = (typeof SCHEDULE_TYPES)[number];

/** OpenAPI schema of Harbor's ScheduleObj. */
export const SCHEDULE_OBJ_SCHEMA = {
  type: 'object' as const,
  properties: {
    type: { type: 'string', enum: [...SCHEDULE_TYPES] },
    cron: { type: 'string', description: '6 fields, seconds first, UTC; required for Custom and Schedule' },
    next_scheduled_time: { type: 'string', format: 'date-time', readOnly: true },
  },
};

/** Harbor's GC workers range. */
export const MIN_GC_WORKERS = 1;
export const MAX_GC_WORKERS = 5;

/** What a POST/PUT .../schedule body (Harbor's Schedule) asks for, with the job's parameters P. */
export type ScheduleRequest<P> =
  | { action: 'run'; parameters: P }
  | { action: 'remove' }
  | { action: 'schedule'; cronType: CronType; cron: string; parameters: P };

/** What a POST/PUT /system/gc/schedule body asks for. */
export type GcScheduleRequest = ScheduleRequest<GcParameters>;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Missing keys take GC's defaults, unknown ones are ignored (as Harbor does), and a known one of the wrong type is refused. */
export function parseGcParameters(raw: unknown): GcParameters {
  if (raw === undefined || raw === null) return { ...GC_DEFAULTS };
  if (!isObject(raw)) throw badRequest('parameters must be an object');
  const parameters = { ...GC_DEFAULTS };
  for (const key of ['dry_run', 'delete_untagged'] as const) {
    const value = raw[key];
    if (value === undefined) continue;
    if (typeof value !== 'boolean') throw badRequest(`parameters.${key} must be true or false`);
    parameters[key] = value;
  }
  if (raw['workers'] !== undefined) {
    const workers = raw['workers'];
    if (typeof workers !== 'number' || !Number.isInteger(workers) || workers < MIN_GC_WORKERS || workers > MAX_GC_WORKERS) {
      throw badRequest(`parameters.workers must be an integer from ${MIN_GC_WORKERS} to ${MAX_GC_WORKERS}`);
    }
    parameters.workers = workers;
  }
  if (raw['time_window'] !== undefined) {
    const hours = raw['time_window'];
    if (typeof hours !== 'number' || !Number.isFinite(hours) || hours < 0) throw badRequest('parameters.time_window must be a number of hours, 0 or more');
    parameters.time_window = hours;
  }
  return parameters;
}

function parseCron(type: ScheduleType, raw: unknown): { cronType: CronType; cron: string } {
  if (raw !== undefined && raw !== null && typeof raw !== 'string') throw badRequest('schedule.cron must be a string');
  const given = typeof raw === 'string' ? raw.trim().split(/\s+/).join(' ') : '';
  if (type === 'Hourly' || type === 'Daily' || type === 'Weekly') {
    const fixed = CRON_OF_TYPE[type];
    // A different time under a fixed type would be run at the fixed time, not the asked one: refused.
    if (given !== '' && given !== fixed) throw badRequest(`a ${type} schedule runs at "${fixed}"; use type Custom for cron "${given}"`);
    return { cronType: type, cron: fixed };
  }
  if (given === '') throw badRequest(`a ${type} schedule needs a cron (6 fields, seconds first)`);
  const problem = cronProblem(given);
  if (problem) throw badRequest(problem);
  return { cronType: 'Custom', cron: given };
}

/**
 * Reads Harbor's Schedule body: `{"schedule": {"type", "cron"}, "parameters": {...}}`, the
 * parameters (of every type, None included, as Harbor reads them) through `parseParameters`.
 * Throws a 400 naming the first problem; nothing is half-applied because nothing is applied here.
 */
export function parseScheduleRequest<P>(body: unknown, parseParameters: (raw: unknown) => P): ScheduleRequest<P> {
  if (body === undefined || body === null || body === '') throw badRequest('the request body is required: {"schedule": {"type": ..., "cron": ...}, "parameters": {...}}');
  if (!isObject(body)) throw badRequest('the request body must be a JSON object');
  const schedule = body['schedule'];
  if (!isObject(schedule)) throw badRequest('schedule is required and must be an object with a type');
  const type = schedule['type'];
  if (typeof type !== 'string' || !(SCHEDULE_TYPES as readonly string[]).includes(type)) {
    throw badRequest(`schedule.type must be one of ${SCHEDULE_TYPES.join(', ')}`);
  }
  const parameters = parseParameters(body['parameters']);
  switch (type as ScheduleType) {
    case 'Manual':
      return { action: 'run', parameters };
    case 'None':
      return { action: 'remove' };
    default:
      return { action: 'schedule', ...parseCron(type as ScheduleType, schedule['cron']), parameters };
  }
}

/**
 * A Schedule body that sets a cron schedule without any "parameters" (a client sending back what
 * GET .../schedule answered, which carries them only as the job_parameters text) keeps the stored
 * schedule's parameters; any other body is left as it is.
 */
export function withStoredParameters(body: unknown, stored: Record<string, unknown> | undefined): unknown {
  if (!stored || !isObject(body) || body['parameters'] !== undefined || !isObject(body['schedule'])) return body;
  const type = body['schedule']['type'];
  return type === 'Manual' || type === 'None' ? body : { ...body, parameters: stored };
}

/** GC's Schedule body; see parseScheduleRequest. */
export function parseGcScheduleRequest(body: unknown): GcScheduleRequest {
  return parseScheduleRequest(body, parseGcParameters);
}
