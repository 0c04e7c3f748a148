import { ExecutionStatus, Trigger, VendorType } from '@wharf/jobs';
import { startTestJobService, type TestJobService, waitForExecution } from './testing';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('schedules', () => {
  let t: TestJobService;

  beforeEach(async () => {
    t = await startTestJobService();
  });

  afterEach(async () => {
    await t.close();
  });

  async function scheduledRuns(): Promise<{ id: string; start_time: Date }[]> {
    return t.sql.query("SELECT id, start_time FROM execution WHERE vendor_type = 'GARBAGE_COLLECTION' AND trigger = 'SCHEDULE' ORDER BY id");
  }

  it('fires a stored cron once per due time, even with three jobservices, and stops when removed', async () => {
    await t.startAnother();
    await t.startAnother();
    const { schedules, queues, sync } = t.service;
    await schedules.put({ vendorType: VendorType.GarbageCollection, cronType: 'Custom', cron: '*/2 * * * * *', parameters: { dry_run: true } });
    await queues.announceSchedulesChanged(VendorType.GarbageCollection);
    await sync.sync();

    await sleep(7_000);
    const runs = await scheduledRuns();
    // Due times every 2 s over ~7 s: 3 or 4 firings, one execution each (a firing that found the
    // previous run unfinished is skipped, never doubled).
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs.length).toBeLessThanOrEqual(4);
    for (let i = 1; i < runs.length; i++) {
      expect(runs[i]!.start_time.getTime() - runs[i - 1]!.start_time.getTime()).toBeGreaterThan(1000);
    }
    const last = await waitForExecution(t.service.executions, runs[runs.length - 1]!.id);
    expect(last.status).toBe(ExecutionStatus.Success);
    expect(last.parameters).toEqual({ dry_run: true });
    expect(last.trigger).toBe(Trigger.Schedule);
    expect(last.extraAttrs).toMatchObject({ cron: '*/2 * * * * *', cron_type: 'Custom', dry_run: true });
    expect(await queues.queue(VendorType.GarbageCollection).getJobSchedulers()).toHaveLength(1);

    await schedules.remove(VendorType.GarbageCollection);
    await queues.announceSchedulesChanged(VendorType.GarbageCollection);
    await sync.sync();
    expect(await queues.queue(VendorType.GarbageCollection).getJobSchedulers()).toHaveLength(0);
    const count = (await scheduledRuns()).length;
    await sleep(3_000);
    expect((await scheduledRuns()).length).toBe(count);
  });

  it('registers schedules stored while no jobservice ran, at start', async () => {
    await t.service.schedules.put({ vendorType: VendorType.GarbageCollection, cronType: 'Daily', cron: '0 0 0 * * *' });
    const other = await t.startAnother();
    await other.sync.sync();
    const [scheduler] = await t.service.queues.queue(VendorType.GarbageCollection).getJobSchedulers();
    expect(scheduler?.pattern).toBe('0 0 0 * * *');
    expect(scheduler?.tz).toBe('UTC');
  });

  it('stops a waiting execution before it runs', async () => {
    const { executions } = t.service;
    const created = await executions.create({ vendorType: VendorType.GarbageCollection, trigger: Trigger.Manual });
    if (created === 'busy') throw new Error('unexpected');
    expect(await executions.requestStop(created.executionId)).toBe(true);
    const stopped = await executions.get(created.executionId);
    expect(stopped?.status).toBe(ExecutionStatus.Stopped);
    expect(await executions.requestStop(created.executionId)).toBe(false);
    // The queue may still deliver it: the worker sees the task ended and leaves it alone.
    await t.service.queues.enqueue(VendorType.GarbageCollection, { executionId: created.executionId, taskId: created.taskIds[0]! });
    await sleep(500);
    const task = await executions.task(created.taskIds[0]!);
    expect(task?.runCount).toBe(0);
    expect(task?.status).toBe(ExecutionStatus.Stopped);
  });
});
