import { CronExpressionParser } from 'cron-parser';

/**
 * Harbor's cron: six fields, seconds first ("0 0 * * * *" = hourly), evaluated in UTC. The
 * schedule types Hourly/Daily/Weekly are fixed expressions; Custom carries its own.
 */
export type CronType = 'Hourly' | 'Daily' | 'Weekly' | 'Custom';

export const CRON_OF_TYPE: Readonly<Record<Exclude<CronType, 'Custom'>, string>> = {
  Hourly: '0 0 * * * *',
  Daily: '0 0 0 * * *',
  Weekly: '0 0 0 * * 0',
};

/** Why `cron` is not a usable 6-field expression, or null if it is. */
export function cronProblem(cron: string): string | null {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 6) return `cron "${cron}" must have 6 fields (second minute hour day-of-month month day-of-week), it has ${fields.length}`;
  try {
    CronExpressionParser.parse(cron, { tz: 'UTC' });
  } catch (err) {
    return `cron "${cron}" is invalid: ${(err as Error).message}`;
  }
  return null;
}

/** The next time `cron` fires after `from`. */
export function nextCronTime(cron: string, from: Date = new Date()): Date {
  return CronExpressionParser.parse(cron, { tz: 'UTC', currentDate: from }).next().toDate();
}
