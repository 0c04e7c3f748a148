import { ExecutionStatus, ExecutionStore, formatLogLine, nextCronTime, QUEUE_OF, schedulesChangedChannel, Trigger, VendorType } from '@wharf/jobs';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { api, ApiResponse, CoreHarness, createTestUser, errorCode, locationId, sqlQuery, startTestCore, TestUser } from '../testing';

interface GcHistory {
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

interface ScheduleTask {
  id: number;
  vendor_type: string;
  vendor_id: number;
  cron: string;
  update_time: string;
}

type ScheduleRow = { id: string; cron_type: string; cron: string; parameters: Record<string, unknown> };

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

describe('garbage collection (/api/v2.0/system/gc, /api/v2.0/schedules)', () => {
  let core: CoreHarness;
  let executions: ExecutionStore;
  let redis: Redis;
  let queue: Queue;
  let user: TestUser;

  /** As the admin unless `auth` says otherwise (null: anonymous). */
  const call = <T = unknown>(method: string, path: string, body?: unknown, auth: string | null = core.adminAuth) =>
    api<T>(core.url, method, `/api/v2.0${path}`, { auth: auth ?? undefined, body });
  const scheduleRows = () => sqlQuery<ScheduleRow>(core.db.url, 'SELECT id, cron_type, cron, parameters FROM schedule ORDER BY id');
  const executionCount = async () => Number((await sqlQuery<{ n: string }>(core.db.url, 'SELECT count(*) AS n FROM execution'))[0].n);
  const runNow = (parameters?: Record<string, unknown>) => call('POST', '/system/gc/schedule', { schedule: { type: 'Manual' }, parameters });
  /** The one task of an execution. */
  const taskOf = async (executionId: number) => (await executions.tasks(String(executionId)))[0];

  /** Ends every unfinished run, so the next "run now" is not refused. */
  async function settleAll(): Promise<void> {
    const open = await sqlQuery<{ id: string }>(core.db.url, "SELECT id FROM execution WHERE status IN ('Pending', 'Running')");
    for (const row of open) await executions.requestStop(row.id);
  }

  function expectHarborError(res: ApiResponse, status: number, code: string, message?: RegExp): void {
    expect(res.status).toBe(status);
    expect(errorCode(res)).toBe(code);
    if (message) expect((res.body as { errors: { message: string }[] }).errors[0].message).toMatch(message);
  }

  beforeAll(async () => {
    core = await startTestCore();
    executions = core.app.get(ExecutionStore);
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue(QUEUE_OF[VendorType.GarbageCollection], { connection: redis, prefix: core.config.jobQueuePrefix });
    user = await createTestUser(core.url, core.adminAuth, 'gc-viewer');
  });
  afterAll(async () => {
    await queue?.close();
    redis?.disconnect();
    await core?.close();
  });

  it('is for system administrators only: 401 anonymous, 403 other users, nothing done', async () => {
    const calls: [string, string, unknown?][] = [
      ['GET', '/system/gc'],
      ['GET', '/system/gc/1'],
      ['PUT', '/system/gc/1'],
      ['GET', '/system/gc/1/log'],
      ['GET', '/system/gc/schedule'],
      ['POST', '/system/gc/schedule', { schedule: { type: 'Manual' } }],
      ['POST', '/system/gc/schedule', { schedule: { type: 'Hourly' } }],
      ['PUT', '/system/gc/schedule', { schedule: { type: 'Daily' } }],
      ['GET', '/schedules'],
    ];
    for (const [method, path, body] of calls) {
      expectHarborError(await call(method, path, body, null), 401, 'UNAUTHORIZED');
      expectHarborError(await call(method, path, body, user.auth), 403, 'FORBIDDEN');
    }
    expect(await executionCount()).toBe(0);
    expect(await scheduleRows()).toEqual([]);
    expect(await queue.getJobCounts()).toMatchObject({ waiting: 0 });
  });

  it('runs GC now: 201 with the run’s Location, an execution and a job in the gc queue; a second run is 409 while it is pending', async () => {
    const res = await runNow({ delete_untagged: true, workers: 3 });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toMatch(/^\/api\/v2\.0\/system\/gc\/\d+$/);
    const id = locationId(res);

    const execution = await executions.get(String(id));
    expect(execution).toMatchObject({
      vendorType: VendorType.GarbageCollection,
      trigger: Trigger.Manual,
      status: ExecutionStatus.Pending,
      parameters: { dry_run: false, delete_untagged: true, workers: 3, time_window: 2 },
    });
    const task = await taskOf(id);
    expect(task.jobId).toBe(`task-${task.id}`);
    const job = await queue.getJob(`task-${task.id}`);
    expect(job?.data).toEqual({ executionId: String(id), taskId: task.id });
    expect(await job?.getState()).toBe('waiting');

    const second = await runNow();
    expectHarborError(second, 409, 'CONFLICT', /already pending or running/);
    expect(second.headers.get('location')).toBeNull();
    expect(await executionCount()).toBe(1);
    // Also through PUT, which Harbor treats like POST.
    expectHarborError(await call('PUT', '/system/gc/schedule', { schedule: { type: 'Manual' } }), 409, 'CONFLICT');
    expect((await queue.getJobCounts()).waiting).toBe(1);

    const shown = await call<GcHistory>('GET', `/system/gc/${id}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toEqual({
      id,
      job_name: 'GARBAGE_COLLECTION',
      job_kind: 'MANUAL',
      job_parameters: expect.any(String),
      job_status: 'Pending',
      schedule: { type: 'Manual', cron: '' },
      deleted: false,
      creation_time: execution?.startTime.toISOString(),
      update_time: expect.any(String),
    });
    expect(JSON.parse(shown.body.job_parameters)).toEqual({ dry_run: false, delete_untagged: true, workers: 3, time_window: 2 });
    await settleAll();
  });

  it('refuses a bad "run now" with 400 and queues nothing', async () => {
    const before = await executionCount();
    expectHarborError(await runNow({ workers: 6 }), 400, 'BAD_REQUEST', /workers/);
    expectHarborError(await runNow({ dry_run: 'yes' }), 400, 'BAD_REQUEST', /dry_run/);
    expectHarborError(await runNow({ purge: true, workers: 0 }), 400, 'BAD_REQUEST', /workers/);
    expectHarborError(await call('POST', '/system/gc/schedule'), 400, 'BAD_REQUEST', /body is required/);
    expectHarborError(await call('POST', '/system/gc/schedule', { schedule: { type: 'Now' } }), 400, 'BAD_REQUEST', /schedule.type/);
    expect(await executionCount()).toBe(before);
  });

  it('answers 404 for unknown runs and runs of other jobs, 400 for ids that are not numbers', async () => {
    expectHarborError(await call('GET', '/system/gc/999999'), 404, 'NOT_FOUND');
    expectHarborError(await call('PUT', '/system/gc/999999'), 404, 'NOT_FOUND');
    expectHarborError(await call('GET', '/system/gc/999999/log'), 404, 'NOT_FOUND');
    expectHarborError(await call('GET', '/system/gc/abc'), 400, 'BAD_REQUEST');
    expectHarborError(await call('GET', '/system/gc/0/log'), 400, 'BAD_REQUEST');
    const other = await executions.create({ vendorType: VendorType.Retention, vendorId: '5', trigger: Trigger.Manual });
    if (other === 'busy') throw new Error('unexpected busy');
    expectHarborError(await call('GET', `/system/gc/${other.executionId}`), 404, 'NOT_FOUND');
    expectHarborError(await call('PUT', `/system/gc/${other.executionId}`), 404, 'NOT_FOUND');
    expect((await executions.get(other.executionId))?.status).toBe(ExecutionStatus.Pending);
  });

  it('serves the run’s log as text', async () => {
    const id = locationId(await runNow());
    const task = await taskOf(id);
    const lines = formatLogLine('INFO', 'marking blobs') + formatLogLine('WARNING', 'blob sha256:ab missing');
    await executions.appendLog(task.id, lines);
    const res = await call<string>('GET', `/system/gc/${id}/log`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.body).toBe(lines);
    await settleAll();
  });

  it('stops a pending run (then a new one may start); stopping an ended run changes nothing', async () => {
    const id = locationId(await runNow());
    const stop = await call('PUT', `/system/gc/${id}`);
    expect(stop.status).toBe(200);
    expect((await executions.get(String(id)))?.status).toBe(ExecutionStatus.Stopped);
    expect((await taskOf(id)).status).toBe(ExecutionStatus.Stopped);
    expect((await call<GcHistory>('GET', `/system/gc/${id}`)).body.job_status).toBe('Stopped');
    expect((await call('PUT', `/system/gc/${id}`)).status).toBe(200);
    expect((await executions.get(String(id)))?.status).toBe(ExecutionStatus.Stopped);

    const next = await runNow();
    expect(next.status).toBe(201);
    await settleAll();
  });

  it('lists the history newest first, paged, with X-Total-Count and Link', async () => {
    const total = await executionCount();
    const gcTotal = Number((await sqlQuery<{ n: string }>(core.db.url, "SELECT count(*) AS n FROM execution WHERE vendor_type = 'GARBAGE_COLLECTION'"))[0].n);
    expect(total).toBeGreaterThan(gcTotal); // the retention run above must not be listed
    expect(gcTotal).toBeGreaterThanOrEqual(4);
    const all = await call<GcHistory[]>('GET', '/system/gc?page_size=100');
    expect(all.status).toBe(200);
    expect(all.headers.get('x-total-count')).toBe(String(gcTotal));
    expect(all.headers.get('link')).toBeNull();
    const ids = all.body.map((h) => h.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(all.body.every((h) => h.job_name === 'GARBAGE_COLLECTION')).toBe(true);

    const page2 = await call<GcHistory[]>('GET', '/system/gc?page=2&page_size=2&sort=-creation_time');
    expect(page2.status).toBe(200);
    expect(page2.body.map((h) => h.id)).toEqual(ids.slice(2, 4));
    expect(page2.headers.get('x-total-count')).toBe(String(gcTotal));
    const link = page2.headers.get('link') ?? '';
    expect(link).toContain('</api/v2.0/system/gc?page=1&page_size=2&sort=-creation_time>; rel="prev"');
    if (gcTotal > 4) expect(link).toContain('rel="next"');

    expectHarborError(await call('GET', '/system/gc?sort=job_status'), 400, 'BAD_REQUEST', /newest first/);
    expectHarborError(await call('GET', '/system/gc?q=job_status%3DError'), 400, 'BAD_REQUEST', /cannot be filtered/);
    expectHarborError(await call('GET', '/system/gc?page_size=101'), 422, 'UNPROCESSABLE_ENTITY', /less than or equal to 100/);
  });

  it('shows results under Harbor’s names and a scheduled run with its cron', async () => {
    const created = await executions.create({ vendorType: VendorType.GarbageCollection, trigger: Trigger.Schedule, parameters: { dry_run: true } });
    if (created === 'busy') throw new Error('unexpected busy');
    await executions.startTask(created.taskIds[0], null);
    await executions.finishTask(created.taskIds[0], ExecutionStatus.Success, '', { blobs_deleted: 2, bytes_freed: 1024, manifests_deleted: 1, cron: '0 0 3 * * *' });
    const shown = await call<GcHistory>('GET', `/system/gc/${created.executionId}`);
    expect(shown.body).toMatchObject({ job_kind: 'SCHEDULE', job_status: 'Success', schedule: { type: 'Schedule', cron: '0 0 3 * * *' } });
    expect(JSON.parse(shown.body.job_parameters)).toMatchObject({ dry_run: true, purged_blobs: 2, freed_space: 1024, purged_manifests: 1 });
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

    /** Waits briefly for the announcements a change should have published. */
    async function announcements(count: number): Promise<string[]> {
      for (let i = 0; i < 50 && announced.length < count; i++) await new Promise((r) => setTimeout(r, 20));
      return announced.splice(0);
    }

    it('answers {} while there is no schedule', async () => {
      const res = await call('GET', '/system/gc/schedule');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({});
    });

    it('creates a custom schedule, shows it with its next run, and announces the change', async () => {
      const res = await call('POST', '/system/gc/schedule', { schedule: { type: 'Custom', cron: '0 15 3 * * *' }, parameters: { delete_untagged: true } });
      expect(res.status).toBe(201);
      expect(res.headers.get('location')).toBeNull();
      const rows = await scheduleRows();
      expect(rows).toEqual([{ id: expect.any(String), cron_type: 'Custom', cron: '0 15 3 * * *', parameters: { dry_run: false, delete_untagged: true, workers: 1, time_window: 2 } }]);
      expect(await announcements(1)).toEqual(['GARBAGE_COLLECTION']);

      const before = new Date();
      const shown = await call<GcHistory>('GET', '/system/gc/schedule');
      expect(shown.status).toBe(200);
      expect(shown.body).toMatchObject({ id: Number(rows[0].id), job_kind: 'SCHEDULE', schedule: { type: 'Custom', cron: '0 15 3 * * *' } });
      expect(shown.body.schedule.next_scheduled_time).toBe(nextCronTime('0 15 3 * * *', before).toISOString());
      expect(JSON.parse(shown.body.job_parameters)).toEqual({ dry_run: false, delete_untagged: true, workers: 1, time_window: 2 });
    });

    it('updates it to Daily in place; POST again replaces it too', async () => {
      const [{ id }] = await scheduleRows();
      const res = await call('PUT', '/system/gc/schedule', { schedule: { type: 'Daily', cron: '0 0 0 * * *' }, parameters: { workers: 2 } });
      expect(res.status).toBe(200);
      expect(await scheduleRows()).toEqual([{ id, cron_type: 'Daily', cron: '0 0 0 * * *', parameters: { dry_run: false, delete_untagged: false, workers: 2, time_window: 2 } }]);
      expect((await call<GcHistory>('GET', '/system/gc/schedule')).body.schedule).toMatchObject({ type: 'Daily', cron: '0 0 0 * * *' });

      expect((await call('POST', '/system/gc/schedule', { schedule: { type: 'Weekly' } })).status).toBe(201);
      expect(await scheduleRows()).toEqual([expect.objectContaining({ id, cron_type: 'Weekly', cron: '0 0 0 * * 0' })]);
      expect(await announcements(2)).toEqual(['GARBAGE_COLLECTION', 'GARBAGE_COLLECTION']);
    });

    it('refuses a bad cron or bad parameters with 400 and keeps the stored schedule', async () => {
      const before = await scheduleRows();
      const bad: [unknown, RegExp][] = [
        [{ schedule: { type: 'Custom', cron: '0 0 * * *' } }, /6 fields/],
        [{ schedule: { type: 'Schedule', cron: '0 61 * * * *' } }, /invalid/],
        [{ schedule: { type: 'Custom' } }, /needs a cron/],
        [{ schedule: { type: 'Daily', cron: '0 0 5 * * *' } }, /use type Custom/],
        [{ schedule: { type: 'Hourly' }, parameters: { workers: 0 } }, /workers/],
        [{ schedule: { type: 'Hourly' }, parameters: { time_window: -2 } }, /time_window/],
        [{ schedule: { type: 'None' }, parameters: { nope: 1, dry_run: 1 } }, /dry_run/],
        [[], /JSON object/],
      ];
      for (const [body, message] of bad) {
        expectHarborError(await call('PUT', '/system/gc/schedule', body), 400, 'BAD_REQUEST', message);
        expectHarborError(await call('POST', '/system/gc/schedule', body), 400, 'BAD_REQUEST', message);
      }
      expectHarborError(await call('PUT', '/system/gc/schedule'), 400, 'BAD_REQUEST', /body is required/);
      expect(await scheduleRows()).toEqual(before);
      expect(await announcements(0)).toEqual([]);
    });

    it('lists the schedule row in /schedules, paged', async () => {
      const [row] = await scheduleRows();
      const res = await call<ScheduleTask[]>('GET', '/schedules');
      expect(res.status).toBe(200);
      expect(res.headers.get('x-total-count')).toBe('1');
      expect(res.body).toEqual([{ id: Number(row.id), vendor_type: 'GARBAGE_COLLECTION', vendor_id: -1, cron: '0 0 0 * * 0', update_time: expect.any(String) }]);
      expect(Number.isNaN(Date.parse(res.body[0].update_time))).toBe(false);
      expect((await call<ScheduleTask[]>('GET', '/schedules?page=2')).body).toEqual([]);
      expectHarborError(await call('GET', '/schedules?page_size=0'), 422, 'UNPROCESSABLE_ENTITY');
    });

    it('removes it with None (then GET answers {}); PUT with no schedule yet creates one', async () => {
      expect((await call('PUT', '/system/gc/schedule', { schedule: { type: 'None' } })).status).toBe(200);
      expect(await scheduleRows()).toEqual([]);
      expect((await call('GET', '/system/gc/schedule')).body).toEqual({});
      expect((await call<ScheduleTask[]>('GET', '/schedules')).headers.get('x-total-count')).toBe('0');
      expect(await announcements(1)).toEqual(['GARBAGE_COLLECTION']);
      // Removing what is not there is fine and announces nothing.
      expect((await call('POST', '/system/gc/schedule', { schedule: { type: 'None' } })).status).toBe(201);

      expect((await call('PUT', '/system/gc/schedule', { schedule: { type: 'Hourly' } })).status).toBe(200);
      expect(await scheduleRows()).toEqual([expect.objectContaining({ cron_type: 'Hourly', cron: '0 0 * * * *' })]);
      expect(await announcements(1)).toEqual(['GARBAGE_COLLECTION']);
    });
  });
});

describe('garbage collection with the queues’ Redis unreachable', () => {
  let core: CoreHarness;

  beforeAll(async () => {
    // Port 1 on loopback: nothing listens, connections are refused at once.
    core = await startTestCore({ jobRedisUrl: 'redis://127.0.0.1:1' });
  });
  afterAll(async () => {
    await core?.close();
  });

  it('answers 503 "failed to queue the job" with Retry-After, and the history shows the run as Error', async () => {
    const res = await api(core.url, 'POST', '/api/v2.0/system/gc/schedule', { auth: core.adminAuth, body: { schedule: { type: 'Manual' } } });
    expect(res.status).toBe(503);
    expect(errorCode(res)).toBe('SERVICE_UNAVAILABLE');
    expect(res.headers.get('retry-after')).toBe('5');
    expect((res.body as { errors: { message: string }[] }).errors[0].message).toMatch(/^failed to queue the job/);
    const history = await api<GcHistory[]>(core.url, 'GET', '/api/v2.0/system/gc', { auth: core.adminAuth });
    expect(history.body).toHaveLength(1);
    expect(history.body[0].job_status).toBe('Error');
    // Nothing is left pending, so the next attempt is not refused as a conflict.
    const again = await api(core.url, 'POST', '/api/v2.0/system/gc/schedule', { auth: core.adminAuth, body: { schedule: { type: 'Manual' } } });
    expect(again.status).toBe(503);
  });

  it('still stores a schedule change (the jobservice re-reads schedules on its own)', async () => {
    const res = await api(core.url, 'PUT', '/api/v2.0/system/gc/schedule', { auth: core.adminAuth, body: { schedule: { type: 'Daily' } } });
    expect(res.status).toBe(200);
    const rows = await sqlQuery<{ cron: string }>(core.db.url, 'SELECT cron FROM schedule');
    expect(rows).toEqual([{ cron: '0 0 0 * * *' }]);
  });
});
