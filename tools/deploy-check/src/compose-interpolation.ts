/**
 * Compose's variable interpolation in string values: `$$` (a literal `$`), `$NAME`, `${NAME}`,
 * `${NAME:-default}` / `${NAME-default}`, `${NAME:?error}` / `${NAME?error}` and
 * `${NAME:+replacement}` / `${NAME+replacement}`. A colon makes an empty value count as unset.
 */

const REFERENCE = /\$(?:\$|([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?+])([^}]*))?\})/g;

export type Lookup = (name: string) => string | undefined;

/** The value Compose would use, with `lookup` as the environment; errors for `?` on unset. */
export function interpolate(text: string, lookup: Lookup): string {
  return text.replace(REFERENCE, (whole, bare: string | undefined, braced: string | undefined, colon: string | undefined, op: string | undefined, arg: string | undefined) => {
    if (whole === '$$') return '$';
    const name = (bare ?? braced) as string;
    const value = lookup(name);
    const unset = value === undefined || (colon === ':' && value === '');
    switch (op) {
      case '-':
        return unset ? (arg ?? '') : (value as string);
      case '?':
        if (unset) throw new Error(`required variable ${name} is not set${arg ? `: ${arg}` : ''}`);
        return value as string;
      case '+':
        return unset ? '' : (arg ?? '');
      default:
        return value ?? '';
    }
  });
}

/** Names of the variables a string refers to. */
export function variablesIn(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(REFERENCE)) {
    const name = m[1] ?? m[2];
    if (name) names.push(name);
  }
  return names;
}

/** Applies `fn` to every string of a parsed YAML tree (values only; keys are left alone). */
export function mapStrings(value: unknown, fn: (s: string) => string): unknown {
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, fn)]));
  }
  return value;
}

/** Every string of a parsed YAML tree. */
export function stringsIn(value: unknown): string[] {
  const out: string[] = [];
  mapStrings(value, (s) => {
    out.push(s);
    return s;
  });
  return out;
}

/** `KEY=value` lines of an env file (comments and blank lines skipped, surrounding quotes removed). */
export function parseEnvFile(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) throw new Error(`not a KEY=value line: ${JSON.stringify(raw)}`);
    const value = m[2].trim();
    const quoted = /^(['"])(.*)\1$/.exec(value);
    vars.set(m[1], quoted ? quoted[2] : value);
  }
  return vars;
}
