import { spawnSync } from 'node:child_process';
import type { BlobFamily } from './load/blob';
import { expectStatus, keepAliveAgent, request } from './load/http';
import { MANIFEST_ACCEPT } from './load/image';
import type { LoadPool } from './load/pool';
import { LoadResult, LoadTask, mergeResults, split } from './load/tasks';
import { basicAuthorization, grantedAccess, parseBearerChallenge, RegistryLogin, repositoryScope, tokenOf, tokenUrl } from './load/token';
import { runWrk } from './load/wrk';
import type { BenchOptions } from './options';
import type { PageCache } from './probes/page-cache';
import { PgBackendCpu } from './probes/pg-backends';
import { clientCpuSeconds, diskBytes, machineBusySeconds, treeCpuSeconds } from './probes/process-tree';
import type { RssSampler } from './probes/rss-sampler';
import type { CpuUsage, ScenarioId, ScenarioResult, TargetResult } from './results';
import { median, summarizeLatencies } from './stats';

const MiB = 1024 * 1024;

export interface SuiteContext {
  pool: LoadPool;
  options: BenchOptions;
  /**
   * Large blobs: every push sends a new variant; each registry's first monolithic push (variant 0,
   * the same bytes for all targets) is the blob pulled.
   */
  blobs: { monolithic: BlobFamily; chunked: BlobFamily };
  runId: string;
  pageCache: PageCache;
  log(message: string): void;
}

/** What the bench can observe of a server: its process tree and its database's backends. */
export interface ServerProbe {
  pid?: number;
  rss?: RssSampler;
  db?: PgBackendCpu;
  /** An installation: the services its supervisor runs now (each the root of its own tree). */
  services?(): { name: string; pid: number }[];
}

/**
 * A server under test: a registry, a server taking part in the pulls only (nginx's static file,
 * the gateway in front of Wharf) and holding the monolithic blob, or an installation clients
 * reach with tokens.
 */
export interface SuiteTarget {
  result: TargetResult;
  probe: ServerProbe;
  /** Pull-only servers: where the monolithic blob's bytes (variant 0) are served. */
  fileUrl?: string;
  /** An installation with token auth: the user that pushes and pulls (a developer of the project). */
  login?: RegistryLogin;
}

/**
 * Which steps a target takes part in: `registry`, a registry without authentication (Wharf
 * direct, distribution); `file`, a pull-only server; `installed`, Wharf as install.sh runs it.
 */
export type TargetKind = 'registry' | 'file' | 'installed';

export function kindOf(t: SuiteTarget): TargetKind {
  if (t.fileUrl !== undefined) return 'file';
  return t.login ? 'installed' : 'registry';
}

/** Large-blob pushes made to each target so far: the next push uses the next variant. */
const pushCount = new WeakMap<SuiteTarget, { monolithic: number; chunked: number }>();
function nextVariant(t: SuiteTarget, kind: 'monolithic' | 'chunked'): number {
  const counts = pushCount.get(t) ?? { monolithic: 0, chunked: 0 };
  pushCount.set(t, counts);
  return counts[kind]++;
}

interface CpuMark {
  at: number;
  disk: { read: number; written: number };
  machine: number;
  client: number;
  server?: number;
  db?: Map<number, number>;
  services?: ServiceCpu;
}

export type ServiceCpu = Map<string, { pid: number; cpuS: number }>;

/** CPU seconds of each service between two snapshots; one restarted meanwhile (another pid) is left out. */
export function serviceCpuDelta(before: ServiceCpu, after: ServiceCpu): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, now] of after) {
    const then = before.get(name);
    if (then?.pid === now.pid) out[name] = now.cpuS - then.cpuS;
  }
  return out;
}

/** CPU and RSS over one scenario's measured part. */
class Meter {
  private mark?: CpuMark;

  constructor(private readonly probe: ServerProbe) {}

  private async snapshot(): Promise<CpuMark> {
    return {
      at: performance.now(),
      disk: diskBytes(),
      machine: machineBusySeconds(),
      client: clientCpuSeconds(),
      server: this.probe.pid === undefined ? undefined : treeCpuSeconds(this.probe.pid),
      db: this.probe.db ? await this.probe.db.snapshot() : undefined,
      services: this.probe.services ? new Map(this.probe.services().map((s) => [s.name, { pid: s.pid, cpuS: treeCpuSeconds(s.pid) }])) : undefined,
    };
  }

