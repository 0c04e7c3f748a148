import { robotLoginName } from '@wharf/identity';

/** Harbor's robot name rule: lower case, no `+` (it separates project and name in the login). */
const ROBOT_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/** Logins longer than this are refused before any lookup (IdentityStore), so names must fit. */
export const MAX_LOGIN_LENGTH = 255;

/**
 * The longest lifetime accepted, in days. Harbor takes anything below 2^31; PostgreSQL timestamps
 * end in the year 294276, so longer ones could not be stored (and mean "never" anyway: use -1).
 */
export const MAX_ROBOT_DAYS = 100_000_000;

export function robotNameProblem(name: string, project: string | undefined, prefix: string): string | undefined {
  if (!ROBOT_NAME.test(name)) return 'robot name is not in lower case or contains illegal characters (allowed: a-z, 0-9 and single ".", "_" or "-" between them)';
  const login = robotLoginName(name, project, prefix);
  if (login.length > MAX_LOGIN_LENGTH) return `the robot's full name ${login.slice(0, 40)}... is longer than ${MAX_LOGIN_LENGTH} characters`;
  return undefined;
}

/** -1 (never expires) or a number of days; 0 means the system default. */
export function durationProblem(duration: number): string | undefined {
  if (!Number.isInteger(duration) || duration < -1 || duration > MAX_ROBOT_DAYS) {
    return `invalid duration ${duration}: use -1 (never expires), 0 (the system default, robot_token_duration) or a number of days up to ${MAX_ROBOT_DAYS}`;
  }
  return undefined;
}
