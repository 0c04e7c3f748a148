import { existsSync } from 'node:fs';
import { utimes, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { READ_ONLY_CACHE_MS } from '@wharf/db';
import { ExecutionStatus, Trigger, VendorType } from '@wharf/jobs';
import Redis from 'ioredis';
import { RepositoryChanges } from '../repository-changes';
import { runGc, Seeder, startTestJobService, type TestJobService } from '../testing';
import { TaskContext } from '../task-runner';
import { GarbageCollector, GC_READ_ONLY_MESSAGE } from './garbage-collector';
import { GcRunner } from './gc.runner';

const DAY = 86_400;
/** A window of one hour, in Harbor's unit. */
const HOUR_WINDOW = { time_window: 1 };

describe('garbage collection', () => {
  let t: TestJobService;
  let seed: Seeder;

  beforeEach(async () => {
    t = await startTestJobService({ uploadMaxAgeMs: 3600_000 });
    seed = new Seeder(t.sql, t.storage);
  });

  afterEach(async () => {
    await t.close();
  });

  const gc = (params: Record<string, unknown>) => runGc(t.service.executions, t.service.queues, params);
  const stored = async (digest: string) => (await t.storage.stat(digest)) !== null;
  const recorded = async (digest: string) => (await t.sql.one('SELECT 1 FROM blob WHERE digest = $1', [digest])) !== undefined;

  it('deletes old unreferenced blobs, rows and bytes, and keeps referenced and recent ones', async () => {
    const repo = await seed.repository('lib/app');
    const garbage = [await seed.blob(repo, 2 * DAY), await seed.blob(repo, 2 * DAY)];
    const fresh = await seed.blob(repo, 60);
    const layer = await seed.blob(repo, 2 * DAY);
    const image = await seed.artifact(repo, { blobIds: [layer.id], tags: ['v1'], ageSeconds: 2 * DAY });

    const run = await gc(HOUR_WINDOW);

    expect(run.status).toBe(ExecutionStatus.Success);
    expect(run.extraAttrs).toMatchObject({ blobs_deleted: 2, blob_bytes_freed: 128, freed_space: 128, dry_run: false });
    for (const g of garbage) {
      expect(await recorded(g.digest)).toBe(false);
      expect(await stored(g.digest)).toBe(false);
    }
    for (const kept of [fresh.digest, layer.digest, image.digest]) {
      expect(await recorded(kept)).toBe(true);
      expect(await stored(kept)).toBe(true);
    }
    const log = await t.service.executions.log(run.id);
    expect(log).toContain(`deleted blob ${garbage[0]!.digest}`);
    expect(log).toMatch(/finished: deleted 0 untagged artifacts, 2 blobs \(128 bytes\)/);
  });

  it('reports in a dry run exactly what the real run then deletes, and deletes nothing', async () => {
    const repo = await seed.repository('lib/dry');
    const layer = await seed.blob(repo, 2 * DAY);
    const shared = await seed.blob(repo, 2 * DAY);
    await seed.artifact(repo, { blobIds: [layer.id, shared.id], ageSeconds: 2 * DAY }); // untagged
    await seed.artifact(repo, { blobIds: [shared.id], tags: ['keep'], ageSeconds: 2 * DAY });
    for (let i = 0; i < 5; i++) await seed.blob(repo, 2 * DAY);
    const before = (await collect(t.storage.listBlobs())).sort();

    const dry = await gc({ ...HOUR_WINDOW, dry_run: true, delete_untagged: true });
    expect(dry.status).toBe(ExecutionStatus.Success);
    expect((await collect(t.storage.listBlobs())).sort()).toEqual(before);
    expect(await t.sql.one<{ n: string }>('SELECT count(*) AS n FROM artifact')).toEqual({ n: '2' });

    const real = await gc({ ...HOUR_WINDOW, delete_untagged: true });
    const after = new Set(await collect(t.storage.listBlobs()));
    const removed = before.filter((d) => !after.has(d));
    const counts = (e: typeof dry) => ({
      manifests: e.extraAttrs['manifests_deleted'],
      blobs: e.extraAttrs['blobs_deleted'],
      bytes: e.extraAttrs['freed_space'],
    });
    // 5 loose blobs + the untagged image's manifest and its own layer; the shared layer stays.
    expect(counts(dry)).toEqual({ manifests: 1, blobs: 7, bytes: expect.any(Number) });
    expect(counts(real)).toEqual(counts(dry));
    expect(removed).toHaveLength(7);
    expect(after.has(shared.digest)).toBe(true);
    expect(await recorded(layer.digest)).toBe(false);
  });

  it('deletes untagged artifacts only when asked, never what an index, a tag or a subject still needs', async () => {
    const repo = await seed.repository('lib/multi');
    const old = 2 * DAY;
    const childOfTagged = await seed.artifact(repo, { ageSeconds: old });
    await seed.artifact(repo, { children: [childOfTagged.id], tags: ['multi'], ageSeconds: old });
    const childOfUntagged = await seed.artifact(repo, { ageSeconds: old });
    const untaggedIndex = await seed.artifact(repo, { children: [childOfUntagged.id], ageSeconds: old });
    const tagged = await seed.artifact(repo, { tags: ['v1'], ageSeconds: old });
    const signatureOfTagged = await seed.artifact(repo, { subjectDigest: tagged.digest, ageSeconds: old });
    const recentUntagged = await seed.artifact(repo, { ageSeconds: 60 });
    const exists = async (id: string) => (await t.sql.one('SELECT 1 FROM artifact WHERE id = $1', [id])) !== undefined;

    const plain = await gc(HOUR_WINDOW);
    expect(plain.extraAttrs['manifests_deleted']).toBe(0);
    expect(await exists(untaggedIndex.id)).toBe(true);

    const run = await gc({ ...HOUR_WINDOW, delete_untagged: true });
    expect(run.extraAttrs['manifests_deleted']).toBe(2);
    expect(await exists(untaggedIndex.id)).toBe(false);
    expect(await exists(childOfUntagged.id)).toBe(false);
    expect(await recorded(untaggedIndex.digest)).toBe(false);
    for (const kept of [childOfTagged, tagged, signatureOfTagged, recentUntagged]) expect(await exists(kept.id)).toBe(true);
    expect(await stored(childOfTagged.digest)).toBe(true);
  });

  it('keeps an artifact and its blobs when one of its two tags is deleted', async () => {
    const repo = await seed.repository('lib/tags');
    const layer = await seed.blob(repo, 2 * DAY);
    const image = await seed.artifact(repo, { blobIds: [layer.id], tags: ['latest', 'v2'], ageSeconds: 2 * DAY });
    await t.sql.query("DELETE FROM tag WHERE name = 'latest'");

    const run = await gc({ ...HOUR_WINDOW, delete_untagged: true });

    expect(run.extraAttrs).toMatchObject({ manifests_deleted: 0, blobs_deleted: 0 });
    expect(await t.sql.query("SELECT name FROM tag WHERE artifact_id = $1", [image.id])).toEqual([{ name: 'v2' }]);
    expect(await stored(layer.digest)).toBe(true);
    expect(await stored(image.digest)).toBe(true);
  });

  it('purges abandoned uploads and removes old files that no row records', async () => {
    const repo = await seed.repository('lib/uploads');
    void repo;
    const old = new Date(Date.now() - 2 * DAY * 1000);
    await t.storage.createUpload('abandoned');
    await t.sql.query("INSERT INTO upload (id, repository_name, updated_at) VALUES ('abandoned', 'lib/uploads', now() - interval '2 days')");
    await t.storage.createUpload('active');
    await t.sql.query("INSERT INTO upload (id, repository_name) VALUES ('active', 'lib/uploads')");
    await t.storage.createUpload('stray');
    await utimes(join(t.config.dataDir, 'uploads', 'stray'), old, old);
    const orphanBytes = Buffer.from('bytes whose row never came');
    const orphan = `sha256:${require('node:crypto').createHash('sha256').update(orphanBytes).digest('hex')}`;
    const dir = join(t.config.dataDir, 'blobs', 'sha256', orphan.slice(7, 9));
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, orphan.slice(7)), orphanBytes);
    await utimes(join(dir, orphan.slice(7)), old, old);
    const recentOrphan = Buffer.from('a commit whose row is on its way');
    const recentDigest = `sha256:${require('node:crypto').createHash('sha256').update(recentOrphan).digest('hex')}`;
    await t.storage.putBlob(recentDigest, recentOrphan);
    // A putBlob a crash interrupted long ago, beside the blob it was writing, and one under way.
    const interrupted = join(dir, '.4242-5d8c6174-ab90-4e30-9c79-5e4f3a2b1c0d.tmp');
    await writeFile(interrupted, 'half a manifest');
    await utimes(interrupted, old, old);
    const underWay = join(dir, '.4242-6e9d7285-bca1-4f41-8d8a-6f5a4b3c2d1e.tmp');
    await writeFile(underWay, 'being written');
    // Closed session ids: one past the age limit (no longer presentable), one recent.
    await t.sql.query("INSERT INTO upload_closed (id, closed_at) VALUES ('closed-long-ago', now() - interval '2 days'), ('closed-recently', now())");

    const run = await gc(HOUR_WINDOW);

    expect(run.extraAttrs).toMatchObject({ uploads_purged: 3, orphan_files_deleted: 1, orphan_bytes_freed: orphanBytes.length });
    expect(existsSync(interrupted)).toBe(false);
    expect(existsSync(underWay)).toBe(true);
    expect((await collect(t.storage.listUploads())).map((u) => u.id)).toEqual(['active']);
    expect(await t.sql.query('SELECT id FROM upload')).toEqual([{ id: 'active' }]);
    expect(await t.sql.query('SELECT id FROM upload_closed')).toEqual([{ id: 'closed-recently' }]);
    expect(await stored(orphan)).toBe(false);
    expect(await stored(recentDigest)).toBe(true);
  });

  it('keeps project usage exact through GC and corrects a figure that drifted', async () => {
    const repo = await seed.repository('quota/app');
    const layer = await seed.blob(repo, 2 * DAY);
    await seed.artifact(repo, { blobIds: [layer.id], ageSeconds: 2 * DAY }); // untagged: GC takes it
    const kept = await seed.artifact(repo, { tags: ['v1'], ageSeconds: 2 * DAY });
    const used = async () => t.sql.one<{ used: string; actual: string }>(
      "SELECT q.used, quota_recomputed(p.id) AS actual FROM project p JOIN quota q ON q.project_id = p.id WHERE p.name = 'quota'",
    );
    const run = await gc({ ...HOUR_WINDOW, delete_untagged: true });
    expect(run.extraAttrs['quotas_corrected']).toBe(0);
    const size = await t.sql.one<{ size: string }>('SELECT size FROM blob WHERE id = $1', [kept.manifestBlobId]);
    expect(await used()).toEqual({ used: size!.size, actual: size!.size });

    await t.sql.query("UPDATE quota SET used = used + 999 WHERE project_id = (SELECT id FROM project WHERE name = 'quota')");
    const fixing = await gc(HOUR_WINDOW);
    expect(fixing.extraAttrs['quotas_corrected']).toBe(1);
    expect(await t.service.executions.log(fixing.id)).toMatch(/project quota recorded \d+ bytes used, its references add up to \d+; corrected/);
    expect(await used()).toEqual({ used: size!.size, actual: size!.size });
  });

  it('releases a project from old blobs its artifacts no longer reference, while another project keeps them', async () => {
    const mine = await seed.repository('mine/app');
    const theirs = await seed.repository('theirs/app');
    const base = Buffer.from('a base layer both projects pushed'.repeat(10));
    // Both repositories hold the base layer; only the other project's image still references it
    // (this project's image was deleted).
    const shared = await seed.blob(mine, 2 * DAY, base);
    await seed.blob(theirs, 2 * DAY, base);
    await seed.artifact(theirs, { blobIds: [shared.id], tags: ['v1'], ageSeconds: 2 * DAY });
    // Uploaded a minute ago and not referenced here yet: a push in progress keeps it.
    const recent = await seed.blob(mine, 60);
    await seed.artifact(theirs, { blobIds: [recent.id], tags: ['v2'], ageSeconds: 2 * DAY });
    const usage = async (project: string) =>
      t.sql.one<{ used: string; actual: string }>(
        'SELECT q.used, quota_recomputed(p.id) AS actual FROM project p JOIN quota q ON q.project_id = p.id WHERE p.name = $1',
        [project],
      );
    expect(await usage('mine')).toEqual({ used: String(shared.size + recent.size), actual: String(shared.size + recent.size) });
    const before = await usage('theirs');

    const dry = await gc({ ...HOUR_WINDOW, dry_run: true });
    expect(dry.extraAttrs['blob_links_released']).toBe(1);
    expect(await usage('mine')).toEqual({ used: String(shared.size + recent.size), actual: String(shared.size + recent.size) });

    const run = await gc(HOUR_WINDOW);
    expect(run.extraAttrs).toMatchObject({ blob_links_released: 1, blobs_deleted: 0 });
    expect(await usage('mine')).toEqual({ used: String(recent.size), actual: String(recent.size) });
    expect(await usage('theirs')).toEqual(before);
    // The other project's image is untouched: the blob is still recorded, stored and linked there.
    expect(await recorded(shared.digest)).toBe(true);
    expect(await stored(shared.digest)).toBe(true);
    expect(await t.sql.query('SELECT r.name FROM repository_blob rb JOIN repository r ON r.id = rb.repository_id WHERE rb.blob_id = $1', [shared.id])).toEqual([{ name: 'theirs/app' }]);
  });

  it('deletes the rows of repositories that never recorded an artifact once they hold nothing', async () => {
    const gone = await seed.repository('empty/refused');
    const busy = await seed.repository('empty/uploading');
    const young = await seed.repository('empty/young');
    const listed = await seed.repository('empty/emptied');
    await t.sql.query("UPDATE repository SET first_push_time = NULL, created_at = now() - interval '2 days' WHERE id = ANY($1::bigint[])", [[gone, busy]]);
    await t.sql.query('UPDATE repository SET first_push_time = NULL WHERE id = $1', [young]);
    // Emptied by deletes after its first artifact: listed, and kept until someone deletes it.
    await t.sql.query("UPDATE repository SET created_at = now() - interval '2 days', first_push_time = now() - interval '1 day' WHERE id = $1", [listed]);
    await t.sql.query("INSERT INTO upload (id, repository_name) VALUES ('pending-upload', 'empty/uploading')");
    const names = async () => (await t.sql.query<{ name: string }>("SELECT name FROM repository WHERE name LIKE 'empty/%' ORDER BY name")).map((r) => r.name);

    const dry = await gc({ ...HOUR_WINDOW, dry_run: true });
    expect(dry.extraAttrs['repositories_deleted']).toBe(1);
    expect(await names()).toEqual(['empty/emptied', 'empty/refused', 'empty/uploading', 'empty/young']);
    const run = await gc(HOUR_WINDOW);
    expect(run.extraAttrs['repositories_deleted']).toBe(1);
    expect(await names()).toEqual(['empty/emptied', 'empty/uploading', 'empty/young']);
    expect(await t.service.executions.log(run.id)).toContain('deleted empty repository empty/refused, which never held an artifact');
  });

  /** Core's switch, as PUT /configurations stores it; waits out the jobservice's copy of the old value. */
  async function setReadOnly(on: boolean): Promise<void> {
    await t.sql.query(`INSERT INTO setting (key, value) VALUES ('read_only', $1::jsonb) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [JSON.stringify(on)]);
    await new Promise((r) => setTimeout(r, READ_ONLY_CACHE_MS + 100));
  }

  it('in read-only mode ends a real run in Error before it deletes anything; a dry run still runs; switched off, GC deletes again', async () => {
    const repo = await seed.repository('lib/frozen');
    const garbage = await seed.blob(repo, 2 * DAY);
    const untagged = await seed.artifact(repo, { ageSeconds: 2 * DAY });
    await setReadOnly(true);

    const refused = await gc({ ...HOUR_WINDOW, delete_untagged: true });
    expect(refused.status).toBe(ExecutionStatus.Error);
    expect(refused.statusMessage).toBe(GC_READ_ONLY_MESSAGE);
    expect(refused.extraAttrs).toMatchObject({ read_only: true, blobs_deleted: 0, manifests_deleted: 0 });
    expect(await t.service.executions.log(refused.id)).toContain(`[WARNING] ${GC_READ_ONLY_MESSAGE}: skipped`);
    for (const digest of [garbage.digest, untagged.digest]) {
      expect(await recorded(digest)).toBe(true);
      expect(await stored(digest)).toBe(true);
    }

    const dry = await gc({ ...HOUR_WINDOW, delete_untagged: true, dry_run: true });
    expect(dry.status).toBe(ExecutionStatus.Success);
    expect(dry.extraAttrs).toMatchObject({ blobs_deleted: 2, manifests_deleted: 1 });
    expect(await recorded(garbage.digest)).toBe(true);

    await setReadOnly(false);
    const real = await gc({ ...HOUR_WINDOW, delete_untagged: true });
    expect(real.status).toBe(ExecutionStatus.Success);
    expect(real.extraAttrs).toMatchObject({ blobs_deleted: 2, manifests_deleted: 1 });
    expect(await recorded(garbage.digest)).toBe(false);
    expect(await stored(garbage.digest)).toBe(false);
  });

  it('stops a running GC at its next page once read-only mode is switched on, keeping what it had not deleted yet', async () => {
    const repo = await seed.repository('lib/midway');
    const untagged = await seed.artifact(repo, { ageSeconds: 2 * DAY });
    const garbage = await seed.blob(repo, 2 * DAY);
    // Off when it starts and at its first checkpoint (after the uploads), on after the untagged artifacts' page.
    let asked = 0;
    const readOnly = async () => asked++ >= 2;
    const warnings: string[] = [];
    const redis = new Redis(t.config.redisUrl);
    try {
      const collector = new GarbageCollector(
        { sql: t.sql, storage: t.storage, changes: new RepositoryChanges(redis), uploadMaxAgeMs: 3600_000, readOnly },
        { ...HOUR_WINDOW, delete_untagged: true },
        { info: () => undefined, warn: (m) => warnings.push(m), save: async () => undefined, shouldStop: async () => false },
      );
      const report = await collector.run();
      expect(report).toMatchObject({ read_only: true, manifests_deleted: 1, blobs_deleted: 0 });
      expect(warnings).toContain(`${GC_READ_ONLY_MESSAGE}: stopped before the next page`);
    } finally {
      redis.disconnect();
    }
    expect(await t.sql.one('SELECT 1 FROM artifact WHERE id = $1', [untagged.id])).toBeUndefined();
    expect(await recorded(garbage.digest)).toBe(true);
    expect(await stored(garbage.digest)).toBe(true);
  });

  it('stops and fails, without ending the process, when PostgreSQL ends the connection holding the GC lock', async () => {
    const repo = await seed.repository('lib/lock-lost');
    const garbage = await seed.blob(repo, 2 * DAY);
    const created = await t.service.executions.create({ vendorType: VendorType.GarbageCollection, trigger: Trigger.Manual, parameters: HOUR_WINDOW, tasks: 1 });
    if (created === 'busy') throw new Error('unexpected busy');
    const taskId = created.taskIds[0]!;
    await t.service.executions.startTask(taskId, 'lock-lost');
    const execution = await t.service.executions.get(created.executionId);
    if (!execution) throw new Error('no execution');
    const ctx = new TaskContext(execution, taskId, 1, t.service.executions);
    // The collector's first question (before any page) is when the lock's connection is ended, as a PostgreSQL restart would.
    let asked = 0;
    const readOnly = async () => {
      if (asked++ === 0) {
        const ended = await t.sql.query<{ ended: boolean }>(
          "SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name = 'wharf-gc-lock' AND datname = current_database()",
        );
        expect(ended).toEqual([{ ended: true }]);
        await new Promise((r) => setTimeout(r, 300));
      }
      return false;
    };
    const redis = new Redis(t.config.redisUrl);
    try {
      const runner = new GcRunner(t.db.url, t.sql, t.storage, new RepositoryChanges(redis), 3600_000, readOnly);
      const outcome = await runner.run(ctx).finally(() => ctx.close());
      expect(outcome.status).toBe(ExecutionStatus.Error);
      expect(outcome.message).toMatch(/^lost the database connection holding the GC lock: /);
    } finally {
      redis.disconnect();
    }
    expect(await recorded(garbage.digest)).toBe(true);
    expect(await stored(garbage.digest)).toBe(true);
  });

  it('refuses a second GC while one is waiting or running', async () => {
    await t.service.executions.create({ vendorType: 'GARBAGE_COLLECTION' as never, trigger: 'MANUAL' as never });
    await expect(gc(HOUR_WINDOW)).rejects.toThrow(/already running/);
  });
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const i of items) out.push(i);
  return out;
}
