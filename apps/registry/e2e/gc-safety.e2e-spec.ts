import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Sql } from '@wharf/db';
import { type Execution, ExecutionStore, isFinal, JobQueues, launchExecution, Trigger, VendorType } from '@wharf/jobs';
import { FilesystemDriver } from '@wharf/storage';
import { Pool } from 'pg';
import { DEST_INSECURE, dockerRef, JobServiceProcess, killRunningSkopeo, OCI_MANIFEST, RegistryProcess, skopeo, writeLayout } from '@wharf/testing';
import { type Anomaly, type Blob, buildManifestImage, type ImageToPush, type KnownIn, PushClient, type PushResult, randomLayer, verifyImage } from './push-client';

/**
 * GC safety under load: clients keep pushing images whose layers are drawn from a pool of
 * unreferenced, expired blobs while garbage collection rounds delete thousands of them. A push may
 * be refused (MANIFEST_BLOB_UNKNOWN, when a layer it was told exists is collected before its
 * manifest lands: only a client slower than GC's time window may see that) and is then pushed
 * again from scratch; what the registry acknowledged must never be lost. Tags are deleted meanwhile (one tag of a doubly-tagged image; the only tag of others,
 * whose artifacts GC then collects) and untagged manifests are tagged again while GC may be taking
 * them.
 *
 * One database and one storage root, shared by a two-worker registry process and a jobservice
 * process; GC runs are launched through the job queue as core launches them. The tests below are
 * the phases of one scenario and run in order.
 */

const ROUNDS = 10;
const GARBAGE_PER_ROUND = 350;
/** GC's shortest window (5 s); blobs seen longer ago than this are collectable. */
const TIME_WINDOW_HOURS = 5 / 3600;
const WINDOW_MS = 5_000;
const TOUCH_SECONDS = 1;
/**
 * A lookup that finds a blob refreshes its last-seen time (when older than the touch interval), so
 * a manifest sent this soon after its blobs were checked must never be refused: the window less
 * the touch interval, less a second of slack for a busy machine.
 */
const PROMPT_PUSH_MS = WINDOW_MS - TOUCH_SECONDS * 1000 - 1_000;
const FAST_LANES = 3;
const REPOSITORIES = 3;
/** The registry process's default Redis (its cache), shared with the jobservice and the queues. */
const REDIS_URL = 'redis://127.0.0.1:6379';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)];

type TagState = 'live' | 'busy' | 'deleted';

interface Tagged {
  repository: string;
  tag: string;
  image: ImageToPush;
  state: TagState;
  how: 'push' | 'alias' | 'revive' | 'skopeo';
}

interface GcRound {
  execution: Execution;
  runningFrom: number;
  runningTo: number;
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

describe('GC safety: pushes keep going while garbage collection deletes thousands of blobs', () => {
  const runId = randomBytes(4).toString('hex');
  const repositories = Array.from({ length: REPOSITORIES }, (_, i) => `gcsafe${runId}/app-${i}`);
  let registry: RegistryProcess;
  let jobservice: JobServiceProcess;
  let pool: Pool;
  let sql: Sql;
  let executions: ExecutionStore;
  let queues: JobQueues;
  let storage: FilesystemDriver;
  let work: string;

  const knownIn = new Map<string, KnownIn>();
  let client: PushClient;
  const anomalies: Anomaly[] = [];
  const tags: Tagged[] = [];
  /** Images whose only tag was deleted: the candidates for tagging again. */
  const untagged: Tagged[] = [];
  const garbage: Blob[][] = [];
  const gcRounds: GcRound[] = [];
  const readFailures: string[] = [];
  const promptRefusals: string[] = [];
  const acknowledged: { how: Tagged['how']; startedAt: number; endedAt: number }[] = [];
  const counts = { pushes: 0, retries: 0, skopeoPushes: 0, skopeoRetries: 0, aliases: 0, deletes: 0, revives: 0, reads: 0, gaveUp: 0 };
  let seeded = 0;
  let runMs = 0;
  /** When the last client stopped: everything it left unreferenced is collectable a window later. */
  let quietSince = 0;

  async function waitForExecution(id: string, timeoutMs = 60_000): Promise<Execution> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const e = await executions.get(id);
      if (e && isFinal(e.status)) return e;
      if (Date.now() > deadline) throw new Error(`GC execution ${id} did not finish within ${timeoutMs} ms (status ${e?.status})\n${jobservice.logs().slice(-4000)}`);
      await sleep(50);
    }
  }

