import { parseArgs } from 'node:util';

export interface GcBenchOptions {
  /** Unreferenced blobs GC must delete. */
  blobs: number;
  /** Tagged artifacts whose blobs GC must keep. */
  artifacts: number;
  repositories: number;
  /** GC's `workers` parameter (1-5). */
  workers: number;
  distribution: boolean;
  /** Leave the database and both storage trees in place for inspection. */
  keep: boolean;
  markdown: boolean;
  json?: string;
  pgBase: string;
  redisUrl: string;
  /** Before each GC, wait up to this long for other processes to leave the CPUs idle. */
  waitIdleS: number;
  /** Write a CPU profile of the jobservice (node --cpu-prof) into this directory. */
  profileDir?: string;
}

export const GC_USAGE = `usage: npm run bench:gc -- [options]

Builds a registry of unreferenced blobs and tagged artifacts twice, once for Wharf (database rows
and its storage layout) and once in distribution's layout, then times Wharf's garbage collection
(the jobservice, started as its own process) and distribution's \`registry garbage-collect\`.

  --blobs <n>           unreferenced blobs to collect (default 100000, quick 2000)
  --artifacts <n>       tagged artifacts to keep, each a manifest, a config and 2-3 layers
                        (default 10000, quick 200)
  --repositories <n>    repositories holding them (default 100, quick 10)
  --workers <n>         Wharf GC's "workers" parameter, 1-5 (default 5)
  --quick               small sizes, as a self-check (~20 s)
  --no-distribution     skip Debian's docker-registry even when it is installed
  --keep                keep the database and the storage trees (their paths are printed)
  --json <path>         also write the figures as JSON
  --markdown            print markdown tables (for docs/benchmarks.md)
  --pg <url>            PostgreSQL without a database (default postgres://postgres@127.0.0.1:5432,
                        or WHARF_BENCH_PG)
  --redis <url>         Redis for the jobservice (default REDIS_URL or redis://127.0.0.1:6379)
  --wait-idle <s>       wait up to this long for idle CPUs before each GC (default 30, 0: never)
  --profile <dir>       run the jobservice under node --cpu-prof, writing the profile into <dir>
`;

function count(name: string, raw: string | undefined, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new Error(`--${name} must be a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new Error(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function parseGcOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): GcBenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      blobs: { type: 'string' },
      artifacts: { type: 'string' },
      repositories: { type: 'string' },
      workers: { type: 'string' },
      quick: { type: 'boolean', default: false },
      'no-distribution': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      json: { type: 'string' },
      markdown: { type: 'boolean', default: false },
      pg: { type: 'string' },
      redis: { type: 'string' },
      'wait-idle': { type: 'string' },
      profile: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const quick = values.quick === true;
  const artifacts = count('artifacts', values.artifacts, quick ? 200 : 10_000, 1);
  const repositories = count('repositories', values.repositories, quick ? 10 : 100, 1);
  if (repositories > artifacts) throw new Error(`--repositories (${repositories}) cannot exceed --artifacts (${artifacts}): every repository holds an artifact`);
  return {
    blobs: count('blobs', values.blobs, quick ? 2000 : 100_000, 0),
    artifacts,
    repositories,
    workers: count('workers', values.workers, 5, 1, 5),
    distribution: values['no-distribution'] !== true,
    keep: values.keep === true,
    markdown: values.markdown === true,
    json: values.json,
    pgBase: (values.pg ?? env['WHARF_BENCH_PG'] ?? 'postgres://postgres@127.0.0.1:5432').replace(/\/+$/, ''),
    redisUrl: values.redis ?? env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    waitIdleS: count('wait-idle', values['wait-idle'], quick ? 0 : 30, 0),
    profileDir: values.profile,
  };
}