  async begin(): Promise<void> {
    this.probe.rss?.nextWindow();
    this.mark = await this.snapshot();
  }

  async end(): Promise<{ cpu: CpuUsage; peakRssBytes?: number }> {
    const end = await this.snapshot();
    const start = this.mark as CpuMark;
    const peakRssBytes = this.probe.rss?.nextWindow();
    const cpu: CpuUsage = {
      wallS: (end.at - start.at) / 1000,
      clientS: end.client - start.client,
      serverS: end.server === undefined || start.server === undefined ? undefined : end.server - start.server,
      dbS: end.db && start.db ? PgBackendCpu.delta(start.db, end.db) : undefined,
      diskReadBytes: end.disk.read - start.disk.read,
      diskWrittenBytes: end.disk.written - start.disk.written,
    };
    if (end.services && start.services) cpu.byServiceS = serviceCpuDelta(start.services, end.services);
    // Only meaningful when the server is observed too; otherwise its CPU would count as "other".
    if (cpu.serverS !== undefined) {
      cpu.otherS = Math.max(0, end.machine - start.machine - cpu.clientS - cpu.serverS - (cpu.dbS ?? 0));
    }
    return { cpu, peakRssBytes };
  }
}

function mbPerS(r: LoadResult): number {
  return r.bytes / MiB / ((r.endMs - r.startMs) / 1000);
}

/** Runs `once` `iterations` times under one meter and reports the median figure. */
async function repeated(
  meter: Meter,
  iterations: number,
  unit: ScenarioResult['unit'],
  once: () => Promise<{ value: number; requests: number }>,
): Promise<ScenarioResult> {
  await meter.begin();
  const samples: number[] = [];
  let requests = 0;
  for (let i = 0; i < iterations; i++) {
    const r = await once();
    samples.push(r.value);
    requests += r.requests;
  }
  const { cpu, peakRssBytes } = await meter.end();
  return { unit, value: median(samples) as number, samples, requests, errors: 0, cpu, peakRssBytes };
}

/** Blob pulls over `streams` parallel connections spread over the load threads. */
async function pullOnce(ctx: SuiteContext, url: string, streams: number, size: number): Promise<{ value: number; requests: number }> {
  const shares = split(streams, ctx.pool.size);
  const r = mergeResults(await ctx.pool.runEach(shares.map((n) => ({ kind: 'pull', url, streams: n, expectBytes: size }))));
  return { value: mbPerS(r), requests: r.requests };
}

/** Closed-loop GET load at `concurrency` connections: wrk, or the node load threads. */
async function getLoad(ctx: SuiteContext, meter: Meter, url: string, headers: Record<string, string>): Promise<ScenarioResult> {
  const o = ctx.options;
  if (o.loadGenerator === 'wrk') {
    const run = (durationS: number) => runWrk({ url, headers, connections: o.concurrency, threads: ctx.pool.size, durationS });
    if (o.warmupS > 0) await run(o.warmupS);
    await meter.begin();
    const r = await run(o.durationS);
    const { cpu, peakRssBytes } = await meter.end();
    return { unit: 'req/s', value: r.requestsPerSec, samples: [r.requestsPerSec], p50Ms: r.p50Ms, p99Ms: r.p99Ms, requests: r.requests, errors: r.errors, cpu, peakRssBytes };
  }
  const shares = split(o.concurrency, ctx.pool.size);
  const run = async (durationS: number) =>
    mergeResults(await ctx.pool.runEach(shares.map((connections) => ({ kind: 'get-load', url, headers, connections, durationMs: durationS * 1000 }))));
  if (o.warmupS > 0) await run(o.warmupS);
  await meter.begin();
  const r = await run(o.durationS);
  const { cpu, peakRssBytes } = await meter.end();
  const lat = summarizeLatencies(r.latenciesMs ?? []);
  const rps = r.requests / ((r.endMs - r.startMs) / 1000);
  return { unit: 'req/s', value: rps, samples: [rps], p50Ms: lat?.p50Ms, p99Ms: lat?.p99Ms, requests: r.requests, errors: r.errors, cpu, peakRssBytes, note: r.firstError };
}

