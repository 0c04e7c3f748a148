import { posix } from 'node:path';

/**
 * Just enough of a Dockerfile parser to check references: stages, their base images, COPY
 * sources and destinations, WORKDIR, USER, RUN and the commands (CMD, ENTRYPOINT, HEALTHCHECK).
 * Paths are assumed to contain no spaces (Wharf's never do).
 */

export interface Copy {
  line: number;
  /** `--from` stage name or image; undefined for the build context. */
  from?: string;
  sources: string[];
  /** Absolute destination inside the image. */
  dest: string;
  /** Written as a folder (`dir/`, `.`): sources land inside it. */
  destIsDir: boolean;
}

export interface Stage {
  name?: string;
  base: string;
  copies: Copy[];
  /** RUN instructions as written (shell or exec form text), in order. */
  runs: string[];
  workdir: string;
  user?: string;
  cmd?: string[];
  entrypoint?: string[];
  healthcheck?: string[];
}

export interface Dockerfile {
  stages: Stage[];
}

/** Logical lines: comments dropped, backslash continuations joined. */
function logicalLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let pending = '';
  let start = 0;
  text.split('\n').forEach((raw, i) => {
    const trimmed = raw.trim();
    if (pending === '' && (trimmed === '' || trimmed.startsWith('#'))) return;
    if (pending !== '' && trimmed.startsWith('#')) return;
    if (pending === '') start = i + 1;
    if (trimmed.endsWith('\\')) {
      pending += trimmed.slice(0, -1) + ' ';
      return;
    }
    out.push({ line: start, text: (pending + trimmed).trim() });
    pending = '';
  });
  if (pending.trim() !== '') out.push({ line: start, text: pending.trim() });
  return out;
}

/** Exec form (a JSON array) or shell form (run by /bin/sh -c). */
function commandOf(rest: string): string[] {
  const text = rest.trim();
  if (text.startsWith('[')) {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed) || !parsed.every((p) => typeof p === 'string')) throw new Error(`not an exec-form command: ${text}`);
    return parsed;
  }
  return ['/bin/sh', '-c', text];
}

function substitute(text: string, args: Map<string, string>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, a: string | undefined, b: string | undefined) => args.get((a ?? b) as string) ?? whole);
}

export function parseDockerfile(text: string): Dockerfile {
  const globalArgs = new Map<string, string>();
  const stages: Stage[] = [];
  for (const { line, text: logical } of logicalLines(text)) {
    const m = /^(\S+)\s*(.*)$/s.exec(logical);
    if (!m) continue;
    const keyword = m[1].toUpperCase();
    const rest = m[2];
    const stage = stages[stages.length - 1];
    if (keyword === 'ARG') {
      const arg = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(\S*))?/.exec(rest);
      if (arg && !stage) globalArgs.set(arg[1], arg[2] ?? '');
      continue;
    }
    if (keyword === 'FROM') {
      const from = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/i.exec(rest);
      if (!from) throw new Error(`line ${line}: FROM without an image`);
      stages.push({ base: substitute(from[1], globalArgs), ...(from[2] ? { name: from[2] } : {}), copies: [], runs: [], workdir: '/' });
      continue;
    }
    if (!stage) throw new Error(`line ${line}: ${keyword} before FROM`);
    switch (keyword) {
      case 'WORKDIR':
        stage.workdir = posix.resolve(stage.workdir, rest.trim());
        break;
      case 'USER':
        stage.user = rest.trim();
        break;
      case 'RUN':
        stage.runs.push(rest.replace(/^(?:--\S+\s+)*/, '').trim());
        break;
      case 'CMD':
        stage.cmd = commandOf(rest);
        break;
      case 'ENTRYPOINT':
        stage.entrypoint = commandOf(rest);
        break;
      case 'HEALTHCHECK': {
        const body = rest.replace(/^(?:--\S+\s+)*/, '');
        if (/^NONE\b/i.test(body)) stage.healthcheck = undefined;
        else stage.healthcheck = commandOf(body.replace(/^CMD\s+/i, ''));
        break;
      }
      case 'COPY':
      case 'ADD': {
        const words = rest.trim().split(/\s+/);
        let from: string | undefined;
        while (words.length > 0 && words[0].startsWith('--')) {
          const flag = words.shift() as string;
          if (flag.startsWith('--from=')) from = flag.slice('--from='.length);
        }
        const paths = words.join(' ').startsWith('[') ? commandOf(words.join(' ')) : words;
        if (paths.length < 2) throw new Error(`line ${line}: ${keyword} needs a source and a destination`);
        const dest = paths[paths.length - 1];
        stage.copies.push({
          line,
          ...(from ? { from } : {}),
          sources: paths.slice(0, -1),
          dest: posix.resolve(stage.workdir, dest),
          destIsDir: dest.endsWith('/') || dest === '.' || paths.length > 2,
        });
        break;
      }
      default:
        break;
    }
  }
  return { stages };
}

/** The stage an image is run from: the last one. */
export function finalStage(dockerfile: Dockerfile): Stage {
  const stage = dockerfile.stages[dockerfile.stages.length - 1];
  if (!stage) throw new Error('a Dockerfile without FROM');
  return stage;
}

/**
 * Whether a COPY into `stage` provides the absolute path `path`. A folder source's contents go
 * to the destination; a file source (told by its extension) goes into a folder destination under
 * its own name, or becomes a plain destination.
 */
export function stageProvides(stage: Stage, path: string): boolean {
  const within = (p: string, root: string) => p === root || p.startsWith(`${root}/`);
  return stage.copies.some((c) =>
    c.sources.some((source) => {
      const isFile = /\.[A-Za-z0-9]+$/.test(posix.basename(source));
      const target = isFile && c.destIsDir ? posix.join(c.dest, posix.basename(source)) : c.dest;
      return isFile ? path === target : within(path, target);
    }),
  );
}

/**
 * A .dockerignore matcher: `*` and `?` within a path segment, `**` across segments, `!` to
 * re-include; a pattern that matches a folder excludes everything in it. Last match wins.
 */
export function dockerignoreMatcher(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const include = l.startsWith('!');
      const pattern = posix.normalize((include ? l.slice(1) : l).replace(/^\/+/, '')).replace(/\/+$/, '');
      const regex = pattern
        .split('/')
        .map((segment) =>
          segment === '**'
            ? '(?:.*)'
            : segment.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]'),
        )
        .join('/')
        .replace(/\(\?:\.\*\)\//g, '(?:.*/)?');
      return { include, regex: new RegExp(`^${regex}$`) };
    });
  return (path: string) => {
    const clean = posix.normalize(path).replace(/^\.\//, '').replace(/\/+$/, '');
    const segments = clean.split('/');
    let excluded = false;
    for (let i = 1; i <= segments.length; i++) {
      const prefix = segments.slice(0, i).join('/');
      // What matches a folder holds for everything in it, unless a later rule says otherwise.
      for (const rule of rules) if (rule.regex.test(prefix)) excluded = !rule.include;
    }
    return excluded;
  };
}