  async function runGc(parameters: Record<string, unknown>): Promise<GcRound> {
    const created = await launchExecution(executions, queues, { vendorType: VendorType.GarbageCollection, trigger: Trigger.Manual, parameters, exclusive: true });
    if (created === 'busy') throw new Error('a GC execution is still unfinished');
    const execution = await waitForExecution(created.executionId);
    const [task] = await executions.tasks(created.executionId);
    const result: GcRound = {
      execution,
      runningFrom: (task?.startTime ?? execution.startTime).getTime(),
      runningTo: (task?.endTime ?? execution.endTime ?? new Date()).getTime(),
    };
    gcRounds.push(result);
    return result;
  }

  /**
   * Unreferenced blobs last seen an hour ago, files as old, each linked to one or two of the
   * repositories: what a registry holds after images were deleted, without pushing them first.
   */
  async function seedGarbage(): Promise<Blob[]> {
    const blobs = Array.from({ length: GARBAGE_PER_ROUND }, () => randomLayer(48, 700));
    const anHourAgo = new Date(Date.now() - 3_600_000);
    // Written in place without the driver's fsync: no row names these files yet, and no GC runs
    // while garbage is seeded (its sweep of unrecorded files would take them).
    await mapLimit(blobs, 8, async (b) => {
      const file = storage.localPath(b.digest);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, b.bytes);
      await utimes(file, anHourAgo, anHourAgo);
    });
    const links: [string, string][] = [];
    for (const b of blobs) {
      const home = pick(repositories);
      const repos = new Set([home]);
      if (Math.random() < 0.25) repos.add(pick(repositories));
      for (const r of repos) links.push([b.digest, r]);
      knownIn.set(b.digest, new Set(repos));
    }
    await sql.query(
      `WITH b AS (
         INSERT INTO blob (digest, size, last_seen_at, created_at)
         SELECT d, s, now() - interval '1 hour', now() - interval '1 hour' FROM unnest($1::text[], $2::bigint[]) AS x(d, s)
         RETURNING id, digest
       )
       INSERT INTO repository_blob (repository_id, blob_id)
       SELECT r.id, b.id FROM unnest($3::text[], $4::text[]) AS l(d, repo) JOIN b ON b.digest = l.d JOIN repository r ON r.name = l.repo`,
      [blobs.map((b) => b.digest), blobs.map((b) => b.bytes.length), links.map((l) => l[0]), links.map((l) => l[1])],
    );
    seeded += blobs.length;
    return blobs;
  }

  /** Mostly the newest garbage (what GC is deleting right now), some from earlier rounds. */
  function pickLayers(n: number): Blob[] {
    const chosen = new Map<string, Blob>();
    while (chosen.size < n) {
      const batch = Math.random() < 0.7 ? garbage[garbage.length - 1] : pick(garbage);
      const b = pick(batch);
      chosen.set(b.digest, b);
    }
    return [...chosen.values()];
  }

  function newImage(label: string, poolLayers: number): ImageToPush {
    return buildManifestImage([...pickLayers(poolLayers), randomLayer(200, 2000)], label);
  }

  function record(repository: string, tag: string, image: ImageToPush, how: Tagged['how'], startedAt: number, endedAt: number): Tagged {
    const t: Tagged = { repository, tag, image, state: 'live', how };
    tags.push(t);
    acknowledged.push({ how, startedAt, endedAt });
    return t;
  }

  function account(repository: string, tag: string, res: PushResult): void {
    counts.retries += res.retries;
    if (!res.ok) counts.gaveUp++;
    for (const ms of res.refusedAfterMs) {
      if (ms < PROMPT_PUSH_MS) promptRefusals.push(`${repository}:${tag} refused MANIFEST_BLOB_UNKNOWN ${ms} ms after its blobs were checked`);
    }
  }

  function liveTag(): Tagged | undefined {
    const live = tags.filter((t) => t.state === 'live');
    return live.length > 0 ? pick(live) : undefined;
  }

  /** One client action: mostly a new image, sometimes a second tag, a tag deletion or a re-tag. */
  async function act(lane: number, n: number, pauseBeforeManifestMs = 0): Promise<void> {
    const r = pauseBeforeManifestMs > 0 ? 0 : Math.random();
    if (r < 0.7) {
      const repository = pick(repositories);
      const tag = `l${lane}-${n}`;
      const image = newImage(tag, 2 + Math.floor(Math.random() * 4));
      const res = await client.pushImage(repository, tag, image, { pauseBeforeManifestMs });
      counts.pushes++;
      account(repository, tag, res);
      if (res.ok) record(repository, tag, image, 'push', res.startedAt, res.endedAt);
      return;
    }
    if (r < 0.8) {
      // `docker tag` + push, then the old name is deleted: the image must stay under the new one.
      const t = liveTag();
      if (!t) return;
      t.state = 'busy';
      const alias = `${t.tag}-a${n}`;
      const res = await client.pushImage(t.repository, alias, t.image);
      counts.aliases++;
      account(t.repository, alias, res);
      if (!res.ok) {
        t.state = 'live';
        return;
      }
      record(t.repository, alias, t.image, 'alias', res.startedAt, res.endedAt);
      t.state = (await client.deleteTag(t.repository, t.tag)) ? 'deleted' : 'live';
      return;
    }
    if (r < 0.9) {
      const t = liveTag();
      if (!t) return;
      t.state = 'busy';
      const deleted = await client.deleteTag(t.repository, t.tag);
      counts.deletes++;
      t.state = deleted ? 'deleted' : 'live';
      // Untagged only if no other tag in the repository still names the manifest.
      if (deleted && !tags.some((o) => o.state !== 'deleted' && o.repository === t.repository && o.image.digest === t.image.digest)) untagged.push(t);
      return;
    }
    // An untagged manifest tagged again, possibly while GC (delete_untagged) is deleting it.
    if (untagged.length === 0) return;
    const old = untagged.splice(Math.floor(Math.random() * untagged.length), 1)[0];
    const tag = `${old.tag}-r${n}`;
    const res = await client.pushImage(old.repository, tag, old.image);
    counts.revives++;
    account(old.repository, tag, res);
    if (res.ok) record(old.repository, tag, old.image, 'revive', res.startedAt, res.endedAt);
  }

  /** Reads acknowledged tags back while GC runs; a tag deleted during the read does not count. */
  async function readOne(): Promise<void> {
    const t = liveTag();
    if (!t) {
      await sleep(20);
      return;
    }
    const problems = await verifyImage(registry.url, t.repository, t.tag, t.image);
    counts.reads++;
    if (problems.length > 0 && t.state === 'live') readFailures.push(`${new Date().toISOString()} ${problems.join('; ')}`);
  }

  /** skopeo pushes an OCI layout whose layers come from the newest garbage. */
  async function skopeoPush(round: number): Promise<void> {
    const repository = pick(repositories);
    const tag = `sk-${round}`;
    const image = newImage(tag, 3);
    const blobs = new Map<string, Buffer>([[image.digest, image.manifest], [image.config.digest, image.config.bytes]]);
    for (const l of image.layers) blobs.set(l.digest, l.bytes);
    const dir = await mkdtemp(join(work, 'layout-'));
    await writeLayout(dir, { [tag]: { descriptor: { mediaType: OCI_MANIFEST, digest: image.digest, size: image.manifest.length }, bytes: image.manifest, blobs } });
    const startedAt = Date.now();
    for (let attempt = 1; attempt <= 5; attempt++) {
      const res = await skopeo(['copy', DEST_INSECURE, '--preserve-digests', `oci:${dir}:${tag}`, dockerRef(registry.host, repository, tag)], { timeoutMs: 60_000 });
      counts.skopeoPushes++;
      if (res.code === 0) {
        record(repository, tag, image, 'skopeo', startedAt, Date.now());
        for (const b of [image.config, ...image.layers]) knownIn.get(b.digest)?.add(repository);
        break;
      }
      if (!/manifest blob unknown|blob unknown/i.test(res.stderr) || attempt === 5) {
        anomalies.push({ at: new Date().toISOString(), request: `skopeo copy to ${repository}:${tag}`, status: `exit ${res.code ?? res.signal}`, body: res.stderr.trim().slice(-800) });
        break;
      }
      counts.skopeoRetries++;
    }
    await rm(dir, { recursive: true, force: true });
  }

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'wharf-e2e-gc-safety-'));
    // A lookup refreshes a blob's last-seen time when it is older than a second: far inside GC's window.
    registry = await RegistryProcess.start({ workers: 2, logLevel: 'warn', env: { REGISTRY_BLOB_TOUCH_SECONDS: String(TOUCH_SECONDS) } });
    const queuePrefix = `wharf-gc-safety-${runId}`;
    jobservice = await JobServiceProcess.start({ databaseUrl: registry.db.url, dataDir: registry.dataDir, redisUrl: REDIS_URL, queuePrefix, workers: 2 });
    pool = new Pool({ connectionString: registry.db.url, max: 4 });
    sql = new Sql(pool);
    executions = new ExecutionStore(sql);
    queues = new JobQueues({ redisUrl: REDIS_URL, prefix: queuePrefix });
    storage = new FilesystemDriver(registry.dataDir);
    client = new PushClient(registry.url, knownIn);
    // The repositories exist before garbage is linked to them, as after any first push.
    for (const repository of repositories) {
      const image = buildManifestImage([randomLayer(100, 200)], 'first');
      const res = await client.pushImage(repository, 'first', image);
      expect(res.ok).toBe(true);
      record(repository, 'first', image, 'push', res.startedAt, res.endedAt);
    }
  }, 170_000);

  afterAll(async () => {
    killRunningSkopeo();
    await queues?.close();
    await jobservice?.stop().catch(() => jobservice.killNow());
    await pool?.end();
    await registry?.dispose();
    if (work) await rm(work, { recursive: true, force: true });
  }, 60_000);

  it('GC rounds delete thousands of blobs while pushes, tag deletions and reads continue', async () => {
    const started = Date.now();
    garbage.push(await seedGarbage());
    let running = true;
    const lanes: Promise<void>[] = [];
    for (let lane = 0; lane < FAST_LANES; lane++) {
      lanes.push(
        (async () => {
          for (let n = 0; running; n++) await act(lane, n);
        })(),
      );
    }
    // A slow client: it checks its layers, then takes longer than GC's window to send the manifest.
    lanes.push(
      (async () => {
        for (let n = 0; running; n++) await act(9, n, WINDOW_MS + 500 + Math.floor(Math.random() * 2_000));
      })(),
    );
    lanes.push(
      (async () => {
        while (running) await readOne();
      })(),
    );

    const skopeoRuns: Promise<void>[] = [];
    try {
      for (let round = 1; round <= ROUNDS; round++) {
        garbage.push(await seedGarbage());
        // Pushes take layers from the new garbage before GC starts as well as while it runs.
        await sleep(Math.floor(Math.random() * 400));
        skopeoRuns.push(skopeoPush(round));
        const gc = await runGc({ dry_run: false, delete_untagged: round % 2 === 0, workers: 1 + (round % 5), time_window: TIME_WINDOW_HOURS });
        expect({ round, status: gc.execution.status, message: gc.execution.statusMessage }).toEqual({ round, status: 'Success', message: '' });
        await sleep(300 + Math.floor(Math.random() * 700));
      }
    } finally {
      running = false;
      await Promise.all(lanes);
      await Promise.all(skopeoRuns);
      anomalies.push(...client.anomalies);
      quietSince = Date.now();
    }
    runMs = Date.now() - started;

    // Nothing the protocol does not allow (no 5xx, no unexpected 4xx, no dropped connection), no
    // failed read of an acknowledged tag, no refusal of a manifest sent promptly after its checks.
    if (anomalies.length > 0) console.log(`registry errors:\n${registry.loggedErrors().slice(-40).join('\n')}`);
    expect({ anomalies, readFailures, promptRefusals }).toEqual({ anomalies: [], readFailures: [], promptRefusals: [] });
    const blobsDeleted = gcRounds.reduce((sum, g) => sum + Number(g.execution.extraAttrs['blobs_deleted'] ?? 0), 0);
    const manifestsDeleted = gcRounds.reduce((sum, g) => sum + Number(g.execution.extraAttrs['manifests_deleted'] ?? 0), 0);
    // The test proves something only if GC really deleted a lot, untagged images included, while
    // acknowledged pushes were in flight.
    expect(blobsDeleted).toBeGreaterThanOrEqual(2_000);
    expect(manifestsDeleted).toBeGreaterThan(0);
    const overlapping = acknowledged.filter((p) => gcRounds.some((g) => p.startedAt < g.runningTo && p.endedAt > g.runningFrom));
    expect(overlapping.length).toBeGreaterThanOrEqual(ROUNDS);
    expect(acknowledged.filter((p) => p.how === 'skopeo').length).toBeGreaterThanOrEqual(ROUNDS / 2);
  }, 150_000);

  it('a final GC, once the clients are quiet for longer than its window, leaves nothing unreferenced', async () => {
    await sleep(Math.max(0, quietSince + WINDOW_MS + 1_000 - Date.now()));
    const gc = await runGc({ dry_run: false, delete_untagged: true, workers: 5, time_window: TIME_WINDOW_HOURS });
    expect(gc.execution.status).toBe('Success');
    // So whatever the verification below finds intact survived only because a tag reaches it.
    const left = await sql.one<{ untagged: string; unreferenced: string }>(
      `SELECT (SELECT count(*) FROM artifact a WHERE NOT EXISTS (SELECT 1 FROM tag t WHERE t.artifact_id = a.id))::text AS untagged,
              (SELECT count(*) FROM blob b WHERE NOT EXISTS (SELECT 1 FROM artifact_blob ab WHERE ab.blob_id = b.id))::text AS unreferenced`,
    );
    expect(left).toEqual({ untagged: '0', unreferenced: '0' });
  }, 60_000);

  it('after a restart (no cached manifest or blob), every acknowledged tag pulls back byte for byte', async () => {
    const restartAt = Date.now();
    await registry.restart();
    const verifyAt = Date.now();
    const live = tags.filter((t) => t.state !== 'deleted');
    const losses = (await mapLimit(live, 4, (t) => verifyImage(registry.url, t.repository, t.tag, t.image))).flat();
    const verifyMs = Date.now() - verifyAt;
    // Deleted tags stay deleted; the image under its other tag is checked above.
    const resurrected = (
      await mapLimit(
        tags.filter((t) => t.state === 'deleted'),
        4,
        async (t) => {
          const res = await fetch(`${registry.url}/v2/${t.repository}/manifests/${t.tag}`, { method: 'HEAD', headers: { Accept: OCI_MANIFEST } });
          return res.status === 404 ? [] : [`${t.repository}:${t.tag} was deleted but answers ${res.status}`];
        },
      )
    ).flat();

    const blobsDeleted = gcRounds.reduce((sum, g) => sum + Number(g.execution.extraAttrs['blobs_deleted'] ?? 0), 0);
    const manifestsDeleted = gcRounds.reduce((sum, g) => sum + Number(g.execution.extraAttrs['manifests_deleted'] ?? 0), 0);
    const overlapping = acknowledged.filter((p) => gcRounds.some((g) => p.startedAt < g.runningTo && p.endedAt > g.runningFrom)).length;
    const s = client.stats;
    console.log(
      `gc-safety: rounds=${ROUNDS}+1 run=${(runMs / 1000).toFixed(1)}s garbage_seeded=${seeded} blobs_deleted=${blobsDeleted} untagged_deleted=${manifestsDeleted} ` +
        `pushes=${counts.pushes} skopeo_runs=${counts.skopeoPushes} aliases=${counts.aliases} tag_deletes=${counts.deletes} retags=${counts.revives} ` +
        `acknowledged=${acknowledged.length} during_gc=${overlapping} retries=${counts.retries}+${counts.skopeoRetries}(skopeo) gave_up=${counts.gaveUp} ` +
        `head_present=${s.headPresent} head_absent=${s.headAbsent} mounted=${s.mounted} mount_fallbacks=${s.mountFellBack} uploads=${s.uploaded} ` +
        `reads_during_gc=${counts.reads} tags_verified=${live.length} losses=${losses.length} restart=${((verifyAt - restartAt) / 1000).toFixed(1)}s verify=${(verifyMs / 1000).toFixed(1)}s`,
    );
    expect(losses).toEqual([]);
    expect(resurrected).toEqual([]);
  }, 120_000);

  it('every blob the database still records has its bytes in storage', async () => {
    const rows = await sql.query<{ digest: string; size: string }>('SELECT digest, size::text AS size FROM blob');
    const damaged = (
      await mapLimit(rows, 8, async (r) => {
        const stat = await storage.stat(r.digest);
        return stat && stat.size === Number(r.size) ? [] : [`${r.digest}: recorded ${r.size} bytes, storage has ${stat ? stat.size : 'nothing'}`];
      })
    ).flat();
    expect(damaged).toEqual([]);
  }, 60_000);
});
