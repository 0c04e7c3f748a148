import { type ArtifactEvent, type Execution, ExecutionStatus, eventsStream, launchExecution, Trigger, VendorType } from '@wharf/jobs';
import Redis from 'ioredis';
import { Client } from 'pg';
import { READ_ONLY_CACHE_MS } from '@wharf/db';
import { Seeder, startTestJobService, type TestJobService, waitForExecution } from '../testing';
import type { RetentionEvent } from './retention-events';
import { RETENTION_READ_ONLY_MESSAGE } from './retention.runner';

const DAY = 86_400;

const tagSel = (pattern: string, decoration = 'matches', untagged = false) => ({ kind: 'doublestar', decoration, pattern, extras: JSON.stringify({ untagged }) });
const repoSel = (pattern: string, decoration = 'repoMatches') => ({ kind: 'doublestar', decoration, pattern, extras: '' });

function rule(id: number, template: string, n: number | undefined, tags: object[], repos: object[] = [repoSel('**'), repoSel('tmp-*', 'repoExcludes')]) {
  return { id, priority: 0, disabled: false, action: 'retain', template, params: n === undefined ? {} : { [template]: n }, tag_selectors: tags, scope_selectors: { repository: repos } };
}

interface RepositoryTask {
  id: string;
  repository: string;
  status: string;
  total: number;
  retained: number;
  log: string;
}

