/** The parts of a Compose file the checks read. */

export interface ComposeBuild {
  context?: string;
  dockerfile?: string;
}

export interface ComposeVolume {
  type?: string;
  source?: string;
  target?: string;
  read_only?: boolean;
}

export interface ComposeService {
  image?: string;
  build?: string | ComposeBuild;
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  volumes?: (string | ComposeVolume)[];
  ports?: (string | number | { target?: number; published?: number | string })[];
  secrets?: (string | { source: string; target?: string })[];
  user?: string;
}

export interface ComposeFile {
  name?: string;
  services?: Record<string, ComposeService>;
  secrets?: Record<string, { file?: string; environment?: string }>;
  volumes?: Record<string, unknown>;
}

/** A service's environment as name -> value (list entries without `=` have no value). */
export function environmentOf(service: ComposeService): Map<string, string | undefined> {
  const env = new Map<string, string | undefined>();
  const given = service.environment;
  if (Array.isArray(given)) {
    for (const entry of given) {
      const i = entry.indexOf('=');
      if (i < 0) env.set(entry, undefined);
      else env.set(entry.slice(0, i), entry.slice(i + 1));
    }
  } else if (given) {
    for (const [k, v] of Object.entries(given)) env.set(k, v === null ? undefined : String(v));
  }
  return env;
}

/** Short-syntax volume `source:target[:mode]` or long syntax, as one shape. */
export function volumeOf(entry: string | ComposeVolume): { source?: string; target: string; readOnly: boolean } {
  if (typeof entry !== 'string') return { source: entry.source, target: entry.target ?? '', readOnly: entry.read_only === true };
  const parts = entry.split(':');
  if (parts.length === 1) return { target: parts[0], readOnly: false };
  const mode = parts.length > 2 ? parts[2] : '';
  return { source: parts[0], target: parts[1], readOnly: mode.split(',').includes('ro') };
}

export function dependsOn(service: ComposeService): Map<string, string | undefined> {
  const deps = new Map<string, string | undefined>();
  const given = service.depends_on;
  if (Array.isArray(given)) for (const d of given) deps.set(d, undefined);
  else if (given) for (const [k, v] of Object.entries(given)) deps.set(k, v?.condition);
  return deps;
}

/** A command as argv (the shell form split on white space, as Compose does). */
export function argvOf(command: string | string[] | undefined): string[] | undefined {
  if (command === undefined) return undefined;
  return Array.isArray(command) ? command : command.trim().split(/\s+/);
}