/** One request outside the measurement, to check the figure measures what it claims to. */
async function fetchJson(url: string, headers: Record<string, string> = {}): Promise<{ body: unknown; digest?: string }> {
  const agent = keepAliveAgent(1);
  try {
    const res = await request(agent, new URL(url), { method: 'GET', headers, collect: true });
    expectStatus(res, `GET ${url}`, 200);
    const digest = res.headers['docker-content-digest'];
    return { body: JSON.parse(res.body.toString('utf8')), digest: typeof digest === 'string' ? digest : undefined };
  } finally {
    agent.destroy();
  }
}

/** The namespace of every repository of the run: the project of the installation. */
export function benchProject(ctx: Pick<SuiteContext, 'runId'>): string {
  return `bench-${ctx.runId}`;
}

function repos(ctx: SuiteContext) {
  const prefix = benchProject(ctx);
  return { monolithic: `${prefix}/monolithic`, chunked: `${prefix}/chunked`, small: `${prefix}/small`, app: `${prefix}/app` };
}

/** The path of the blob the pull scenarios read from a registry (pushed by push-monolithic). */
export function pulledBlobPath(ctx: SuiteContext): string {
  return `/v2/${repos(ctx).monolithic}/blobs/${ctx.blobs.monolithic.variant(0).digest}`;
}

interface Step {
  id: ScenarioId;
  describe(o: BenchOptions): string;
  on: readonly TargetKind[];
  run(ctx: SuiteContext, target: SuiteTarget, meter: Meter): Promise<ScenarioResult>;
}

const REGISTRIES: readonly TargetKind[] = ['registry'];
const PULLS: readonly TargetKind[] = ['registry', 'file'];
const IMAGES: readonly TargetKind[] = ['registry', 'installed'];
const INSTALLED: readonly TargetKind[] = ['installed'];

function pullStep(id: 'pull-1' | 'pull-4', streams: number): Step {
  return {
    id,
    on: PULLS,
    describe: (o) => `pull ${o.blobBytes / MiB} MB, ${streams === 1 ? '1 stream' : `${streams} parallel streams`} ×${o.iterations}`,
    run: async (ctx, t, meter) => {
      const blob = ctx.blobs.monolithic.variant(0);
      const url = t.fileUrl ?? `${t.result.url}${pulledBlobPath(ctx)}`;
      // One unmeasured read first: the figure is the server's cost of serving a blob from the page
      // cache, not the disk's. (Hosts may evict cold pages within seconds, e.g. DAMON reclaim.)
      await pullOnce(ctx, url, 1, blob.size);
      return repeated(meter, ctx.options.iterations, 'MB/s', () => pullOnce(ctx, url, streams, blob.size));
    },
  };
}

function getStep(
  id: 'manifest-get' | 'tags-list' | 'catalog' | 'token-credentials' | 'token-anonymous',
  on: readonly TargetKind[],
  describe: (o: BenchOptions) => string,
  prepare: (ctx: SuiteContext, t: SuiteTarget) => Promise<{ url: string; headers: Record<string, string> }>,
): Step {
  return {
    id,
    on,
    describe: (o) => `${describe(o)}, ${o.concurrency} connections, ${o.durationS}s`,
    run: async (ctx, t, meter) => {
      const { url, headers } = await prepare(ctx, t);
      const r = await getLoad(ctx, meter, url, headers);
      if (r.errors) ctx.log(`  warning: ${t.result.label} ${id}: ${r.errors} of ${r.requests} requests failed${r.note ? ` (${r.note})` : ''}`);
      return r;
    },
  };
}

function warmupTags(o: BenchOptions): string[] {
  return Array.from({ length: Math.ceil(o.images / 4) }, (_, i) => `warmup-${i}`);
}

/**
 * Pushes or pulls `tags` of `repo` spread over the load threads, each at its share of the push
 * concurrency; on an installation each image fetches its token first, as docker does.
 */