describe('tag retention runs', () => {
  let t: TestJobService;
  let seed: Seeder;
  let redis: Redis;

  beforeEach(async () => {
    t = await startTestJobService();
    seed = new Seeder(t.sql, t.storage);
    redis = new Redis(t.config.jobRedisUrl);
  });

  afterEach(async () => {
    redis.disconnect();
    await t.close();
  });

  async function policy(project: string, rules: object[]): Promise<string> {
    const row = await t.sql.one<{ id: string }>(
      `INSERT INTO retention_policy (project_id, rules, trigger) SELECT id, $2, '{"kind":"Schedule","settings":{"cron":""}}' FROM project WHERE name = $1 RETURNING id`,
      [project, JSON.stringify(rules)],
    );
    return row!.id;
  }

  /** A manual run, `operator` as core records who started it. */
  async function run(policyId: string, dryRun: boolean, operator?: string): Promise<Execution> {
    const created = await launchExecution(t.service.executions, t.service.queues, {
      vendorType: VendorType.Retention,
      vendorId: policyId,
      trigger: Trigger.Manual,
      parameters: { dry_run: dryRun },
      extraAttrs: operator === undefined ? {} : { operator },
      exclusive: true,
    });
    if (created === 'busy') throw new Error('a run of the policy is already pending');
    return waitForExecution(t.service.executions, created.executionId);
  }

  const repositoryTasks = (executionId: string) =>
    t.sql.query<RepositoryTask>('SELECT id, repository, status, total, retained, log FROM retention_task WHERE execution_id = $1 ORDER BY repository', [executionId]);
  const digests = async (repository: string) =>
    new Set((await t.sql.query<{ digest: string }>('SELECT a.digest FROM artifact a JOIN repository r ON r.id = a.repository_id WHERE r.name = $1', [repository])).map((r) => r.digest));
  /** The digests a repository log marks DELETE (the candidates, not what went with them). */
  const deletedIn = (log: string) => new Set([...log.matchAll(/\[INFO\] DELETE (sha256:[0-9a-f]+)/g)].map((m) => m[1]!));
  const quota = (project: string) =>
    t.sql.one<{ used: string; actual: string }>('SELECT q.used::text, quota_recomputed(p.id)::text AS actual FROM project p JOIN quota q ON q.project_id = p.id WHERE p.name = $1', [project]);

  /**
   * keep/app: v1..v30 pushed 1..30 days ago (v12 and v20 pulled a day ago), six untagged ones,
   * release-1 (immutable), an index "multi" with two untagged children and a tagged one, and a
   * signed image; keep/tmp-cache (excluded by scope) and other/app (another project) alike.
   */
  async function seedProject() {
    const app = await seed.repository('keep/app');
    const shared = await seed.blob(app, 40 * DAY);
    const byTag = new Map<string, { id: string; digest: string }>();
    for (let i = 1; i <= 30; i++) {
      const layer = await seed.blob(app, 40 * DAY);
      byTag.set(`v${i}`, await seed.artifact(app, { tags: [`v${i}`], ageSeconds: i * DAY, pullAgeSeconds: i === 12 || i === 20 ? DAY : undefined, blobIds: [layer.id, shared.id] }));
    }
    const untagged = [];
    for (let i = 0; i < 6; i++) untagged.push(await seed.artifact(app, { ageSeconds: (i + 1) * 3 * DAY, blobIds: [shared.id] }));
    const release = await seed.artifact(app, { tags: ['release-1'], ageSeconds: 90 * DAY });
    const amd64 = await seed.artifact(app, { ageSeconds: 50 * DAY });
    const arm64 = await seed.artifact(app, { ageSeconds: 50 * DAY });
    const armTagged = await seed.artifact(app, { tags: ['arm-only'], ageSeconds: 50 * DAY });
    const multi = await seed.artifact(app, { tags: ['multi'], ageSeconds: 50 * DAY, children: [amd64.id, arm64.id, armTagged.id] });
    const signed = await seed.artifact(app, { tags: ['signed'], ageSeconds: 60 * DAY });
    const signature = await seed.artifact(app, { tags: ['sha256-sig'], ageSeconds: 60 * DAY, subjectDigest: signed.digest });
    const tmp = await seed.repository('keep/tmp-cache');
    for (let i = 0; i < 3; i++) await seed.artifact(tmp, { tags: [`t${i}`], ageSeconds: 99 * DAY });
    const other = await seed.repository('other/app');
    for (let i = 0; i < 3; i++) await seed.artifact(other, { tags: [`v${i}`], ageSeconds: 99 * DAY });
    await t.sql.query(
      `INSERT INTO immutable_tag_rule (project_id, tag_selectors, scope_selectors)
       SELECT id, '[{"kind":"doublestar","decoration":"matches","pattern":"release-*","extras":""}]', '{"repository":[{"kind":"doublestar","decoration":"repoMatches","pattern":"**"}]}'
         FROM project WHERE name = 'keep'`,
    );
    return { byTag, untagged, release, amd64, arm64, armTagged, multi, signed, signature };
  }

  const RULES = [rule(1, 'latestPushedK', 5, [tagSel('v*')]), rule(2, 'nDaysSinceLastPull', 3, [tagSel('**')])];

  it('deletes in a real run exactly what the dry run reported, keeps immutable tags, covers only the scope, and keeps quotas exact', async () => {
    const s = await seedProject();
    const id = await policy('keep', RULES);
    const before = await digests('keep/app');
    const untouched = { tmp: await digests('keep/tmp-cache'), other: await digests('other/app') };

    const dry = await run(id, true, 'alice');
    expect(dry.status).toBe(ExecutionStatus.Success);
    expect(await digests('keep/app')).toEqual(before);
    const [dryTask, ...noMore] = await repositoryTasks(dry.id);
    expect(noMore).toEqual([]);
    expect(dryTask).toMatchObject({ repository: 'keep/app', status: 'Success' });
    const planned = deletedIn(dryTask!.log);

    // v1-v5 (newest pushes), v12 and v20 (pulled yesterday), release-1 (immutable) stay; the other
    // 23 v-tags, six untagged, the index "multi" and its tagged child, and the signed image go.
    const kept = ['v1', 'v2', 'v3', 'v4', 'v5', 'v12', 'v20'].map((tag) => s.byTag.get(tag)!.digest);
    const expected = new Set([
      ...[...s.byTag.entries()].filter(([tag]) => !['v1', 'v2', 'v3', 'v4', 'v5', 'v12', 'v20'].includes(tag)).map(([, a]) => a.digest),
      ...s.untagged.map((a) => a.digest),
      s.multi.digest,
      s.armTagged.digest,
      s.signed.digest,
    ]);
    expect(planned).toEqual(expected);
    expect(dryTask).toMatchObject({ total: 30 + 6 + 1 + 2 + 1, retained: 8 });
    expect(dryTask!.log).toContain(`RETAIN ${s.release.digest} (tags release-1;`);
    expect(dryTask!.log).toMatch(/carries the immutable tag release-1/);
    expect(dryTask!.log).toMatch(new RegExp(`DELETE ${s.multi.digest} .*; with it: ${s.amd64.digest}, ${s.arm64.digest}`));
    expect(dry.extraAttrs).toMatchObject({ dry_run: true, total: 40, retained: 8, deleted: 32, repositories: 1 });
    expect(await t.service.executions.log(dry.id)).toMatch(/32 would be deleted \(nothing was\)/);

    const real = await run(id, false, 'alice');
    expect(real.status).toBe(ExecutionStatus.Success);
    const [realTask] = await repositoryTasks(real.id);
    expect(deletedIn(realTask!.log)).toEqual(planned);
    const after = await digests('keep/app');
    const gone = new Set([...before].filter((d) => !after.has(d)));
    // The planned artifacts, plus what went with them: the index's untagged children and the signature.
    expect(gone).toEqual(new Set([...planned, s.amd64.digest, s.arm64.digest, s.signature.digest]));
    for (const d of [...kept, s.release.digest]) expect(after.has(d)).toBe(true);
    expect(real.extraAttrs).toMatchObject({ dry_run: false, total: 40, retained: 8, deleted: 32 });
    expect(await t.service.executions.log(real.id)).toMatch(/blobs are freed by the next garbage collection/);
    expect(await digests('keep/tmp-cache')).toEqual(untouched.tmp);
    expect(await digests('other/app')).toEqual(untouched.other);
    const usage = await quota('keep');
    expect(usage!.used).toBe(usage!.actual);
    // Each artifact a rule chose is in the audit log, deleted by the jobservice as in Harbor (the dry run wrote nothing).
    const audit = await t.sql.query<{ project_id: number; operation: string; resource_type: string; resource: string; username: string }>(
      'SELECT project_id, operation, resource_type, resource, username FROM audit_log ORDER BY id',
    );
    const keepId = (await t.sql.one<{ id: number }>("SELECT id FROM project WHERE name = 'keep'"))!.id;
    expect(new Set(audit.map((a) => a.resource))).toEqual(new Set([...planned].map((d) => `keep/app@${d}`)));
    expect(audit).toHaveLength(planned.size);
    expect(audit.every((a) => a.project_id === keepId && a.operation === 'delete' && a.resource_type === 'artifact' && a.username === 'harbor-jobservice')).toBe(true);
    // And in the extended log, with Harbor's description.
    const ext = await t.sql.query<{ project_id: number; resource: string; op_desc: string; op_result: boolean }>(
      "SELECT project_id, resource, op_desc, op_result FROM audit_log_ext WHERE operation = 'delete' AND resource_type = 'artifact' ORDER BY id",
    );
    expect(ext.map((e) => e.resource)).toEqual(audit.map((a) => a.resource));
    expect(ext.every((e) => e.project_id === keepId && e.op_desc === `delete artifact: ${e.resource}` && e.op_result)).toBe(true);

    // One TAG_RETENTION event for the run, about the project, in Harbor's figures.
    const retentionEvents = async () =>
      (await redis.xrange(eventsStream(t.config.queuePrefix), '-', '+'))
        .map(([, fields]) => JSON.parse(fields[1]!) as ArtifactEvent)
        .filter((e): e is RetentionEvent => e.type === 'TAG_RETENTION');
    const [event, ...others] = await retentionEvents();
    expect(others).toEqual([]);
    // Harbor's operator of a run: who started it.
    expect(event).toMatchObject({ repository: 'keep', operator: 'alice' });
    expect(event!.retention).toMatchObject({ total: 40, retained: 8, retention_policy_id: Number(id), result: 'SUCCESS' });
    expect(event!.retention.retention_rule.map((r) => [r.template, r.params])).toEqual([
      ['latestPushedK', { latestPushedK: 5 }],
      ['nDaysSinceLastPull', { nDaysSinceLastPull: 3 }],
    ]);
    // Named by the repository inside the project, as Harbor names them.
    const untaggedNames = s.untagged.map((a) => `app@${a.digest}`);
    const taggedNames = [...s.byTag.keys()].filter((tag) => !['v1', 'v2', 'v3', 'v4', 'v5', 'v12', 'v20'].includes(tag)).map((tag) => `app:${tag}`);
    expect(new Set(event!.retention.deleted_artifact.map((d) => d.name_tag))).toEqual(new Set([...taggedNames, ...untaggedNames, 'app:multi', 'app:arm-only', 'app:signed']));
    expect(event!.retention.deleted_artifact.every((d) => d.type === 'image' && d.status === 'SUCCESS')).toBe(true);

    // A second run finds nothing more to delete, and says so.
    const again = await run(id, false);
    expect(again.extraAttrs).toMatchObject({ total: 8, retained: 8, deleted: 0 });
    const events = await retentionEvents();
    expect(events).toHaveLength(2);
    expect(events[1]!.retention).toMatchObject({ total: 8, retained: 8, deleted_artifact: [] });
    // Started by no one in particular: the jobservice, Harbor's operator of scheduled runs.
    expect(events[1]!.operator).toBe('harbor-jobservice');
  });

  it('skips an artifact another transaction holds and deletes the rest', async () => {
    const app = await seed.repository('keep/busy');
    const artifacts = [];
    for (let i = 1; i <= 4; i++) artifacts.push(await seed.artifact(app, { tags: [`v${i}`], ageSeconds: i * DAY }));
    const id = await policy('keep', [rule(1, 'latestPushedK', 1, [tagSel('**')], [repoSel('**')])]);
    const client = new Client({ connectionString: t.db.url });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT id FROM artifact WHERE id = $1 FOR UPDATE', [artifacts[2]!.id]);
      const execution = await run(id, false);
      expect(execution.status).toBe(ExecutionStatus.Success);
      const [task] = await repositoryTasks(execution.id);
      expect(task!.log).toContain(`[WARNING] RETAIN ${artifacts[2]!.digest}`);
      expect(task!.log).toMatch(/another operation holds it/);
      expect(task).toMatchObject({ total: 4, retained: 2 });
    } finally {
      await client.query('ROLLBACK');
      await client.end();
    }
    expect(await digests('keep/busy')).toEqual(new Set([artifacts[0]!.digest, artifacts[2]!.digest]));
  });

  it('ends in Error, deleting nothing, for a policy it cannot apply or one that is gone', async () => {
    const app = await seed.repository('keep/app');
    await seed.artifact(app, { tags: ['v1'], ageSeconds: DAY });
    const broken = await policy('keep', [rule(1, 'latestActiveK', 1, [tagSel('**')])]);
    const failed = await run(broken, false);
    expect(failed.status).toBe(ExecutionStatus.Error);
    expect(failed.statusMessage).toMatch(/rule 1 of retention policy \d+ cannot be applied: template "latestActiveK"/);
    expect((await digests('keep/app')).size).toBe(1);

    await t.sql.query('DELETE FROM retention_policy WHERE id = $1', [broken]);
    const missing = await run(broken, false);
    expect(missing.status).toBe(ExecutionStatus.Error);
    expect(missing.statusMessage).toBe(`retention policy ${broken} no longer exists`);
  });

  it('in read-only mode ends a real run in Error without deleting; a dry run still plans; switched off, the run deletes', async () => {
    const app = await seed.repository('keep/app');
    for (let i = 1; i <= 4; i++) await seed.artifact(app, { tags: [`v${i}`], ageSeconds: i * DAY });
    const id = await policy('keep', [rule(1, 'latestPushedK', 2, [tagSel('v*')])]);
    const setReadOnly = async (on: boolean) => {
      await t.sql.query(`INSERT INTO setting (key, value) VALUES ('read_only', $1::jsonb) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [JSON.stringify(on)]);
      await new Promise((r) => setTimeout(r, READ_ONLY_CACHE_MS + 100));
    };
    await setReadOnly(true);

    const refused = await run(id, false);
    expect(refused.status).toBe(ExecutionStatus.Error);
    expect(refused.statusMessage).toBe(RETENTION_READ_ONLY_MESSAGE);
    expect(await t.service.executions.log(refused.id)).toContain(`[WARNING] ${RETENTION_READ_ONLY_MESSAGE}: skipped`);
    expect((await digests('keep/app')).size).toBe(4);

    const dry = await run(id, true);
    expect(dry.status).toBe(ExecutionStatus.Success);
    expect(dry.extraAttrs).toMatchObject({ total: 4, retained: 2, deleted: 2 });
    expect((await digests('keep/app')).size).toBe(4);

    await setReadOnly(false);
    const real = await run(id, false);
    expect(real.status).toBe(ExecutionStatus.Success);
    expect(real.extraAttrs).toMatchObject({ total: 4, retained: 2, deleted: 2 });
    expect((await digests('keep/app')).size).toBe(2);
  });

  it('runs on its cron schedule with the schedule’s parameters', async () => {
    const app = await seed.repository('keep/app');
    await seed.artifact(app, { tags: ['old'], ageSeconds: 10 * DAY });
    const fresh = await seed.artifact(app, { tags: ['fresh'], ageSeconds: 60 });
    const id = await policy('keep', [rule(1, 'nDaysSinceLastPush', 7, [tagSel('**')], [repoSel('**')])]);
    await t.service.schedules.put({ vendorType: VendorType.Retention, vendorId: id, cronType: 'Custom', cron: '*/2 * * * * *', parameters: { dry_run: false } });
    await t.service.sync.sync();

    const deadline = Date.now() + 15_000;
    let scheduled: { id: string } | undefined;
    while (!scheduled && Date.now() < deadline) {
      scheduled = await t.sql.one<{ id: string }>("SELECT id FROM execution WHERE vendor_type = 'RETENTION' AND vendor_id = $1 AND trigger = 'SCHEDULE' ORDER BY id LIMIT 1", [id]);
      if (!scheduled) await new Promise((r) => setTimeout(r, 100));
    }
    expect(scheduled).toBeDefined();
    const execution = await waitForExecution(t.service.executions, scheduled!.id);
    expect(execution).toMatchObject({ status: ExecutionStatus.Success, trigger: Trigger.Schedule, parameters: { dry_run: false } });
    expect(await digests('keep/app')).toEqual(new Set([fresh.digest]));

    // Deleting the policy takes its schedule along (a trigger in the database).
    await t.sql.query('DELETE FROM retention_policy WHERE id = $1', [id]);
    expect(await t.service.schedules.get(VendorType.Retention, id)).toBeUndefined();
  });
});
