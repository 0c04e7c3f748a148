/**
 * The Clean Up jobs' schedules (garbage collection, audit log purge) as the form edits them and as
 * POST/PUT /system/{gc,purgeaudit}/schedule take them. Crons have six fields, seconds first, and
 * run in UTC; the fixed types use the expressions the API stores for them.
 */

export type ScheduleChoice = 'None' | 'Hourly' | 'Daily' | 'Weekly' | 'Custom';

export const FIXED_CRONS = {
  Hourly: '0 0 * * * *',
  Daily: '0 0 0 * * *',
  Weekly: '0 0 0 * * 0',
} as const satisfies Record<Exclude<ScheduleChoice, 'None' | 'Custom'>, string>;

export interface GcParameters {
  delete_untagged: boolean;
  dry_run?: boolean;
  workers: number;
  /** Hours: what changed more recently is kept. Not edited here, carried over from the schedule. */
  time_window?: number;
}

/** GET /system/{gc,purgeaudit}/schedule: `{}` when there is none. */
export interface ScheduleAnswer {
  id?: number;
  job_parameters?: string;
  schedule?: { type?: string; cron?: string; next_scheduled_time?: string };
}

/** When a job runs, whatever its parameters. */
export interface ScheduleTiming {
  choice: ScheduleChoice;
  cron: string;
  nextRun?: string;
}

export interface ScheduleForm<P = GcParameters> extends ScheduleTiming {
  parameters: P;
}

export const MIN_WORKERS = 1;
export const MAX_WORKERS = 5;
const DEFAULT_PARAMETERS: GcParameters = { delete_untagged: false, workers: 1 };

function normalizeCron(cron: string): string {
  return cron.trim().split(/\s+/).join(' ');
}

/** The choice a stored cron shows as: a fixed type when it is that type's expression, else Custom. */
export function choiceOfCron(cron: string | undefined, type?: string): ScheduleChoice {
  const given = normalizeCron(cron ?? '');
  if (given === '') return 'None';
  for (const [choice, fixed] of Object.entries(FIXED_CRONS)) {
    if (given === fixed) return choice as ScheduleChoice;
  }
  // A fixed type is always stored with its own expression; anything else is a custom cron.
  return type === 'None' ? 'None' : 'Custom';
}

/** The cron a choice stands for; Custom keeps what was typed, None has none. */
export function cronOfChoice(choice: ScheduleChoice, typed: string): string {
  if (choice === 'None') return '';
  if (choice === 'Custom') return normalizeCron(typed);
  return FIXED_CRONS[choice];
}

/** A JSON document kept as a string (job_parameters); anything unreadable is no parameters. */
export function parseJobParameters(text: string | undefined): Record<string, unknown> {
  if (!text) return {};
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function scheduleTimingOf(answer: ScheduleAnswer | undefined): ScheduleTiming {
  const cron = answer?.schedule?.cron ?? '';
  return { choice: choiceOfCron(cron, answer?.schedule?.type), cron: normalizeCron(cron), nextRun: answer?.schedule?.next_scheduled_time };
}

/** GC's schedule and its parameters, the defaults where none are stored. */
export function scheduleFormOf(answer: ScheduleAnswer | undefined): ScheduleForm {
  const stored = parseJobParameters(answer?.job_parameters);
  const parameters: GcParameters = {
    delete_untagged: typeof stored['delete_untagged'] === 'boolean' ? stored['delete_untagged'] : DEFAULT_PARAMETERS.delete_untagged,
    workers: typeof stored['workers'] === 'number' ? stored['workers'] : DEFAULT_PARAMETERS.workers,
  };
  if (typeof stored['time_window'] === 'number') parameters.time_window = stored['time_window'];
  return { ...scheduleTimingOf(answer), parameters };
}

/**
 * Why a typed custom cron cannot be sent, as a key of the reasons the form knows, or null. The API
 * checks each field's range; here only the shape, so that a slip is caught before the round trip.
 */
export function cronShapeProblem(cron: string): 'empty' | 'fields' | 'characters' | null {
  const given = normalizeCron(cron);
  if (given === '') return 'empty';
  const fields = given.split(' ');
  if (fields.length !== 6) return 'fields';
  if (!fields.every((f) => /^[0-9A-Za-z*?/,-]+$/.test(f))) return 'characters';
  return null;
}

/**
 * The body of PUT …/schedule for the form's values. None removes the schedule; GC takes it without
 * parameters, the audit log purge requires them with every type (`parametersWithNone`).
 */
export function scheduleBody<P extends object>(form: Pick<ScheduleForm<P>, 'choice' | 'cron' | 'parameters'>, parametersWithNone = false) {
  if (form.choice === 'None') return parametersWithNone ? { schedule: { type: 'None' }, parameters: { ...form.parameters, dry_run: false } } : { schedule: { type: 'None' } };
  return { schedule: { type: form.choice, cron: cronOfChoice(form.choice, form.cron) }, parameters: { ...form.parameters, dry_run: false } };
}

/** The body of POST …/schedule that runs the job at once (or only reports, with dryRun). */
export function runNowBody<P extends object>(parameters: P, dryRun: boolean) {
  return { schedule: { type: 'Manual' }, parameters: { ...parameters, dry_run: dryRun } };
}
