import { ExecutionStatus, ExecutionStore, formatLogLine, nextCronTime, QUEUE_OF, schedulesChangedChannel, Trigger, VendorType } from '@wharf/jobs';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { api, ApiResponse, basicAuthHeader, CoreHarness, createTestUser, errorCode, locationId, sqlQuery, startTestCore, TestUser } from '../testing';

interface ExecHistory {
  id: number;
  job_name: string;
  job_kind: string;
  job_parameters: string;
  job_status: string;
  schedule: { type: string; cron: string; next_scheduled_time?: string };
  deleted: boolean;
  creation_time: string;
  update_time: string;
}

type ScheduleRow = { id: string; vendor_type: string; cron_type: string; cron: string; parameters: Record<string, unknown> };

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const PARAMETERS = { audit_retention_hour: 168, include_event_types: 'create_artifact,delete_artifact,pull_artifact', dry_run: true };

describe('audit log purge (/api/v2.0/system/purgeaudit)', () => {
  let core: CoreHarness;
  let executions: ExecutionStore;
  let redis: Redis;
  let queue: Queue;
  let user: TestUser;

  /** As the admin unless `auth` says otherwise (null: anonymous). */
  const call = <T = unknown>(method: string, path: string, body?: unknown, auth: string | null = core.adminAuth) =>
    api<T>(core.url, method, `/api/v2.0${path}`, { auth: auth ?? undefined, body });
  const scheduleRows = () => sqlQuery<ScheduleRow>(core.db.url, 'SELECT id, vendor_type, cron_type, cron, parameters FROM schedule ORDER BY id');
  const purgeCount = async () => Number((await sqlQuery<{ n: string }>(core.db.url, "SELECT count(*) AS n FROM execution WHERE vendor_type = 'PURGE_AUDIT_LOG'"))[0].n);
  const waiting = async () => (await queue.getJobCounts()).waiting;
  const runNow = (parameters: unknown = PARAMETERS, auth?: string) => call('POST', '/system/purgeaudit/schedule', { schedule: { type: 'Manual' }, parameters }, auth);
  const taskOf = async (executionId: number) => (await executions.tasks(String(executionId)))[0];

  function expectHarborError(res: ApiResponse, status: number, code: string, message?: RegExp): void {
    expect(res.status).toBe(status);
    expect(errorCode(res)).toBe(code);
    if (message) expect((res.body as { errors: { message: string }[] }).errors[0].message).toMatch(message);
  }

  async function createRobot(name: string, actions: string[]): Promise<string> {
    const res = await call<{ name: string; secret: string }>('POST', '/robots', {
      name,
      level: 'system',
      duration: -1,
      permissions: [{ kind: 'system', namespace: '/', access: actions.map((action) => ({ resource: 'purge-audit', action })) }],
    });
    if (res.status !== 201) throw new Error(`create robot failed: ${res.status} ${JSON.stringify(res.body)}`);
    return basicAuthHeader(res.body.name, res.body.secret);
  }

  beforeAll(async () => {
    core = await startTestCore();
    executions = core.app.get(ExecutionStore);
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue(QUEUE_OF[VendorType.PurgeAuditLog], { connection: redis, prefix: core.config.jobQueuePrefix });
    user = await createTestUser(core.url, core.adminAuth, 'purge-viewer');
  });
  afterAll(async () => {
    await queue?.close();
    redis?.disconnect();
    await core?.close();
  });

  it('is for those with the system purge-audit permission: 401 anonymous, 403 other users, nothing done', async () => {
    const calls: [string, string, unknown?][] = [
      ['GET', '/system/purgeaudit'],
      ['GET', '/system/purgeaudit/1'],
      ['PUT', '/system/purgeaudit/1'],
      ['GET', '/system/purgeaudit/1/log'],
      ['GET', '/system/purgeaudit/schedule'],
      ['POST', '/system/purgeaudit/schedule', { schedule: { type: 'Manual' }, parameters: PARAMETERS }],
      ['POST', '/system/purgeaudit/schedule', { schedule: { type: 'Hourly' }, parameters: PARAMETERS }],
      ['PUT', '/system/purgeaudit/schedule', { schedule: { type: 'Daily' }, parameters: PARAMETERS }],
    ];
    for (const [method, path, body] of calls) {
      expectHarborError(await call(method, path, body, null), 401, 'UNAUTHORIZED');
      expectHarborError(await call(method, path, body, user.auth), 403, 'FORBIDDEN');
    }
    expect(await purgeCount()).toBe(0);
    expect(await scheduleRows()).toEqual([]);
    expect(await waiting()).toBe(0);
  });

  it('lets a system robot do what its purge-audit actions say, as Harbor’s system policies', async () => {
    const reader = await createRobot('purge-reader', ['list', 'read']);
    expect((await call('GET', '/system/purgeaudit', undefined, reader)).status).toBe(200);
    expect((await call('GET', '/system/purgeaudit/schedule', undefined, reader)).status).toBe(200);
    expectHarborError(await runNow(PARAMETERS, reader), 403, 'FORBIDDEN', /create system purge-audit/);
    expectHarborError(await call('PUT', '/system/purgeaudit/schedule', { schedule: { type: 'Daily' }, parameters: PARAMETERS }, reader), 403, 'FORBIDDEN');
    expect(await purgeCount()).toBe(0);

    const runner = await createRobot('purge-runner', ['create', 'stop']);
    const res = await runNow(PARAMETERS, runner);
    expect(res.status).toBe(201);
    const id = locationId(res);
    expectHarborError(await call('GET', `/system/purgeaudit/${id}`, undefined, runner), 403, 'FORBIDDEN');
    expect((await call('PUT', `/system/purgeaudit/${id}`, undefined, runner)).status).toBe(200);
    expect((await executions.get(String(id)))?.status).toBe(ExecutionStatus.Stopped);
    expect((await call('GET', `/system/purgeaudit/${id}`, undefined, reader)).status).toBe(200);
  });

  it('runs the purge now: 201 with the run’s Location, an execution and a job in its queue; a second run queues behind it', async () => {
    const before = await waiting();
    const res = await runNow({ ...PARAMETERS, ignored_key: 1 });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toMatch(/^\/api\/v2\.0\/system\/purgeaudit\/\d+$/);
    const id = locationId(res);

    const execution = await executions.get(String(id));
    expect(execution).toMatchObject({ vendorType: VendorType.PurgeAuditLog, trigger: Trigger.Manual, status: ExecutionStatus.Pending, parameters: PARAMETERS });
    const task = await taskOf(id);
    const job = await queue.getJob(`task-${task.id}`);
    expect(job?.data).toEqual({ executionId: String(id), taskId: task.id });
    expect(await job?.getState()).toBe('waiting');

    // Harbor does not refuse a second run: it waits for the first in the queue.
    const second = await call('PUT', '/system/purgeaudit/schedule', { schedule: { type: 'Manual' }, parameters: { audit_retention_hour: 24, include_event_types: '' } });
    expect(second.status).toBe(200);
    expect(second.headers.get('location')).toBeNull();
    expect(await waiting()).toBe(before + 2);

    const shown = await call<ExecHistory>('GET', `/system/purgeaudit/${id}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toEqual({
      id,
      job_name: 'PURGE_AUDIT_LOG',
      job_kind: 'MANUAL',
      job_parameters: expect.any(String),
      job_status: 'Pending',
      schedule: { type: 'Manual', cron: '' },
      deleted: false,
      creation_time: execution?.startTime.toISOString(),
      update_time: expect.any(String),
    });
    expect(JSON.parse(shown.body.job_parameters)).toEqual(PARAMETERS);
  });

  it('refuses bad input with 400 and queues, runs and schedules nothing', async () => {
    const executionsBefore = await purgeCount();
    const waitingBefore = await waiting();
    const schedulesBefore = await scheduleRows();
    const bad: [unknown, RegExp][] = [
      [undefined, /body is required/],
      [[], /JSON object/],
      [{ parameters: PARAMETERS }, /schedule is required/],
      [{ schedule: { type: 'Now' }, parameters: PARAMETERS }, /schedule.type/],
      [{ schedule: { type: 'Manual' } }, /parameters cannot be empty/],
      [{ schedule: { type: 'Manual' }, parameters: {} }, /parameters cannot be empty/],
      [{ schedule: { type: 'Manual' }, parameters: 'x' }, /must be an object/],
      [{ schedule: { type: 'Manual' }, parameters: { include_event_types: 'pull_artifact' } }, /audit_retention_hour is required/],
      [{ schedule: { type: 'Manual' }, parameters: { audit_retention_hour: '168', include_event_types: '' } }, /integer/],
      [{ schedule: { type: 'Manual' }, parameters: { audit_retention_hour: 1.5, include_event_types: '' } }, /integer/],
      [{ schedule: { type: 'Manual' }, parameters: { audit_retention_hour: 240001, include_event_types: '' } }, /at most 240000/],
      [{ schedule: { type: 'Manual' }, parameters: { audit_retention_hour: -2, include_event_types: '' } }, /-1/],
      [{ schedule: { type: 'Manual' }, parameters: { audit_retention_hour: 24 } }, /include_event_types is required/],
      [{ schedule: { type: 'Manual' }, parameters: { audit_retention_hour: 24, include_event_types: ['pull_artifact'] } }, /comma separated/],
      [{ schedule: { type: 'Manual' }, parameters: { ...PARAMETERS, dry_run: 'yes' } }, /dry_run/],
      [{ schedule: { type: 'None' } }, /parameters cannot be empty/],
      [{ schedule: { type: 'Custom', cron: '0 0 * * *' }, parameters: PARAMETERS }, /6 fields/],
      [{ schedule: { type: 'Custom' }, parameters: PARAMETERS }, /needs a cron/],
      [{ schedule: { type: 'Daily', cron: '0 0 5 * * *' }, parameters: PARAMETERS }, /use type Custom/],
    ];
    for (const [body, message] of bad) {
      expectHarborError(await call('POST', '/system/purgeaudit/schedule', body), 400, 'BAD_REQUEST', message);
      expectHarborError(await call('PUT', '/system/purgeaudit/schedule', body), 400, 'BAD_REQUEST', message);
    }
    expect(await purgeCount()).toBe(executionsBefore);
    expect(await waiting()).toBe(waitingBefore);
    expect(await scheduleRows()).toEqual(schedulesBefore);
  });

  it('answers 404 for unknown runs and runs of other jobs, 400 for ids that are not numbers', async () => {
    expectHarborError(await call('GET', '/system/purgeaudit/999999'), 404, 'NOT_FOUND');
    expectHarborError(await call('PUT', '/system/purgeaudit/999999'), 404, 'NOT_FOUND');
    expectHarborError(await call('GET', '/system/purgeaudit/999999/log'), 404, 'NOT_FOUND');
    expectHarborError(await call('GET', '/system/purgeaudit/abc'), 400, 'BAD_REQUEST');
    expectHarborError(await call('GET', '/system/purgeaudit/0/log'), 400, 'BAD_REQUEST');
    const gc = await executions.create({ vendorType: VendorType.GarbageCollection, trigger: Trigger.Manual });
    if (gc === 'busy') throw new Error('unexpected busy');
    expectHarborError(await call('GET', `/system/purgeaudit/${gc.executionId}`), 404, 'NOT_FOUND');
    expectHarborError(await call('PUT', `/system/purgeaudit/${gc.executionId}`), 404, 'NOT_FOUND');
    expectHarborError(await call('GET', `/system/purgeaudit/${gc.executionId}/log`), 404, 'NOT_FOUND');
    expect((await executions.get(gc.executionId))?.status).toBe(ExecutionStatus.Pending);
    await executions.requestStop(gc.executionId);
  });

  it('serves the run’s log as text', async () => {
    const id = locationId(await runNow());
    const task = await taskOf(id);
    const lines = formatLogLine('INFO', 'purged 1000 audit logs (1000 so far)') + formatLogLine('INFO', 'finished: purged 1000 audit logs');
    await executions.appendLog(task.id, lines);
    const res = await call<string>('GET', `/system/purgeaudit/${id}/log`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.body).toBe(lines);
  });

  it('stops a pending run; stopping an ended run changes nothing', async () => {
    const id = locationId(await runNow());
    expect((await call('PUT', `/system/purgeaudit/${id}`, { ignored: true })).status).toBe(200);
    expect((await executions.get(String(id)))?.status).toBe(ExecutionStatus.Stopped);
    expect((await taskOf(id)).status).toBe(ExecutionStatus.Stopped);
    expect((await call<ExecHistory>('GET', `/system/purgeaudit/${id}`)).body.job_status).toBe('Stopped');
    expect((await call('PUT', `/system/purgeaudit/${id}`)).status).toBe(200);
    expect((await executions.get(String(id)))?.status).toBe(ExecutionStatus.Stopped);
  });

  it('shows what a finished run purged, and a scheduled run with its cron', async () => {
    const created = await executions.create({ vendorType: VendorType.PurgeAuditLog, trigger: Trigger.Schedule, parameters: { ...PARAMETERS, dry_run: false } });
    if (created === 'busy') throw new Error('unexpected busy');
    await executions.startTask(created.taskIds[0], null);
    await executions.finishTask(created.taskIds[0], ExecutionStatus.Success, '', { purged_audit_logs: 42 });
    await sqlQuery(core.db.url, `UPDATE execution SET extra_attrs = extra_attrs || '{"cron": "0 0 3 * * *"}' WHERE id = $1`, [created.executionId]);
    const shown = await call<ExecHistory>('GET', `/system/purgeaudit/${created.executionId}`);
    expect(shown.body).toMatchObject({ job_kind: 'SCHEDULE', job_status: 'Success', schedule: { type: 'Schedule', cron: '0 0 3 * * *' } });
    expect(JSON.parse(shown.body.job_parameters)).toMatchObject({ ...PARAMETERS, dry_run: false, purged_audit_logs: 42 });
  });

  it('lists the runs newest first, paged, with X-Total-Count and Link, q and sort on its fields, others skipped', async () => {
    const total = await purgeCount();
    expect(total).toBeGreaterThanOrEqual(6);
    const all = await call<ExecHistory[]>('GET', '/system/purgeaudit?page_size=100');
    expect(all.status).toBe(200);
    expect(all.headers.get('x-total-count')).toBe(String(total));
    expect(all.headers.get('link')).toBeNull();
    const ids = all.body.map((h) => h.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(all.body.every((h) => h.job_name === 'PURGE_AUDIT_LOG')).toBe(true);

    const page2 = await call<ExecHistory[]>('GET', '/system/purgeaudit?page=2&page_size=2');
    expect(page2.body.map((h) => h.id)).toEqual(ids.slice(2, 4));
    expect(page2.headers.get('x-total-count')).toBe(String(total));
    const link = page2.headers.get('link') ?? '';
    expect(link).toContain('</api/v2.0/system/purgeaudit?page=1&page_size=2>; rel="prev"');
    expect(link).toContain('</api/v2.0/system/purgeaudit?page=3&page_size=2>; rel="next"');

    const oldest = await call<ExecHistory[]>('GET', '/system/purgeaudit?sort=creation_time&page_size=1');
    expect(oldest.body.map((h) => h.id)).toEqual([Math.min(...ids)]);
    const stopped = await call<ExecHistory[]>('GET', '/system/purgeaudit?q=status%3DStopped&page_size=100');
    expect(stopped.body.length).toBeGreaterThan(0);
    expect(stopped.body.every((h) => h.job_status === 'Stopped')).toBe(true);
    expect(stopped.headers.get('x-total-count')).toBe(String(all.body.filter((h) => h.job_status === 'Stopped').length));
    const scheduled = await call<ExecHistory[]>('GET', '/system/purgeaudit?q=trigger%3DSCHEDULE');
    expect(scheduled.body.map((h) => h.job_kind)).toEqual(['SCHEDULE']);
    // Unknown q and sort keys are skipped, as Harbor skips them.
    const skipped = await call<ExecHistory[]>('GET', '/system/purgeaudit?q=colour%3Dred&sort=colour&page_size=100');
    expect(skipped.body.map((h) => h.id)).toEqual(ids);
    expectHarborError(await call('GET', '/system/purgeaudit?q=id%3Dabc'), 400, 'BAD_REQUEST');
    expectHarborError(await call('GET', '/system/purgeaudit?page_size=101'), 422, 'UNPROCESSABLE_ENTITY', /less than or equal to 100/);
  });

  describe('schedule', () => {
    let subscriber: Redis;
    const announced: string[] = [];

    beforeAll(async () => {
      subscriber = new Redis(REDIS_URL);
      subscriber.on('message', (_channel: string, message: string) => announced.push(message));
      await subscriber.subscribe(schedulesChangedChannel(core.config.jobQueuePrefix));
    });
    afterAll(() => subscriber?.disconnect());

    async function announcements(count: number): Promise<string[]> {
      for (let i = 0; i < 50 && announced.length < count; i++) await new Promise((r) => setTimeout(r, 20));
      return announced.splice(0);
    }

    it('answers {} while there is no schedule', async () => {
      const res = await call('GET', '/system/purgeaudit/schedule');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({});
    });

    it('creates a schedule, shows it as Harbor does, announces it and lists it in /schedules', async () => {
      const waitingBefore = await waiting();
      const res = await call('POST', '/system/purgeaudit/schedule', { schedule: { type: 'Hourly', cron: '0 0 * * * *' }, parameters: PARAMETERS });
      expect(res.status).toBe(201);
      expect(res.headers.get('location')).toBeNull();
      const rows = await scheduleRows();
      expect(rows).toEqual([{ id: expect.any(String), vendor_type: 'PURGE_AUDIT_LOG', cron_type: 'Hourly', cron: '0 0 * * * *', parameters: PARAMETERS }]);
      expect(await announcements(1)).toEqual(['PURGE_AUDIT_LOG']);
      expect(await waiting()).toBe(waitingBefore);

      const before = new Date();
      const shown = await call<ExecHistory>('GET', '/system/purgeaudit/schedule');
      expect(shown.body).toEqual({
        id: Number(rows[0].id),
        job_name: '',
        job_kind: '0 0 * * * *',
        job_parameters: expect.any(String),
        job_status: '',
        schedule: { type: 'Hourly', cron: '0 0 * * * *', next_scheduled_time: nextCronTime('0 0 * * * *', before).toISOString() },
        deleted: false,
        creation_time: expect.any(String),
        update_time: expect.any(String),
      });
      expect(JSON.parse(shown.body.job_parameters)).toEqual(PARAMETERS);

      const listed = await call<{ vendor_type: string; cron: string }[]>('GET', '/schedules');
      expect(listed.body).toEqual([expect.objectContaining({ id: Number(rows[0].id), vendor_type: 'PURGE_AUDIT_LOG', vendor_id: -1, cron: '0 0 * * * *' })]);
    });

    it('replaces it with PUT (Custom), keeping its row', async () => {
      const [{ id }] = await scheduleRows();
      const parameters = { audit_retention_hour: 720, include_event_types: 'other', dry_run: false };
      const res = await call('PUT', '/system/purgeaudit/schedule', { schedule: { type: 'Custom', cron: '0 30 2 * * 6' }, parameters });
      expect(res.status).toBe(200);
      expect(await scheduleRows()).toEqual([{ id, vendor_type: 'PURGE_AUDIT_LOG', cron_type: 'Custom', cron: '0 30 2 * * 6', parameters }]);
      expect((await call<ExecHistory>('GET', '/system/purgeaudit/schedule')).body.schedule).toMatchObject({ type: 'Custom', cron: '0 30 2 * * 6' });
      expect(await announcements(1)).toEqual(['PURGE_AUDIT_LOG']);
    });

    it('is refused (403 DENIED) in read-only mode, as Harbor’s middleware refuses it, and nothing changes', async () => {
      const before = await scheduleRows();
      const runs = await purgeCount();
      expect((await call('PUT', '/configurations', { read_only: true })).status).toBe(200);
      try {
        expectHarborError(await runNow(), 403, 'DENIED', /read only mode/);
        expectHarborError(await call('PUT', '/system/purgeaudit/schedule', { schedule: { type: 'None' }, parameters: PARAMETERS }), 403, 'DENIED');
        expect((await call('GET', '/system/purgeaudit/schedule')).status).toBe(200);
      } finally {
        expect((await call('PUT', '/configurations', { read_only: false })).status).toBe(200);
      }
      expect(await scheduleRows()).toEqual(before);
      expect(await purgeCount()).toBe(runs);
    });

    it('removes it with None (parameters still required, as Harbor); then GET answers {}', async () => {
      expect((await call('PUT', '/system/purgeaudit/schedule', { schedule: { type: 'None' }, parameters: PARAMETERS })).status).toBe(200);
      expect(await scheduleRows()).toEqual([]);
      expect((await call('GET', '/system/purgeaudit/schedule')).body).toEqual({});
      expect(await announcements(1)).toEqual(['PURGE_AUDIT_LOG']);
      // Removing what is not there is fine and announces nothing.
      expect((await call('POST', '/system/purgeaudit/schedule', { schedule: { type: 'None' }, parameters: PARAMETERS })).status).toBe(201);
      expect(await announcements(0)).toEqual([]);
    });
  });
});
