/** Harbor's default prefix of robot account names. */
export const DEFAULT_ROBOT_PREFIX = 'robot$';

/**
 * A robot's login name split up: `robot$<project>+<name>` for a project robot,
 * `robot$<name>` for a system robot. Undefined when `login` is not a robot name.
 */
export function parseRobotName(login: string, prefix = DEFAULT_ROBOT_PREFIX): { project?: string; name: string } | undefined {
  if (!login.startsWith(prefix)) return undefined;
  const rest = login.slice(prefix.length);
  if (rest.length === 0) return undefined;
  const plus = rest.indexOf('+');
  if (plus < 0) return { name: rest };
  if (plus === 0 || plus === rest.length - 1) return undefined;
  return { project: rest.slice(0, plus), name: rest.slice(plus + 1) };
}

export function robotLoginName(name: string, project: string | undefined, prefix = DEFAULT_ROBOT_PREFIX): string {
  return project === undefined ? `${prefix}${name}` : `${prefix}${project}+${name}`;
}
