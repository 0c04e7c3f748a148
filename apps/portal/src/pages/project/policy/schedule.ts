/**
 * A retention policy's schedule: the trigger's cron (6 fields, seconds first, UTC; "" for none).
 * The fixed kinds are the expressions the server recognises as Hourly, Daily and Weekly; any other
 * expression is a custom one.
 */
export type ScheduleKind = 'none' | 'hourly' | 'daily' | 'weekly' | 'custom';

export const FIXED_CRONS: Readonly<Record<'hourly' | 'daily' | 'weekly', string>> = {
  hourly: '0 0 * * * *',
  daily: '0 0 0 * * *',
  weekly: '0 0 0 * * 0',
};

function normalise(cron: string): string {
  return cron.trim().split(/\s+/).join(' ');
}

export function scheduleKind(cron: string | undefined): ScheduleKind {
  const c = normalise(cron ?? '');
  if (c === '') return 'none';
  const fixed = (Object.entries(FIXED_CRONS) as [ScheduleKind, string][]).find(([, v]) => v === c);
  return fixed ? fixed[0] : 'custom';
}

/** The cron to send for a kind (`custom` is the expression typed). */
export function cronOf(kind: ScheduleKind, custom: string): string {
  if (kind === 'none') return '';
  if (kind === 'custom') return normalise(custom);
  return FIXED_CRONS[kind];
}

/**
 * Why a custom expression cannot be sent, as a key of the retention namespace, or null. Only the
 * shape is checked here; the server checks each field and its answer is shown when it refuses.
 */
export function cronShapeProblem(cron: string): 'schedule.cronFields' | 'schedule.cronChars' | null {
  const fields = normalise(cron).split(' ').filter(Boolean);
  if (fields.length !== 6) return 'schedule.cronFields';
  if (!fields.every((f) => /^[0-9A-Za-z*?/,\-#LW]+$/.test(f))) return 'schedule.cronChars';
  return null;
}