async function imagesOnThreads(ctx: SuiteContext, t: SuiteTarget, kind: 'push-images' | 'pull-images', repo: string, tags: string[]): Promise<LoadResult> {
  const threads = split(ctx.options.pushConcurrency, ctx.pool.size);
  const tasks: LoadTask[] = threads.map((concurrency, i) => ({
    kind,
    base: t.result.url,
    repo,
    tags: tags.filter((_, n) => n % threads.length === i),
    concurrency,
    ...(t.login ? { login: t.login } : {}),
  }));
  return mergeResults(await ctx.pool.runEach(tasks));
}

function imagesResult(images: number, r: LoadResult, measured: { cpu: CpuUsage; peakRssBytes?: number }): ScenarioResult {
  const perImage = summarizeLatencies(r.latenciesMs ?? []);
  const imagesPerS = images / ((r.endMs - r.startMs) / 1000);
  return { unit: 'images/s', value: imagesPerS, samples: [imagesPerS], p50Ms: perImage?.p50Ms, p99Ms: perImage?.p99Ms, requests: r.requests, errors: 0, ...measured };
}

/** The challenge an installation's `GET /v2/` answers without credentials. */
async function challengeOf(base: string): Promise<ReturnType<typeof parseBearerChallenge>> {
  const agent = keepAliveAgent(1);
  try {
    const res = await request(agent, new URL(`${base}/v2/`), { method: 'GET', collect: true });
    expectStatus(res, `GET ${base}/v2/`, 401);
    return parseBearerChallenge(res.headers['www-authenticate']);
  } finally {
    agent.destroy();
  }
}

/**
 * The token request docker sends before each push of the small-image repository, with the
 * user's basic credentials or none. Checked once first: with credentials the token grants pull
 * and push; without, nothing (the project is private), so the figure is of a real answer.
 */
function tokenStep(id: 'token-credentials' | 'token-anonymous', credentials: boolean): Step {
  return getStep(
    id,
    INSTALLED,
    () => `token requests ${credentials ? 'with credentials' : 'without credentials'} (scope pull,push)`,
    async (ctx, t) => {
      const repo = repos(ctx).small;
      const url = tokenUrl(await challengeOf(t.result.url), [repositoryScope(repo, ['pull', 'push'])]).toString();
      const headers: Record<string, string> = credentials && t.login ? { Authorization: basicAuthorization(t.login) } : {};
      const actions = grantedAccess(tokenOf((await fetchJson(url, headers)).body)).flatMap((a) => (a.name === repo ? a.actions : []));
      const expected = credentials ? ['pull', 'push'] : [];
      if ([...actions].sort().join(',') !== expected.join(',')) throw new Error(`the token ${url} issued grants [${actions.join(',')}], expected [${expected.join(',')}]`);
      return { url, headers };
    },
  );
}

