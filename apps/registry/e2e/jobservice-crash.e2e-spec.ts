import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Sql } from '@wharf/db';
import { createTestDatabase, type TestDatabase } from '@wharf/db/testing';
import { type ArtifactEvent, eventsStream, type Execution, ExecutionStatus, ExecutionStore, isFinal, JobQueues, launchExecution, Trigger, VendorType } from '@wharf/jobs';
import { FilesystemDriver } from '@wharf/storage';
import Redis from 'ioredis';
import { Pool } from 'pg';
import { dropQueueKeys, JobServiceProcess } from '@wharf/testing';

/**
 * A jobservice SIGKILLed in the middle of a task: the queue's stalled-job check in another
 * jobservice process takes the task again (its run_count says so) and the run ends as one
 * uninterrupted run would have. Real processes from the build, one database, storage root and
 * queue prefix; a two-second queue lock (JOBSERVICE_LOCK_SECONDS) keeps the takeover quick.
 */

const REDIS_URL = 'redis://127.0.0.1:6379';
const DAY_MS = 86_400_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface SeedBlob {
  digest: string;
  size: number;
  content: Buffer;
}

function blobOf(content: Buffer): SeedBlob {
  return { digest: `sha256:${createHash('sha256').update(content).digest('hex')}`, size: content.length, content };
}

const randomBlob = (size: number) => blobOf(randomBytes(size));

function shuffled<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** An artifact to seed: its manifest blob, the other blobs it references, tags, age, children. */
interface SeedArtifact {
  manifest: SeedBlob;
  layers: SeedBlob[];
  tags: string[];
  ageMs: number;
  children?: SeedArtifact[];
}

