import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecutionStatus, ExecutionStore, isFinal, JobName, JobQueues, KEEP_FINISHED, launchExecution, Trigger, VendorType } from '@wharf/jobs';
import { Client } from 'pg';
import { api, ApiResponse, basicAuthHeader, createTestUser, errorCode, TestUser } from '@wharf/testing';
// The real jobservice (its BullMQ workers, runners and pool registration) in this process, on core's database and queues.
import { loadConfig as loadJobServiceConfig } from '../../jobservice/src/config';
import { type RunningJobService, startJobService } from '../../jobservice/src/job-service';
import { CoreHarness, startTestCore } from '../../core/src/testing';
import type { JobQueueView as JobQueue, WorkerPoolView as WorkerPool, WorkerView as Worker } from '../../core/src/jobservice/jobservice-view';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it answers something truthy (or fails after the timeout, saying what it waited for). */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('jobservice dashboard (/api/v2.0/jobservice) over a running jobservice', () => {
  let core: CoreHarness;
  let executions: ExecutionStore;
  let queues: JobQueues;
  let jobservice: RunningJobService;
  let dataDir: string;
  let user: TestUser;

  const call = <T = unknown>(method: string, path: string, body?: unknown, auth: string | null = core.adminAuth) =>
    api<T>(core.url, method, `/api/v2.0/jobservice${path}`, { auth: auth ?? undefined, body });
  const queueOf = async (type: VendorType): Promise<JobQueue> => {
    const res = await call<JobQueue[]>('GET', '/queues');
    expect(res.status).toBe(200);
    const queue = res.body.find((q) => q.job_type === type);
    if (!queue) throw new Error(`no queue ${type} in ${JSON.stringify(res.body)}`);
    return queue;
  };
  const startJobservice = () =>
    startJobService({
      ...loadJobServiceConfig({}),
      databaseUrl: core.db.url,
      redisUrl: core.config.redisUrl,
      jobRedisUrl: core.config.jobRedisUrl,
      queuePrefix: core.config.jobQueuePrefix,
      dataDir,
      workers: 2,
      scheduleSyncMs: 60_000,
      logLevel: 'error',
    });
  const launch = async (vendorType: VendorType, parameters: Record<string, unknown> = {}, tasks = 1) => {
    const created = await launchExecution(executions, queues, { vendorType, trigger: Trigger.Manual, parameters, tasks });
    if (created === 'busy') throw new Error('busy');
    return created;
  };
  const finished = (executionId: string) =>
    waitFor(`execution ${executionId} to end`, async () => {
      const e = await executions.get(executionId);
      return e && isFinal(e.status) ? e : undefined;
    });
  const purgeNothing = () => launch(VendorType.PurgeAuditLog, { audit_retention_hour: 1, include_event_types: 'create_artifact', dry_run: true });

  function expectHarborError(res: ApiResponse, status: number, code: string): void {
    expect(res.status).toBe(status);
    expect(errorCode(res)).toBe(code);
  }

  /** Holds GC's first statement (on the upload table) until `release()`: a GC that stays Running. */
  async function holdGc(): Promise<{ release(): Promise<void> }> {
    const client = new Client({ connectionString: core.db.url });
    await client.connect();
    await client.query('BEGIN');
    await client.query('LOCK TABLE upload IN ACCESS EXCLUSIVE MODE');
    return {
      async release() {
        await client.query('COMMIT');
        await client.end();
      },
    };
  }

  beforeAll(async () => {
    core = await startTestCore();
    executions = core.app.get(ExecutionStore);
    queues = core.app.get(JobQueues);
    dataDir = await mkdtemp(join(tmpdir(), 'wharf-jobsvc-'));
    jobservice = await startJobservice();
    user = await createTestUser(core.url, core.adminAuth, 'jobs-viewer');
  });
  afterAll(async () => {
    await jobservice?.close();
    await core?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('is for system administrators only: 401 anonymous, 403 other users, nothing done', async () => {
    const calls: [string, string, unknown?][] = [
      ['GET', '/pools'],
      ['GET', '/pools/all/workers'],
      ['GET', '/queues'],
      ['PUT', '/queues/all', { action: 'pause' }],
      ['PUT', '/jobs/all', { action: 'stop' }],
      ['GET', '/jobs/task-1/log'],
    ];
    for (const [method, path, body] of calls) {
      expectHarborError(await call(method, path, body, null), 401, 'UNAUTHORIZED');
      expectHarborError(await call(method, path, body, user.auth), 403, 'FORBIDDEN');
    }
    expect((await call<JobQueue[]>('GET', '/queues')).body.every((q) => !q.paused)).toBe(true);
  });

  it('lets a robot granted jobservice-monitor read with list and act with stop, as Harbor’s system permissions', async () => {
    const robotAuth = async (name: string, actions: string[]) => {
      const robot = await api<{ name: string; secret: string }>(core.url, 'POST', '/api/v2.0/robots', {
        auth: core.adminAuth,
        body: { name, level: 'system', duration: -1, permissions: [{ kind: 'system', namespace: '/', access: actions.map((action) => ({ resource: 'jobservice-monitor', action })) }] },
      });
      expect(robot.status).toBe(201);
      return basicAuthHeader(robot.body.name, robot.body.secret);
    };
    const reader = await robotAuth('jobs-reader', ['list']);
    expect((await call('GET', '/queues', undefined, reader)).status).toBe(200);
    expect((await call('GET', '/pools', undefined, reader)).status).toBe(200);
    expectHarborError(await call('PUT', '/queues/all', { action: 'pause' }, reader), 403, 'FORBIDDEN');
    const stopper = await robotAuth('jobs-stopper', ['stop']);
    expectHarborError(await call('GET', '/queues', undefined, stopper), 403, 'FORBIDDEN');
    expect((await call('PUT', '/jobs/no-such-job', undefined, stopper)).status).toBe(200);
  });

  it('lists the running jobservice as a worker pool, and a second one while it runs', async () => {
    const res = await call<WorkerPool[]>('GET', '/pools');
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(1);
    const [pool] = res.body;
    // GC 1, retention 2, webhook 2, audit purge 1 with two workers.
    expect(pool).toMatchObject({ pid: process.pid, worker_pool_id: jobservice.poolId, host: hostname(), concurrency: 6 });
    expect(Date.parse(pool.start_at)).toBeLessThanOrEqual(Date.parse(pool.heartbeat_at));

    const workers = await call<Worker[]>('GET', `/pools/${pool.worker_pool_id}/workers`);
    expect(workers.status).toBe(200);
    expect(workers.body).toHaveLength(6);
    expect(workers.body.every((w) => w.pool_id === pool.worker_pool_id && w.job_id === undefined)).toBe(true);

    const second = await startJobservice();
    try {
      const both = await call<WorkerPool[]>('GET', '/pools');
      expect(both.body.map((p) => p.worker_pool_id).sort()).toEqual([jobservice.poolId, second.poolId].sort());
      expect((await call<Worker[]>('GET', '/pools/all/workers')).body).toHaveLength(12);
    } finally {
      await second.close();
    }
    expect((await call<WorkerPool[]>('GET', '/pools')).body.map((p) => p.worker_pool_id)).toEqual([jobservice.poolId]);
    // A pool that is not running has no workers (as Harbor).
    expect(await call('GET', '/pools/no-such-pool/workers')).toMatchObject({ status: 200, body: [] });
  });

  it('shows a running GC in its worker with its latest log line, its log as text, and stops it', async () => {
    const hold = await holdGc();
    let held = true;
    try {
      const { executionId, taskIds } = await launch(VendorType.GarbageCollection, { dry_run: true });
      const jobId = `task-${taskIds[0]}`;
      const worker = await waitFor('the GC in a worker with a check-in', async () => {
        const res = await call<Worker[]>('GET', '/pools/all/workers');
        return res.body.find((w) => w.job_id === jobId && w.check_in !== undefined);
      });
      expect(worker).toMatchObject({ pool_id: jobservice.poolId, job_name: 'GARBAGE_COLLECTION' });
      expect(worker.check_in).toMatch(/^garbage collection started/);
      expect(Date.parse(worker.start_at!)).toBeLessThanOrEqual(Date.parse(worker.checkin_at!));
      expect((await call<Worker[]>('GET', `/pools/${jobservice.poolId}/workers`)).body).toContainEqual(worker);

      const log = await call<string>('GET', `/jobs/${jobId}/log`);
      expect(log.status).toBe(200);
      expect(log.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(log.body).toMatch(/\[INFO\] garbage collection started/);

      expect((await call('PUT', `/jobs/${jobId}`, { action: 'stop' })).status).toBe(200);
      expect(await executions.get(executionId)).toMatchObject({ stopRequested: true, status: ExecutionStatus.Running });
      await hold.release();
      held = false;
      expect(await finished(executionId)).toMatchObject({ status: ExecutionStatus.Stopped });
      expect((await call<string>('GET', `/jobs/${jobId}/log`)).body).toMatch(/stopped on request/);
      await waitFor('the worker to be free again', async () => !(await call<Worker[]>('GET', '/pools/all/workers')).body.some((w) => w.job_id === jobId));
      // An ended job: nothing to stop, not an error (as Harbor).
      expect((await call('PUT', `/jobs/${jobId}`)).status).toBe(200);
      expect((await call('PUT', '/jobs/no-such-job')).status).toBe(200);
    } finally {
      if (held) await hold.release();
    }
  });

  it('stops a job that waits in the queue: its task ends Stopped and the job leaves the queue', async () => {
    expect((await call('PUT', '/queues/RETENTION', { action: 'pause' })).status).toBe(200);
    try {
      const { executionId, taskIds } = await launch(VendorType.Retention, { dry_run: true }, 2);
      expect((await queueOf(VendorType.Retention)).count).toBe(2);
      expect((await call('PUT', `/jobs/task-${taskIds[0]}`)).status).toBe(200);
      expect((await executions.task(taskIds[0]!))?.status).toBe(ExecutionStatus.Stopped);
      expect((await executions.task(taskIds[1]!))?.status).toBe(ExecutionStatus.Pending);
      expect((await queueOf(VendorType.Retention)).count).toBe(1);
      expect((await executions.get(executionId))?.status).toBe(ExecutionStatus.Pending);
      await call('PUT', '/queues/RETENTION', { action: 'stop' });
    } finally {
      await call('PUT', '/queues/RETENTION', { action: 'resume' });
    }
  });

  it('counts the waiting jobs of a paused queue and how long the oldest has waited; the worker takes none until resumed', async () => {
    expect((await call('PUT', '/queues/garbage_collection', { action: 'Pause' })).status).toBe(200);
    // The first job was queued two minutes ago, as far as the queue knows (it keeps each job's creation time).
    const old = await launch(VendorType.GarbageCollection, { dry_run: true });
    await queues.onQueue(VendorType.GarbageCollection, 'test', async (q) => {
      await q.remove(`task-${old.taskIds[0]}`);
      await q.add(JobName.RunTask, { executionId: old.executionId, taskId: old.taskIds[0] }, { ...KEEP_FINISHED, jobId: `task-${old.taskIds[0]}`, timestamp: Date.now() - 120_000 });
    });
    const gc = await launch(VendorType.GarbageCollection, { dry_run: true });
    const queue = await queueOf(VendorType.GarbageCollection);
    expect(queue).toMatchObject({ job_type: 'GARBAGE_COLLECTION', count: 2, paused: true });
    expect(queue.latency).toBeGreaterThanOrEqual(120);
    expect(queue.latency).toBeLessThan(180);
    expect(await queueOf(VendorType.PurgeAuditLog)).toMatchObject({ count: 0, latency: 0, paused: false });

    // The jobservice works: another queue's job runs to its end while the paused one's wait.
    const purge = await purgeNothing();
    expect(await finished(purge.executionId)).toMatchObject({ status: ExecutionStatus.Success });
    expect((await executions.get(gc.executionId))?.status).toBe(ExecutionStatus.Pending);
    expect((await queueOf(VendorType.GarbageCollection)).count).toBe(2);

    // The pause is in Redis: a jobservice started now sees it too.
    await jobservice.close();
    jobservice = await startJobservice();
    const purgeAgain = await purgeNothing();
    expect(await finished(purgeAgain.executionId)).toMatchObject({ status: ExecutionStatus.Success });
    expect(await queueOf(VendorType.GarbageCollection)).toMatchObject({ count: 2, paused: true });

    expect((await call('PUT', '/queues/GARBAGE_COLLECTION', { action: 'resume' })).status).toBe(200);
    expect(await finished(old.executionId)).toMatchObject({ status: ExecutionStatus.Success });
    expect(await finished(gc.executionId)).toMatchObject({ status: ExecutionStatus.Success });
    expect(await queueOf(VendorType.GarbageCollection)).toMatchObject({ count: 0, latency: 0, paused: false });
  });

  it('stops the waiting jobs of a queue: they leave it and their executions end Stopped', async () => {
    await call('PUT', '/queues/all', { action: 'pause' });
    try {
      expect((await call<JobQueue[]>('GET', '/queues')).body.map((q) => [q.job_type, q.paused])).toEqual([
        ['GARBAGE_COLLECTION', true],
        ['RETENTION', true],
        ['WEBHOOK', true],
        ['PURGE_AUDIT_LOG', true],
      ]);
      const retention = await launch(VendorType.Retention, { dry_run: true }, 3);
      const purge = await purgeNothing();
      expect((await queueOf(VendorType.Retention)).count).toBe(3);

      expect((await call('PUT', '/queues/RETENTION', { action: 'stop' })).status).toBe(200);
      expect((await queueOf(VendorType.Retention)).count).toBe(0);
      expect(await executions.get(retention.executionId)).toMatchObject({ status: ExecutionStatus.Stopped });
      expect((await executions.tasks(retention.executionId)).map((t) => t.status)).toEqual([ExecutionStatus.Stopped, ExecutionStatus.Stopped, ExecutionStatus.Stopped]);
      // Other queues keep theirs; "all" stops them too.
      expect((await queueOf(VendorType.PurgeAuditLog)).count).toBe(1);
      expect((await call('PUT', '/queues/all', { action: 'stop' })).status).toBe(200);
      expect((await queueOf(VendorType.PurgeAuditLog)).count).toBe(0);
      expect(await executions.get(purge.executionId)).toMatchObject({ status: ExecutionStatus.Stopped });
    } finally {
      await call('PUT', '/queues/all', { action: 'resume' });
    }
    expect((await call<JobQueue[]>('GET', '/queues')).body.every((q) => !q.paused && q.count === 0)).toBe(true);
  });

  it('refuses an unsupported action (400) and an unknown job type (404), changing nothing', async () => {
    for (const body of [{ action: 'explode' }, {}, { action: 3 }, { action: null }]) {
      expectHarborError(await call('PUT', '/queues/GARBAGE_COLLECTION', body), 400, 'BAD_REQUEST');
    }
    expectHarborError(await call('PUT', '/queues/REPLICATION', { action: 'pause' }), 404, 'NOT_FOUND');
    expect((await call<JobQueue[]>('GET', '/queues')).body.every((q) => !q.paused)).toBe(true);
    expectHarborError(await call('GET', '/jobs/no-such-job/log'), 404, 'NOT_FOUND');
  });

  it('keeps the queues as they are in read-only mode (403 DENIED), as Harbor', async () => {
    expect((await api(core.url, 'PUT', '/api/v2.0/configurations', { auth: core.adminAuth, body: { read_only: true } })).status).toBe(200);
    try {
      expectHarborError(await call('PUT', '/queues/all', { action: 'pause' }), 403, 'DENIED');
      expectHarborError(await call('PUT', '/jobs/all'), 403, 'DENIED');
      expect((await call('GET', '/queues')).status).toBe(200);
    } finally {
      await api(core.url, 'PUT', '/api/v2.0/configurations', { auth: core.adminAuth, body: { read_only: false } });
    }
    expect((await call<JobQueue[]>('GET', '/queues')).body.every((q) => !q.paused)).toBe(true);
  });
});