/** The scenarios in order: each builds on what the previous ones pushed. */
export const STEPS: Step[] = [
  {
    id: 'push-monolithic',
    on: REGISTRIES,
    describe: (o) => `push ${o.blobBytes / MiB} MB monolithic ×${o.iterations}`,
    run: (ctx, t, meter) =>
      repeated(meter, ctx.options.iterations, 'MB/s', async () => {
        const blob = ctx.blobs.monolithic.variant(nextVariant(t, 'monolithic'));
        const r = await ctx.pool.run({ kind: 'push-monolithic', base: t.result.url, repo: repos(ctx).monolithic, blob });
        return { value: mbPerS(r), requests: r.requests };
      }),
  },
  {
    id: 'push-chunked',
    on: REGISTRIES,
    describe: (o) => `push ${o.blobBytes / MiB} MB in ${o.chunkBytes / MiB} MB chunks ×${o.iterations}`,
    run: (ctx, t, meter) =>
      repeated(meter, ctx.options.iterations, 'MB/s', async () => {
        const blob = ctx.blobs.chunked.variant(nextVariant(t, 'chunked'));
        const r = await ctx.pool.run({ kind: 'push-chunked', base: t.result.url, repo: repos(ctx).chunked, blob, chunkBytes: ctx.options.chunkBytes });
        return { value: mbPerS(r), requests: r.requests };
      }),
  },
  pullStep('pull-1', 1),
  pullStep('pull-4', 4),
  {
    id: 'small-images',
    on: IMAGES,
    describe: (o) => `push ${o.images} small images at concurrency ${o.pushConcurrency}`,
    run: async (ctx, t, meter) => {
      const o = ctx.options;
      const tags = Array.from({ length: o.images }, (_, i) => `v${i}`);
      // Unmeasured warm-up, as the GET runs have one: a quarter as many images (into the repository
      // the manifest GET reads, so that the catalog does not grow), pushed the same way.
      await imagesOnThreads(ctx, t, 'push-images', repos(ctx).app, warmupTags(o));
      await meter.begin();
      const pushed = await imagesOnThreads(ctx, t, 'push-images', repos(ctx).small, tags);
      return imagesResult(o.images, pushed, await meter.end());
    },
  },
  {
    id: 'small-pulls',
    on: IMAGES,
    describe: (o) => `pull ${o.images} small images at concurrency ${o.pushConcurrency}`,
    run: async (ctx, t, meter) => {
      const o = ctx.options;
      // The warm-up pulls what the push warm-up pushed; then every image small-images pushed.
      await imagesOnThreads(ctx, t, 'pull-images', repos(ctx).app, warmupTags(o));
      await meter.begin();
      const pulled = await imagesOnThreads(ctx, t, 'pull-images', repos(ctx).small, Array.from({ length: o.images }, (_, i) => `v${i}`));
      const measured = await meter.end();
      if (Object.keys(pulled.manifests ?? {}).length !== o.images) throw new Error(`pulled ${Object.keys(pulled.manifests ?? {}).length} images, expected ${o.images}`);
      return imagesResult(o.images, pulled, measured);
    },
  },
  getStep(
    'manifest-get',
    REGISTRIES,
    () => 'manifest GET by tag',
    async (ctx, t) => {
      const base = t.result.url;
      // The manifest served under load: one more small image, pushed outside any measurement.
      const app = repos(ctx).app;
      const pushed = await ctx.pool.run({ kind: 'push-images', base, repo: app, tags: ['latest'], concurrency: 1 });
      const url = `${base}/v2/${app}/manifests/latest`;
      const served = await fetchJson(url, { Accept: MANIFEST_ACCEPT });
      if (served.digest !== undefined && served.digest !== pushed.manifests?.['latest']) {
        throw new Error(`manifest GET answered ${served.digest}, pushed ${pushed.manifests?.['latest']}`);
      }
      return { url, headers: { Accept: MANIFEST_ACCEPT } };
    },
  ),
  getStep(
    'tags-list',
    REGISTRIES,
    (o) => `tags list (${o.images} tags)`,
    async (ctx, t) => {
      const url = `${t.result.url}/v2/${repos(ctx).small}/tags/list`;
      const listed = (await fetchJson(url)).body as { tags?: string[] };
      if (listed.tags?.length !== ctx.options.images) throw new Error(`tags list returned ${listed.tags?.length} tags, expected ${ctx.options.images}`);
      return { url, headers: {} };
    },
  ),
  getStep(
    'catalog',
    REGISTRIES,
    () => 'catalog',
    async (ctx, t) => {
      const url = `${t.result.url}/v2/_catalog`;
      const catalog = (await fetchJson(url)).body as { repositories?: string[] };
      // Repositories holding only blobs may or may not be listed (Wharf does not, distribution does).
      const r = repos(ctx);
      const missing = [r.small, r.app].filter((name) => !catalog.repositories?.includes(name));
      if (missing.length > 0) throw new Error(`catalog lacks ${missing.join(', ')}`);
      return { url, headers: {} };
    },
  ),
  tokenStep('token-credentials', true),
  tokenStep('token-anonymous', false),
];

/**
 * What `step` does on targets of `kind` when `only` selects scenarios (all when undefined):
 * measure; set up unmeasured, because a selected step reads there what it writes; or nothing.
 */
