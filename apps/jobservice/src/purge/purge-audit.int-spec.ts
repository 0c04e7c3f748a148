import { type Execution, ExecutionStatus, JobName, launchExecution, Trigger, VendorType } from '@wharf/jobs';
import { startTestJobService, type TestJobService, waitForExecution } from '../testing';
import { TaskContext, type TaskOutcome } from '../task-runner';
import { PURGED_KEY, PurgeAuditRunner } from './purge-audit.runner';

/** operation, resource type, age in hours. */
type Seed = [string, string, number];

describe('audit log purge', () => {
  let t: TestJobService;

  beforeAll(async () => {
    t = await startTestJobService();
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(async () => {
    await t.sql.query('DELETE FROM audit_log');
    await t.sql.query('DELETE FROM audit_log_ext');
  });

  /** Audit rows `hours` old; returns their ids in order. */
  async function seed(rows: Seed[]): Promise<string[]> {
    const ids: string[] = [];
    for (const [operation, resourceType, hours] of rows) {
      const row = await t.sql.one<{ id: string }>(
        `INSERT INTO audit_log (operation, resource_type, resource, username, op_time) VALUES ($1, $2, 'lib/app:v1', 'admin', now() - make_interval(hours => $3)) RETURNING id`,
        [operation, resourceType, hours],
      );
      ids.push(row!.id);
    }
    return ids;
  }

  const remaining = async () => (await t.sql.query<{ id: string }>('SELECT id FROM audit_log ORDER BY id')).map((r) => r.id);

  /** A run through the queue, as core starts one. */
  async function purge(parameters: Record<string, unknown>, trigger = Trigger.Manual): Promise<Execution> {
    const created = await launchExecution(t.service.executions, t.service.queues, { vendorType: VendorType.PurgeAuditLog, trigger, parameters });
    if (created === 'busy') throw new Error('unexpected busy');
    return waitForExecution(t.service.executions, created.executionId);
  }

  /** A pending execution and its started task's context, for running the runner directly. */
  async function directContext(parameters: Record<string, unknown>): Promise<TaskContext> {
    const created = await t.service.executions.create({ vendorType: VendorType.PurgeAuditLog, trigger: Trigger.Manual, parameters });
    if (created === 'busy') throw new Error('unexpected busy');
    const taskId = created.taskIds[0]!;
    await t.service.executions.startTask(taskId, null);
    const execution = await t.service.executions.get(created.executionId);
    return new TaskContext(execution!, taskId, 1, t.service.executions);
  }

  /** Runs the runner on a direct context with small batches and ends the task as the worker host would. */
  async function runDirect(ctx: TaskContext, batchSize = 10): Promise<TaskOutcome> {
    const outcome = await new PurgeAuditRunner(t.sql, batchSize).run(ctx).finally(() => ctx.close());
    await t.service.executions.finishTask(ctx.taskId, outcome.status, outcome.message ?? '', outcome.extra ?? {});
    return outcome;
  }

  it('deletes exactly the rows older than the retention of the included event types, and logs the count', async () => {
    const [oldPull, oldPush, oldLogin, oldMember, oldTag, , , oldMemberUpdate] = await seed([
      ['pull', 'artifact', 48],
      ['create', 'artifact', 48],
      ['login', 'user', 48],
      ['create', 'project_member', 48],
      ['delete', 'tag', 48],
      ['pull', 'artifact', 1], // recent
      ['login', 'user', 1], // recent
      ['update', 'project_member', 30],
    ]);
    const before = await remaining();

    const run = await purge({ audit_retention_hour: 24, include_event_types: 'pull_artifact,Create_Member,login_user,update_member', dry_run: false });

    expect(run.status).toBe(ExecutionStatus.Success);
    expect(run.extraAttrs[PURGED_KEY]).toBe(4);
    const gone = [oldPull, oldLogin, oldMember, oldMemberUpdate];
    expect(await remaining()).toEqual(before.filter((id) => !gone.includes(id)));
    expect(await remaining()).toEqual(expect.arrayContaining([oldPush, oldTag]));
    const log = await t.service.executions.log(run.id);
    expect(log).toContain('[INFO] purge audit logs: audit_retention_hour=24 include_event_types="pull_artifact,Create_Member,login_user,update_member" dry_run=false');
    expect(log).toContain('purged 4 audit logs (4 so far)');
    expect(log).toContain('finished: purged 4 audit logs');
  });

  it('reads "other" and the older operations create, delete, pull', async () => {
    const [, pushArtifact, , , deleteUser, createProject, createRobot] = await seed([
      ['pull', 'artifact', 10],
      ['create', 'artifact', 10],
      ['delete', 'tag', 10],
      ['delete', 'repository', 10],
      ['delete', 'user', 10],
      ['create', 'project', 10],
      ['create', 'robot', 10],
    ]);
    const legacy = await purge({ audit_retention_hour: 5, include_event_types: 'delete,pull', dry_run: false });
    expect(legacy.extraAttrs[PURGED_KEY]).toBe(3);
    expect(await remaining()).toEqual([pushArtifact, deleteUser, createProject, createRobot]);

    const other = await purge({ audit_retention_hour: 5, include_event_types: 'other', dry_run: false });
    expect(other.extraAttrs[PURGED_KEY]).toBe(3);
    expect(await remaining()).toEqual([pushArtifact]);
  });

  it('counts in a dry run what the real run then deletes, and deletes nothing', async () => {
    await seed([
      ['pull', 'artifact', 200],
      ['pull', 'artifact', 100],
      ['create', 'artifact', 100],
      ['pull', 'artifact', 2],
    ]);
    const before = await remaining();
    const params = { audit_retention_hour: 72, include_event_types: 'pull_artifact,create_artifact' };

    const dry = await purge({ ...params, dry_run: true });
    expect(dry.status).toBe(ExecutionStatus.Success);
    expect(dry.extraAttrs[PURGED_KEY]).toBe(3);
    expect(await remaining()).toEqual(before);
    expect(await t.service.executions.log(dry.id)).toContain('[DRYRUN] finished: would purge 3 audit logs');

    const real = await purge({ ...params, dry_run: false });
    expect(real.extraAttrs[PURGED_KEY]).toBe(3);
    expect(await remaining()).toEqual([before[3]]);
  });

  it('purges nothing with a retention of 0 or -1, with no event type, or only unknown ones (which it names)', async () => {
    await seed([['pull', 'artifact', 1000]]);
    for (const parameters of [
      { audit_retention_hour: 0, include_event_types: 'pull_artifact' },
      { audit_retention_hour: -1, include_event_types: 'pull_artifact' },
      { audit_retention_hour: 1, include_event_types: '' },
      { audit_retention_hour: 1, include_event_types: 'push_artifact, nope' },
    ]) {
      const run = await purge(parameters);
      expect(run.status).toBe(ExecutionStatus.Success);
      expect(run.extraAttrs[PURGED_KEY]).toBe(0);
    }
    expect(await remaining()).toHaveLength(1);
    const last = (await t.service.executions.list(VendorType.PurgeAuditLog, undefined, 1, 1)).items[0]!;
    expect(await t.service.executions.log(last.id)).toContain('[WARNING] ignored unknown event types: push_artifact, nope');
  });

  it('deletes in batches, oldest first, each committed with the running count', async () => {
    const ids = await seed(Array.from({ length: 25 }, (_, i): Seed => ['pull', 'artifact', 100 - i]));
    const [login] = await seed([['login', 'user', 100]]);
    const ctx = await directContext({ audit_retention_hour: 10, include_event_types: 'pull_artifact' });
    const seenOutside: string[][] = [];
    const counts: unknown[] = [];
    const progress = ctx.progress.bind(ctx);
    ctx.progress = async (extra, tx) => {
      counts.push(extra[PURGED_KEY]);
      seenOutside.push(await remaining());
      return progress(extra, tx);
    };
    const outcome = await runDirect(ctx);

    expect(outcome).toEqual({ status: ExecutionStatus.Success, extra: { [PURGED_KEY]: 25 } });
    expect(counts).toEqual([10, 20, 25]);
    // Seen from outside while each batch's transaction is open: the earlier batches, the oldest rows, are gone.
    expect(seenOutside).toEqual([[...ids, login], [...ids.slice(10), login], [...ids.slice(20), login]]);
    expect(await remaining()).toEqual([login]);
    const log = await t.service.executions.taskLog(ctx.taskId);
    expect(log).toMatch(/purged 10 audit logs \(10 so far\)[\s\S]*purged 10 audit logs \(20 so far\)[\s\S]*purged 5 audit logs \(25 so far\)[\s\S]*finished: purged 25 audit logs/);
    expect((await t.service.executions.recordedProgress(ctx.taskId))[PURGED_KEY]).toBe(25);
  });

  it('stops between batches when asked, keeping the newer rows, and a stopped-before-start run deletes nothing', async () => {
    const ids = await seed(Array.from({ length: 30 }, (_, i): Seed => ['pull', 'artifact', 100 - i]));
    const ctx = await directContext({ audit_retention_hour: 10, include_event_types: 'pull' });
    let asked = 0;
    // Not at the start, then yes after the first batch.
    ctx.shouldStop = async () => asked++ > 0;
    const outcome = await runDirect(ctx);
    expect(outcome).toEqual({ status: ExecutionStatus.Stopped, extra: { [PURGED_KEY]: 10 } });
    expect(await remaining()).toEqual(ids.slice(10));

    const early = await directContext({ audit_retention_hour: 10, include_event_types: 'pull' });
    await t.service.executions.requestStop(early.execution.id);
    const stopped = await runDirect(early);
    expect(stopped.status).toBe(ExecutionStatus.Stopped);
    expect(await remaining()).toEqual(ids.slice(10));
  });

  it('runs from its schedule with the schedule’s parameters, recording the cron', async () => {
    const [, recent] = await seed([
      ['login', 'user', 30],
      ['login', 'user', 1],
    ]);
    const schedule = await t.service.schedules.put({
      vendorType: VendorType.PurgeAuditLog,
      cronType: 'Daily',
      cron: '0 0 0 * * *',
      parameters: { audit_retention_hour: 24, include_event_types: 'login_user', dry_run: false },
    });
    // What the queue's scheduler adds when the cron fires.
    await t.service.queues.queue(VendorType.PurgeAuditLog).add(JobName.Scheduled, { scheduleId: schedule.id });
    let run: Execution | undefined;
    for (let i = 0; i < 200 && !run; i++) {
      run = (await t.service.executions.list(VendorType.PurgeAuditLog, undefined, 1, 1)).items.find((e) => e.trigger === Trigger.Schedule);
      if (!run) await new Promise((r) => setTimeout(r, 50));
    }
    const done = await waitForExecution(t.service.executions, run!.id);
    expect(done).toMatchObject({ status: ExecutionStatus.Success, trigger: Trigger.Schedule, extraAttrs: { cron: '0 0 0 * * *', [PURGED_KEY]: 1 } });
    expect(await remaining()).toEqual([recent]);
    await t.service.schedules.remove(VendorType.PurgeAuditLog);
  });

  it('purges the extended log (audit_log_ext) with the same list and retention, counting both tables', async () => {
    await seed([['pull', 'artifact', 48]]);
    const ext = async (operation: string, resourceType: string, hours: number) =>
      (await t.sql.one<{ id: string }>(
        `INSERT INTO audit_log_ext (operation, op_desc, resource_type, resource, username, op_time) VALUES ($1, '', $2, 'x', 'admin', now() - make_interval(hours => $3)) RETURNING id`,
        [operation, resourceType, hours],
      ))!.id;
    const oldPull = await ext('pull', 'artifact', 48);
    const oldMember = await ext('create', 'member', 48);
    const oldConfig = await ext('update', 'configuration', 48);
    const recentPull = await ext('pull', 'artifact', 1);
    const oldPush = await ext('create', 'artifact', 48);

    const dry = await purge({ audit_retention_hour: 24, include_event_types: 'pull_artifact,create_member,update_configuration', dry_run: true });
    expect(dry.extraAttrs[PURGED_KEY]).toBe(4);
    const run = await purge({ audit_retention_hour: 24, include_event_types: 'pull_artifact,create_member,update_configuration', dry_run: false });
    expect(run.status).toBe(ExecutionStatus.Success);
    expect(run.extraAttrs[PURGED_KEY]).toBe(4);
    expect(await remaining()).toEqual([]);
    const left = (await t.sql.query<{ id: string }>('SELECT id FROM audit_log_ext ORDER BY id')).map((r) => r.id);
    expect(left).toEqual([recentPull, oldPush]);
    expect(left).not.toEqual(expect.arrayContaining([oldPull, oldMember, oldConfig]));
  });
});
