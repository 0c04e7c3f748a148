import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ScenarioId, SCENARIOS } from './results';

export interface BenchOptions {
  /** Render a saved `--json` report instead of running. */
  report?: string;
  url?: string;
  /** RSS/CPU of an already running server (with --url). */
  pid?: number;
  quick: boolean;
  json?: string;
  markdown: boolean;
  distribution: boolean;
  nginx: boolean;
  /** Also pull through Wharf's nginx gateway (X-Accel-Redirect blob offload). */
  gateway: boolean;
  /** Also measure Wharf as install.sh installs it (gateway, core, token auth). */
  installed: boolean;
  /** The checkout whose installer installs it (default: this one), e.g. an older build. */
  installedFrom?: string;
  blobBytes: number;
  chunkBytes: number;
  iterations: number;
  durationS: number;
  warmupS: number;
  concurrency: number;
  images: number;
  pushConcurrency: number;
  loadThreads: number;
  loadGenerator: 'wrk' | 'node';
  wharfWorkers?: number;
  pgBase: string;
  /** Before each measurement, wait up to this long for other processes to leave the CPUs idle. */
  waitIdleS: number;
  /** Measurements disturbed by other processes are repeated this many times (the calmest is kept). */
  retries: number;
  /** Run only these scenarios (what they need is set up unmeasured). */
  only?: ScenarioId[];
  /** Before each measurement, drop the clean page cache (needs root; see runSuite). */
  dropCaches: boolean;
}

export const USAGE = `usage: npm run bench -- [options]

  --url <url>              drive this registry instead of starting Wharf
  --pid <pid>              with --url: sample RSS and CPU of this server process tree
  --quick                  smoke run: 32 MB blobs, 3 s runs, 40 images, 1 iteration
  --json <path>            also write every figure and sample as JSON
  --report <path>          print the tables of a saved --json file (with --markdown) and exit
  --markdown               print markdown tables (for docs/benchmarks.md) instead of plain text
  --no-distribution        skip Debian's docker-registry even when it is installed
  --no-nginx               skip the nginx static-file baseline
  --gateway                also pull the blob through Wharf's nginx gateway (blobs sent by nginx
                           from disk after the registry authorizes them), as the installer runs it
  --no-installed           skip "Wharf installed": Wharf as install.sh installs it (gateway, core,
                           the registry with token auth, jobservice, Redis) with a user and a
                           project, pushing and pulling small images with a token per image as
                           docker does, and measuring the token service (on by default without --url)
  --installed-from <dir>   install with the installer of this checkout (built with
                           "node tools/build.mjs" there), e.g. an older commit, instead of this one
  --blob-mb <n>            large blob size (default 256, quick 32)
  --chunk-mb <n>           PATCH size of the chunked push (default 8)
  --iterations <n>         repetitions of each push/pull, median reported (default 3, quick 1)
  --duration <s>           length of each GET load run, whole seconds (default 10, quick 3)
  --warmup <s>             unmeasured load before each GET run, whole seconds (default 2, quick 1)
  --concurrency <n>        connections of the GET runs (default 32)
  --images <n>             small images to push (default 200, quick 40)
  --push-concurrency <n>   concurrent image pushes (default 16)
  --threads <n>            load-generating threads (default: cores)
  --load-generator <g>     wrk or node for the GET runs (default wrk when installed)
  --wharf-workers <n>      REGISTRY_WORKERS of the Wharf the bench starts (default: Wharf's own)
  --pg <url>               PostgreSQL for the bench database (default postgres://postgres@127.0.0.1:5432)
  --wait-idle <s>          before each measurement wait up to <s> for other processes to go idle
                           (default 60, quick 0; 0 disables)
  --only <a,b,...>         run only these scenarios: ${SCENARIOS.join(', ')}
  --retries <n>            measure again when other processes used over 0.2 cores meanwhile,
                           keeping the least disturbed run (default 2, quick 0)
  --no-drop-caches         keep the page cache between measurements (by default the bench, when
                           root, drops it after the sync before each one, so that every
                           measurement starts from the same kernel state)
`;

