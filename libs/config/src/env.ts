/**
 * Reading a service's settings from environment variables, one variable at a time, failing with the
 * variable's name and what is wrong with it. An empty value counts as unset.
 */
export class EnvError extends Error {
  constructor(key: string, reason: string) {
    super(`invalid ${key}: ${reason}`);
    this.name = 'EnvError';
  }
}

export function envText(env: NodeJS.ProcessEnv, key: string, fallback: string): string {
  const raw = env[key];
  return raw === undefined || raw === '' ? fallback : raw;
}

export function envInt(env: NodeJS.ProcessEnv, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw.trim())) throw new EnvError(key, `"${raw}" is not an integer`);
  const n = Number(raw);
  if (n < min || n > max) throw new EnvError(key, `${n} is not between ${min} and ${max}`);
  return n;
}

export function envOneOf<T extends string>(env: NodeJS.ProcessEnv, key: string, fallback: T, allowed: readonly T[]): T {
  const raw = envText(env, key, fallback);
  if (!(allowed as readonly string[]).includes(raw)) throw new EnvError(key, `"${raw}" is not one of ${allowed.join(', ')}`);
  return raw as T;
}

/** A URL whose scheme is one of `protocols` (given with their colon, e.g. "redis:"). */
export function envUrl(env: NodeJS.ProcessEnv, key: string, fallback: string, protocols: readonly string[]): string {
  const raw = envText(env, key, fallback);
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new EnvError(key, 'not a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) throw new EnvError(key, `the scheme must be one of ${protocols.map((p) => p.replace(/:$/, '')).join(', ')}`);
  return raw;
}
