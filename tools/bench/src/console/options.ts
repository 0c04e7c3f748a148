import { parseArgs } from 'node:util';

export interface ConsoleBenchOptions {
  /**
   * The console's base URL (what ./install.sh prints); absent: the bench installs Wharf itself,
   * or serves `staticDir` when given with `apiUrl`.
   */
  url?: string;
  /** Where the API is when it is not behind `url` (a static server's proxy target, or to seed past a dev server). */
  apiUrl?: string;
  adminPassword?: string;
  /** Serve this directory (a production build of the console) from a gzip-ing server in the bench. */
  staticDir?: string;
  runs: number;
  projects: number;
  artifacts: number;
  /** Names of the pages to measure (all when absent). */
  pages?: string[];
  chromium: string;
  json?: string;
  markdown: boolean;
  /** Leave the self-started installation running at the end (its URL and password are printed). */
  keep: boolean;
  /** PostgreSQL of the self-started installation (postgres://user[:password]@host:port, no database). */
  pgBase: string;
  /** Before each run, wait up to this long for other processes to leave the CPUs idle. */
  waitIdleS: number;
}

export const CONSOLE_USAGE = `usage: npm run bench:console -- [options]

Seeds a Wharf with many projects and one repository of many artifacts (skipped when they are
there already), then times each list page of the web console in Chromium from navigation to its
first rows, cold (fresh browser context) and warm (second visit), and measures the JavaScript the
sign-in page and each list page load before they render.

  --url <url>              the console of a running installation (what ./install.sh prints);
                           without it (and without --static-dir) the bench installs Wharf from this
                           checkout as \`npm run bench\` does (a temporary directory, free ports, a
                           fresh database on --pg) and removes it at the end, also on Ctrl-C
  --admin-password <pw>    the admin's password of --url / --api-url (or WHARF_ADMIN_PASSWORD)
  --api-url <url>          the API when it is not behind --url (seeding bypasses a dev server);
                           with --static-dir, where the static server passes /api, /c, /service, /v2
  --static-dir <dir>       serve this production build of the console (e.g. dist/apps/portal) from
                           a server in the bench (gzip level 6), passing the API on to --api-url
  --runs <n>               measurements per page, cold and warm (default 5)
  --pages <a,b,...>        only these pages (names as printed; default all)
  --projects <n>           projects to seed (default 1000)
  --artifacts <n>          artifacts in the seeded repository (default 10000)
  --chromium <path>        the browser (default /usr/bin/chromium)
  --json <path>            also write the figures as JSON
  --markdown               print markdown tables (for docs/benchmarks.md)
  --wait-idle <s>          before each run, wait up to this long for idle CPUs (default 30, 0: never)
  --keep                   leave the installation the bench started running
  --pg <url>               PostgreSQL for the installation the bench starts (default
                           postgres://postgres@127.0.0.1:5432, or WHARF_BENCH_PG)
`;

function count(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new Error(`--${name} must be a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new Error(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** An http(s) URL without a trailing slash. */
function baseUrl(name: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`--${name} must be a URL such as http://127.0.0.1:8080, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`--${name} must be an http or https URL, got "${raw}"`);
  if (url.search || url.hash) throw new Error(`--${name} must be a base URL without query or fragment, got "${raw}"`);
  return url.href.replace(/\/+$/, '');
}

export function parseConsoleOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): ConsoleBenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      url: { type: 'string' },
      'api-url': { type: 'string' },
      'admin-password': { type: 'string' },
      'static-dir': { type: 'string' },
      runs: { type: 'string' },
      pages: { type: 'string' },
      projects: { type: 'string' },
      artifacts: { type: 'string' },
      chromium: { type: 'string' },
      json: { type: 'string' },
      markdown: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      pg: { type: 'string' },
      'wait-idle': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const url = baseUrl('url', values.url);
  const apiUrl = baseUrl('api-url', values['api-url']);
  const staticDir = values['static-dir'];
  const adminPassword = values['admin-password'] ?? env['WHARF_ADMIN_PASSWORD'];
  if (url && staticDir) throw new Error('--url and --static-dir exclude each other: --static-dir serves the console itself');
  if (staticDir && !apiUrl) throw new Error('--static-dir needs --api-url, the installation whose API the served console uses');
  if (apiUrl && !url && !staticDir) throw new Error('--api-url goes with --url or --static-dir');
  if ((url || apiUrl) && !adminPassword) throw new Error("--url / --api-url need the admin's password: --admin-password or WHARF_ADMIN_PASSWORD");
  if ((values.keep || values.pg) && (url || apiUrl)) throw new Error('--keep and --pg apply to the installation the bench starts, not to --url / --api-url');
  const pages = values.pages
    ?.split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (pages && pages.length === 0) throw new Error('--pages names no page');
  return {
    url,
    apiUrl,
    adminPassword,
    staticDir,
    runs: count('runs', values.runs, 5, 1, 1000),
    projects: count('projects', values.projects, 1000, 1, 9999),
    artifacts: count('artifacts', values.artifacts, 10_000, 1, 99_999),
    pages,
    chromium: values.chromium ?? '/usr/bin/chromium',
    json: values.json,
    markdown: values.markdown === true,
    keep: values.keep === true,
    waitIdleS: count('wait-idle', values['wait-idle'], 30, 0, 3600),
    pgBase: (values.pg ?? env['WHARF_BENCH_PG'] ?? 'postgres://postgres@127.0.0.1:5432').replace(/\/+$/, ''),
  };
}