function roleOf(step: Step, kind: TargetKind, only: readonly ScenarioId[] | undefined): 'measure' | 'setup' | undefined {
  if (!step.on.includes(kind)) return undefined;
  if (only === undefined || only.includes(step.id)) return 'measure';
  const needers = NEEDED_BY[step.id] ?? [];
  return STEPS.some((s) => needers.includes(s.id) && only.includes(s.id) && s.on.includes(kind)) ? 'setup' : undefined;
}

/** Whether any step runs on targets of `kind` with these scenarios selected. */
export function runsOn(only: readonly ScenarioId[] | undefined, kind: TargetKind): boolean {
  return STEPS.some((step) => roleOf(step, kind, only) !== undefined);
}

/** Waits (up to `maxS`) until other processes leave the machine idle; returns the busy cores seen last. */
export async function waitForIdle(maxS: number, log: (m: string) => void): Promise<number> {
  const deadline = Date.now() + maxS * 1000;
  let warned = false;
  for (;;) {
    const m0 = machineBusySeconds();
    const c0 = clientCpuSeconds();
    await new Promise((r) => setTimeout(r, 1000));
    const busy = machineBusySeconds() - m0 - (clientCpuSeconds() - c0);
    if (busy < 0.15 || Date.now() >= deadline) return busy;
    if (!warned) log(`  waiting for the machine to be idle (other processes use ${busy.toFixed(2)} cores)`);
    warned = true;
  }
}

/** Scenarios that read what an earlier one pushed. */
const NEEDED_BY: Partial<Record<ScenarioId, ScenarioId[]>> = {
  'push-monolithic': ['pull-1', 'pull-4'],
  'small-images': ['tags-list', 'small-pulls'],
};

/** Cores other processes used on average while `r` was measured (0 when unknown). */
export function disturbance(r: ScenarioResult): number {
  return r.cpu?.otherS === undefined || !(r.cpu.wallS > 0) ? 0 : r.cpu.otherS / r.cpu.wallS;
}

const DISTURBED_CORES = 0.2;

/**
 * Runs every step against every target, alternating targets step by step (and their order from one
 * step to the next), so that a burst of load from elsewhere disturbs them alike. A measurement
 * during which other processes used the CPUs is taken again, and the calmest one kept.
 */
export async function runSuite(ctx: SuiteContext, targets: SuiteTarget[]): Promise<void> {
  const o = ctx.options;
  const meters = new Map(targets.map((t) => [t, new Meter(t.probe)]));
  for (const [i, step] of STEPS.entries()) {
    const setup = targets.filter((t) => roleOf(step, kindOf(t), o.only) === 'setup');
    const measured = targets.filter((t) => roleOf(step, kindOf(t), o.only) === 'measure');
    if (setup.length > 0) {
      // Not selected, but a selected later step reads what this one writes: it runs unmeasured.
      ctx.log(`${step.describe({ ...o, iterations: 1 })} (setup, not measured)`);
      const once = { ...ctx, options: { ...o, iterations: 1 } };
      for (const t of setup) await step.run(once, t, new Meter({}));
    }
    if (measured.length === 0) continue;
    ctx.log(step.describe(o));
    const order = i % 2 === 0 ? measured : [...measured].reverse();
    for (const t of order) {
      let best: ScenarioResult | undefined;
      for (let attempt = 1; ; attempt++) {
        // What the previous measurement left in the page cache is written out first: otherwise the
        // kernel writes it back during this one, and a push pays for the bytes its predecessor
        // (often the other registry) wrote.
        spawnSync('sync');
        ctx.pageCache.drop();
        if (o.waitIdleS > 0) await waitForIdle(o.waitIdleS, ctx.log);
        ctx.log(`  ${t.result.label}${attempt > 1 ? ` (attempt ${attempt})` : ''}`);
        const r = await step.run(ctx, t, meters.get(t) as Meter);
        r.attempts = attempt;
        if (!best || disturbance(r) < disturbance(best)) best = r;
        if (disturbance(r) <= DISTURBED_CORES || attempt > o.retries) break;
        ctx.log(`  other processes used ${disturbance(r).toFixed(2)} cores meanwhile: measuring again`);
      }
      t.result.scenarios[step.id] = best;
    }
  }
}