describe('a jobservice killed mid-task: another takes the task again and finishes it exactly', () => {
  const prefix = `wharf-e2e-crash-${randomBytes(4).toString('hex')}`;
  let db: TestDatabase;
  let dataDir: string;
  let pool: Pool;
  let sql: Sql;
  let executions: ExecutionStore;
  let queues: JobQueues;
  let storage: FilesystemDriver;
  const processes: JobServiceProcess[] = [];

  const startJobService = async () => {
    const p = await JobServiceProcess.start({
      databaseUrl: db.url,
      dataDir,
      redisUrl: REDIS_URL,
      queuePrefix: prefix,
      workers: 2,
      env: { JOBSERVICE_LOCK_SECONDS: '2' },
    });
    processes.push(p);
    return p;
  };

  const logs = () => processes.map((p, i) => `--- jobservice ${i + 1}\n${p.logs().slice(-3000)}`).join('\n');

  async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await probe();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms\n${logs()}`);
      await sleep(10);
    }
  }

  const finished = (id: string, timeoutMs = 60_000) =>
    waitFor(`execution ${id} did not finish`, async () => {
      const e = await executions.get(id);
      return e && isFinal(e.status) ? e : undefined;
    }, timeoutMs);

  async function launch(vendorType: VendorType, parameters: Record<string, unknown>, vendorId?: string): Promise<string> {
    const created = await launchExecution(executions, queues, { vendorType, vendorId, trigger: Trigger.Manual, parameters, exclusive: true });
    if (created === 'busy') throw new Error(`a ${vendorType} execution is still unfinished`);
    return created.executionId;
  }

  async function onlyTask(executionId: string) {
    const tasks = await executions.tasks(executionId);
    expect(tasks).toHaveLength(1);
    return tasks[0]!;
  }

  async function writeFiles(blobs: SeedBlob[], modified: Date): Promise<void> {
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < blobs.length) {
          const b = blobs[next++]!;
          const file = storage.localPath(b.digest);
          await mkdir(dirname(file), { recursive: true });
          await writeFile(file, b.content);
          await utimes(file, modified, modified);
        }
      }),
    );
  }

  /** Blob rows (in the order given: ids interleave as listed), linked to the repository; answers digest -> id. */
  async function insertBlobs(repositoryId: string, blobs: SeedBlob[], lastSeen: Date): Promise<Map<string, string>> {
    const rows = await sql.query<{ id: string; digest: string }>(
      `INSERT INTO blob (digest, size, last_seen_at, created_at) SELECT d, s, $3, $3 FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY AS u(d, s, n) ORDER BY n
       RETURNING id, digest`,
      [blobs.map((b) => b.digest), blobs.map((b) => b.size), lastSeen],
    );
    const ids = rows.map((r) => r.id);
    await sql.query('INSERT INTO repository_blob (repository_id, blob_id) SELECT $1, unnest($2::bigint[])', [repositoryId, ids]);
    return new Map(rows.map((r) => [r.digest, r.id]));
  }

  /** Artifact, reference, index and tag rows for blobs already inserted; answers manifest digest -> artifact id. */
  async function insertArtifacts(repositoryId: string, artifacts: SeedArtifact[], blobIds: Map<string, string>): Promise<Map<string, string>> {
    const all = artifacts.flatMap((a) => [a, ...(a.children ?? [])]);
    const now = Date.now();
    const rows = await sql.query<{ id: string; digest: string }>(
      `INSERT INTO artifact (repository_id, digest, media_type, manifest_size, total_size, push_time)
       SELECT $1, d, 'application/vnd.oci.image.manifest.v1+json', s, s, to_timestamp(t / 1000.0) FROM unnest($2::text[], $3::bigint[], $4::float8[]) AS u(d, s, t)
       RETURNING id, digest`,
      [repositoryId, all.map((a) => a.manifest.digest), all.map((a) => a.manifest.size), all.map((a) => now - a.ageMs)],
    );
    const ids = new Map(rows.map((r) => [r.digest, r.id]));
    const refs = all.flatMap((a) => [a.manifest, ...a.layers].map((b) => [ids.get(a.manifest.digest)!, blobIds.get(b.digest)!]));
    await sql.query('INSERT INTO artifact_blob (artifact_id, blob_id) SELECT unnest($1::bigint[]), unnest($2::bigint[])', [refs.map((r) => r[0]), refs.map((r) => r[1])]);
    const children = artifacts.flatMap((a) => (a.children ?? []).map((c) => [ids.get(a.manifest.digest)!, ids.get(c.manifest.digest)!]));
    if (children.length > 0) {
      await sql.query('INSERT INTO artifact_reference (parent_id, child_id) SELECT unnest($1::bigint[]), unnest($2::bigint[])', [children.map((c) => c[0]), children.map((c) => c[1])]);
    }
    const tags = all.flatMap((a) => a.tags.map((t) => [ids.get(a.manifest.digest)!, t]));
    await sql.query('INSERT INTO tag (repository_id, artifact_id, name, push_time) SELECT $1, a.id, u.name, a.push_time FROM unnest($2::bigint[], $3::text[]) AS u(aid, name) JOIN artifact a ON a.id = u.aid', [
      repositoryId,
      tags.map((t) => t[0]),
      tags.map((t) => t[1]),
    ]);
    return ids;
  }

  async function repository(name: string): Promise<string> {
    const project = name.split('/')[0];
    await sql.query('INSERT INTO project (name) VALUES ($1) ON CONFLICT DO NOTHING', [project]);
    const row = await sql.one<{ id: string }>('INSERT INTO repository (name, project_id) SELECT $1, id FROM project WHERE name = $2 RETURNING id', [name, project]);
    return row!.id;
  }

  const quota = async (project: string) =>
    (await sql.one<{ used: string; actual: string }>('SELECT q.used::text, quota_recomputed(p.id)::text AS actual FROM project p JOIN quota q ON q.project_id = p.id WHERE p.name = $1', [project]))!;

  beforeAll(async () => {
    db = await createTestDatabase('wharf_crash');
    dataDir = await mkdtemp(join(tmpdir(), 'wharf-crash-'));
    pool = new Pool({ connectionString: db.url, max: 4 });
    pool.on('error', () => undefined);
    sql = new Sql(pool);
    executions = new ExecutionStore(sql);
    queues = new JobQueues({ redisUrl: REDIS_URL, prefix });
    storage = new FilesystemDriver(dataDir);
  });

  afterEach(async () => {
    for (const p of processes.splice(0)) await p.stop().catch(() => p.kill());
  });

  afterAll(async () => {
    await queues?.close();
    await pool?.end().catch(() => undefined);
    await db?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    await dropQueueKeys(REDIS_URL, prefix);
  });

  it('garbage collection: deletes exactly the garbage, keeps every referenced blob and leaves quota usage exact', async () => {
    const repositoryId = await repository('crash/app');
    const shared = randomBlob(3_000);
    const kept: SeedArtifact[] = Array.from({ length: 300 }, (_, i) => ({ manifest: randomBlob(200), layers: [randomBlob(1_000 + i), shared], tags: [`v${i}`], ageMs: DAY_MS }));
    const untagged: SeedArtifact[] = Array.from({ length: 200 }, () => ({ manifest: randomBlob(200), layers: [randomBlob(900), shared], tags: [], ageMs: DAY_MS }));
    const loose = Array.from({ length: 9_000 }, () => randomBlob(64));
    const keptBlobs = [shared, ...kept.flatMap((a) => [a.manifest, a.layers[0]!])];
    const garbage = [...untagged.flatMap((a) => [a.manifest, a.layers[0]!]), ...loose];
    const aDayAgo = new Date(Date.now() - DAY_MS);
    await writeFiles([...keptBlobs, ...garbage], aDayAgo);
    const blobIds = await insertBlobs(repositoryId, shuffled([...keptBlobs, ...garbage]), aDayAgo);
    await insertArtifacts(repositoryId, [...kept, ...untagged], blobIds);
    const keptBytes = keptBlobs.reduce((n, b) => n + b.size, 0);
    // The project pays for every blob its repository holds, referenced or not.
    expect(Number((await quota('crash')).used)).toBe(keptBytes + garbage.reduce((n, b) => n + b.size, 0));

    const first = await startJobService();
    // What one uninterrupted run does, as its dry run reports it.
    const plan = await finished(await launch(VendorType.GarbageCollection, { dry_run: true, delete_untagged: true, time_window: 1 }));
    const figures = (e: Execution) => ['manifests_deleted', 'blobs_deleted', 'blob_bytes_freed', 'orphan_files_deleted', 'orphan_bytes_freed', 'freed_space'].map((k) => [k, e.extraAttrs[k]]);
    expect(Object.fromEntries(figures(plan))).toMatchObject({ manifests_deleted: 200, blobs_deleted: garbage.length, orphan_files_deleted: 0 });

    const id = await launch(VendorType.GarbageCollection, { dry_run: false, delete_untagged: true, workers: 2, time_window: 1 });
    const started = Date.now();
    // Killed once it is deleting blobs, before it is done with them.
    await waitFor(
      'GC did not start deleting blobs',
      async () => {
        const [task] = await executions.tasks(id);
        if (task && isFinal(task.status)) throw new Error(`GC ended (${task.status}) before it could be killed; seed more garbage`);
        return Number(task?.extraAttrs['blobs_deleted'] ?? 0) > 0 ? task : undefined;
      },
      60_000,
    );
    await first.kill();
    const killedAt = Date.now();
    const left = Number((await sql.one<{ n: string }>('SELECT count(*) AS n FROM blob'))!.n);
    const interrupted = await onlyTask(id);
    expect(interrupted).toMatchObject({ status: ExecutionStatus.Running, runCount: 1 });
    // Mid-run for real: some garbage rows are gone, some are not.
    expect(left).toBeLessThan(keptBlobs.length + garbage.length);
    expect(left).toBeGreaterThan(keptBlobs.length);

    await startJobService();
    const execution: Execution = await finished(id);
    const task = await onlyTask(id);
    const log = await executions.log(id);
    expect({ status: execution.status, message: execution.statusMessage }).toEqual({ status: ExecutionStatus.Success, message: '' });
    expect(task.runCount).toBe(2);
    expect(log).toMatch(/run 2: the previous run of this task was interrupted/);
    console.log(`GC killed ${killedAt - started} ms after launch with ${left - keptBlobs.length} garbage rows left; taken again and finished ${Date.now() - killedAt} ms after the kill (run_count ${task.runCount})`);
    // The figures of the whole run, the interrupted part's included, and no bookkeeping left among them.
    expect(figures(execution)).toEqual(figures(plan));
    expect(Object.keys(execution.extraAttrs).filter((k) => k.startsWith('gc_pending'))).toEqual([]);

    // What one uninterrupted run leaves: the referenced blobs, rows and bytes, and nothing else.
    const rows = await sql.query<{ digest: string; size: string }>('SELECT digest, size::text FROM blob');
    expect(new Set(rows.map((r) => r.digest))).toEqual(new Set(keptBlobs.map((b) => b.digest)));
    const files: string[] = [];
    for await (const digest of storage.listBlobs()) files.push(digest);
    expect(new Set(files)).toEqual(new Set(keptBlobs.map((b) => b.digest)));
    for (const b of keptBlobs) expect((await storage.readAll(b.digest)).equals(b.content)).toBe(true);
    expect(await readdir(join(dataDir, 'gc')).catch(() => [])).toEqual([]);
    const artifacts = await sql.query<{ digest: string }>('SELECT digest FROM artifact');
    expect(new Set(artifacts.map((a) => a.digest))).toEqual(new Set(kept.map((a) => a.manifest.digest)));
    const usage = await quota('crash');
    expect(Number(usage.used)).toBe(keptBytes);
    expect(usage.actual).toBe(usage.used);

    // And a dry run afterwards finds nothing left to collect.
    const check = await finished(await launch(VendorType.GarbageCollection, { dry_run: true, delete_untagged: true, time_window: 1 }));
    expect(check.extraAttrs).toMatchObject({ manifests_deleted: 0, blobs_deleted: 0, orphan_files_deleted: 0, quotas_corrected: 0 });
  });

  it('tag retention: the resumed run deletes what the dry run planned and reports the whole run', async () => {
    const repositories = ['keep/a', 'keep/b', 'keep/c'];
    const seeded = new Map<string, SeedArtifact[]>();
    let seededBytes = 0;
    for (const name of repositories) {
      const repositoryId = await repository(name);
      const layer = randomBlob(5_000);
      const artifacts: SeedArtifact[] = Array.from({ length: 240 }, (_, i) => ({ manifest: randomBlob(100 + i), layers: [layer], tags: [`v${i}`], ageMs: (i + 1) * 3_600_000 }));
      const child = () => ({ manifest: randomBlob(150), layers: [randomBlob(700)], tags: [], ageMs: 30 * DAY_MS });
      artifacts.push({ manifest: randomBlob(300), layers: [], tags: ['multi'], ageMs: 30 * DAY_MS, children: [child(), child()] });
      const blobs = [layer, ...artifacts.flatMap((a) => [a, ...(a.children ?? [])]).flatMap((a) => [a.manifest, ...a.layers.filter((l) => l !== layer)])];
      await insertArtifacts(repositoryId, artifacts, await insertBlobs(repositoryId, blobs, new Date()));
      seeded.set(name, artifacts);
      seededBytes += blobs.reduce((n, b) => n + b.size, 0);
    }
    const rules = [
      {
        id: 1,
        priority: 0,
        disabled: false,
        action: 'retain',
        template: 'latestPushedK',
        params: { latestPushedK: 10 },
        tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: '**', extras: JSON.stringify({ untagged: false }) }],
        scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: '**', extras: '' }] },
      },
    ];
    const policy = await sql.one<{ id: string }>(
      `INSERT INTO retention_policy (project_id, rules, trigger) SELECT id, $1, '{"kind":"Schedule","settings":{"cron":""}}' FROM project WHERE name = 'keep' RETURNING id`,
      [JSON.stringify(rules)],
    );
    type Row = { repository: string; status: string; total: number; retained: number; log: string; deleted_now: number };
    const repositoryTasks = (executionId: string) =>
      sql.query<Row>(`SELECT t.repository, t.status, t.total, t.retained, t.log,
                (SELECT count(*)::int FROM retention_deletion d WHERE d.task_id = t.id) AS deleted_now
           FROM retention_task t WHERE t.execution_id = $1 ORDER BY t.repository`, [executionId]);
    /** The decision log without times: the artifacts in order, each with its verdict. */
    const decisions = (log: string) => [...log.matchAll(/\] (RETAIN|DELETE) (sha256:[0-9a-f]+)/g)].map((m) => `${m[1]} ${m[2]}`);
    const digests = async () =>
      new Set((await sql.query<{ digest: string }>("SELECT a.digest FROM artifact a JOIN repository r ON r.id = a.repository_id WHERE r.name LIKE 'keep/%'")).map((r) => r.digest));

    const first = await startJobService();
    const dry = await finished(await launch(VendorType.Retention, { dry_run: true }, policy!.id));
    expect(dry.status).toBe(ExecutionStatus.Success);
    const planned = await repositoryTasks(dry.id);
    expect(planned.map((r) => [r.repository, r.total, r.retained])).toEqual(repositories.map((r) => [r, 241, 10]));
    const before = await digests();

    const id = await launch(VendorType.Retention, { dry_run: false }, policy!.id);
    const started = Date.now();
    // Killed inside the second repository: the first is done, the second half done, the third untouched.
    const atKill = await waitFor(
      'retention did not reach its second repository',
      async () => {
        const rows = await repositoryTasks(id);
        if (rows.length === 3 && rows.every((r) => isFinal(r.status))) throw new Error('retention ended before it could be killed; seed more artifacts');
        return rows.some((r) => r.status === 'Success') && rows.some((r) => r.status === 'Running' && r.deleted_now > 0) ? rows : undefined;
      },
      60_000,
    );
    await first.kill();
    const killedAt = Date.now();
    const stateAtKill = (await repositoryTasks(id)).map((r) => `${r.repository}:${r.status}:${r.deleted_now}`);
    expect(atKill.filter((r) => r.status === 'Success').length).toBeGreaterThanOrEqual(1);
    expect((await onlyTask(id)).status).toBe(ExecutionStatus.Running);

    await startJobService();
    const execution = await finished(id);
    const task = await onlyTask(id);
    expect(execution.status).toBe(ExecutionStatus.Success);
    expect(task.runCount).toBe(2);
    console.log(`retention killed ${killedAt - started} ms after launch (${stateAtKill.join(', ')}); finished ${Date.now() - killedAt} ms after the kill (run_count ${task.runCount})`);

    // Every repository as the dry run planned it: the same counts and the same verdict for each artifact, in order.
    const done = await repositoryTasks(id);
    expect(done.map((r) => [r.repository, r.status, r.total, r.retained])).toEqual(planned.map((r) => [r.repository, 'Success', r.total, r.retained]));
    for (const [i, row] of done.entries()) expect(decisions(row.log)).toEqual(decisions(planned[i]!.log));
    expect(execution.extraAttrs).toMatchObject({ dry_run: false, repositories: 3, total: 3 * 241, retained: 30, deleted: 3 * 231 });

    // The database holds what the plan leaves: the ten newest of each repository, no index child left behind.
    const expected = new Set(repositories.flatMap((r) => seeded.get(r)!.filter((a) => a.tags.length > 0 && a.ageMs <= 10 * 3_600_000).map((a) => a.manifest.digest)));
    const after = await digests();
    expect(after).toEqual(expected);
    const plannedDeletions = new Set(planned.flatMap((r) => decisions(r.log).filter((d) => d.startsWith('DELETE')).map((d) => d.slice(7))));
    expect(new Set([...before].filter((d) => !after.has(d) && !plannedDeletions.has(d))).size).toBe(2 * 3);
    const usage = await quota('keep');
    expect(usage.used).toBe(usage.actual);
    // Each planned deletion is in the audit log once, written with the deletion: the interrupted part's too, none twice.
    const audited = await sql.query<{ resource: string }>("SELECT resource FROM audit_log WHERE operation = 'delete' AND username = 'harbor-jobservice'");
    expect(audited).toHaveLength(plannedDeletions.size);
    expect(new Set(audited.map((a) => a.resource.slice(a.resource.indexOf('@') + 1)))).toEqual(plannedDeletions);
    // The deleted artifacts' blobs are still in their repositories (garbage collection takes them),
    // so the project still pays for every blob seeded.
    expect(Number(usage.used)).toBe(seededBytes);

    // One TAG_RETENTION event, naming every artifact the run deleted, the interrupted part's included.
    const redis = new Redis(REDIS_URL);
    try {
      const events = (await redis.xrange(eventsStream(prefix), '-', '+'))
        .map(([, fields]) => JSON.parse(fields[1]!) as ArtifactEvent & { retention?: { total: number; retained: number; deleted_artifact: unknown[] } })
        .filter((e) => e.type === 'TAG_RETENTION');
      expect(events).toHaveLength(1);
      expect(events[0]!.retention).toMatchObject({ total: 3 * 241, retained: 30, result: 'SUCCESS' });
      expect(events[0]!.retention!.deleted_artifact).toHaveLength(3 * 231);
    } finally {
      redis.disconnect();
    }
  });
});