function positiveNumber(name: string, raw: string | undefined, fallback: number, integer = true): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new Error(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got "${raw}"`);
  return n;
}

export function parseOptions(argv: string[], wrkInstalled: boolean): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      url: { type: 'string' },
      pid: { type: 'string' },
      quick: { type: 'boolean', default: false },
      json: { type: 'string' },
      report: { type: 'string' },
      markdown: { type: 'boolean', default: false },
      'no-distribution': { type: 'boolean', default: false },
      'no-nginx': { type: 'boolean', default: false },
      gateway: { type: 'boolean', default: false },
      'no-installed': { type: 'boolean', default: false },
      'installed-from': { type: 'string' },
      'blob-mb': { type: 'string' },
      'chunk-mb': { type: 'string' },
      iterations: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      concurrency: { type: 'string' },
      images: { type: 'string' },
      'push-concurrency': { type: 'string' },
      threads: { type: 'string' },
      'load-generator': { type: 'string' },
      'wharf-workers': { type: 'string' },
      pg: { type: 'string' },
      'wait-idle': { type: 'string' },
      retries: { type: 'string' },
      only: { type: 'string' },
      'no-drop-caches': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const quick = values.quick === true;
  const MiB = 1024 * 1024;
  const generator = values['load-generator'] ?? (wrkInstalled ? 'wrk' : 'node');
  if (generator !== 'wrk' && generator !== 'node') throw new Error(`--load-generator must be wrk or node, got "${generator}"`);
  if (generator === 'wrk' && !wrkInstalled) throw new Error('--load-generator wrk: /usr/bin/wrk is not installed');
  if (values.url !== undefined) {
    const u = new URL(values.url);
    if (u.protocol !== 'http:') throw new Error(`--url must be an http:// URL, got "${values.url}"`);
  }
  if (values.pid !== undefined && values.url === undefined) throw new Error('--pid only makes sense with --url');
  if (values.gateway === true && values.url !== undefined) throw new Error('--gateway needs the Wharf the bench starts (not --url)');
  const installed = values['no-installed'] !== true && values.url === undefined;
  if (values['installed-from'] !== undefined && !installed) throw new Error('--installed-from needs the installed Wharf (not --url or --no-installed)');
  const only = values.only?.split(',').map((x) => x.trim());
  const unknown = only?.filter((x) => !(SCENARIOS as readonly string[]).includes(x)) ?? [];
  if (unknown.length > 0) throw new Error(`--only: unknown scenario(s) ${unknown.join(', ')}; known: ${SCENARIOS.join(', ')}`);
  return {
    report: values.report,
    url: values.url?.replace(/\/+$/, ''),
    pid: values.pid === undefined ? undefined : positiveNumber('pid', values.pid, 0),
    quick,
    json: values.json,
    markdown: values.markdown === true,
    distribution: values['no-distribution'] !== true,
    nginx: values['no-nginx'] !== true,
    gateway: values.gateway === true,
    installed,
    installedFrom: values['installed-from'] === undefined ? undefined : resolve(values['installed-from']),
    blobBytes: positiveNumber('blob-mb', values['blob-mb'], quick ? 32 : 256) * MiB,
    chunkBytes: positiveNumber('chunk-mb', values['chunk-mb'], 8) * MiB,
    iterations: positiveNumber('iterations', values.iterations, quick ? 1 : 3),
    durationS: positiveNumber('duration', values.duration, quick ? 3 : 10),
    warmupS: values.warmup === '0' ? 0 : positiveNumber('warmup', values.warmup, quick ? 1 : 2),
    concurrency: positiveNumber('concurrency', values.concurrency, 32),
    images: positiveNumber('images', values.images, quick ? 40 : 200),
    pushConcurrency: positiveNumber('push-concurrency', values['push-concurrency'], 16),
    loadThreads: positiveNumber('threads', values.threads, availableParallelism()),
    loadGenerator: generator,
    wharfWorkers: values['wharf-workers'] === undefined ? undefined : positiveNumber('wharf-workers', values['wharf-workers'], 1),
    waitIdleS: values['wait-idle'] === '0' ? 0 : positiveNumber('wait-idle', values['wait-idle'], quick ? 0 : 60),
    only: only as ScenarioId[] | undefined,
    dropCaches: values['no-drop-caches'] !== true,
    retries: values.retries === '0' ? 0 : positiveNumber('retries', values.retries, quick ? 0 : 2),
    pgBase: (values.pg ?? process.env['WHARF_BENCH_PG'] ?? 'postgres://postgres@127.0.0.1:5432').replace(/\/+$/, ''),
  };
}
