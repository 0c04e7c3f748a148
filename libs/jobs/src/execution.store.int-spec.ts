import { Sql } from '@wharf/db';
import { createTestDatabase, type TestDatabase } from '@wharf/db/testing';
import { Pool } from 'pg';
import { ExecutionStatus, Trigger, VendorType } from './contract';
import { ExecutionStore } from './execution.store';

describe('ExecutionStore', () => {
  let db: TestDatabase;
  let pool: Pool;
  let store: ExecutionStore;

  beforeAll(async () => {
    db = await createTestDatabase('wharf_exec');
    pool = new Pool({ connectionString: db.url, max: 8 });
    store = new ExecutionStore(new Sql(pool));
  });

  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  async function created(vendorId: string, tasks = 1) {
    const c = await store.create({ vendorType: VendorType.Retention, vendorId, trigger: Trigger.Manual, parameters: { dry_run: true }, tasks });
    if (c === 'busy') throw new Error('unexpected busy');
    return c;
  }

  it('lets only one of many concurrent exclusive creators through', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () => store.create({ vendorType: VendorType.GarbageCollection, trigger: Trigger.Manual, exclusive: true })),
    );
    expect(results.filter((r) => r !== 'busy')).toHaveLength(1);
    const winner = results.find((r): r is Exclude<typeof r, 'busy'> => r !== 'busy');
    if (!winner) throw new Error('no winner');
    await store.startTask(winner.taskIds[0]!, 'job-1');
    expect(await store.create({ vendorType: VendorType.GarbageCollection, trigger: Trigger.Manual, exclusive: true })).toBe('busy');
    await store.finishTask(winner.taskIds[0]!, ExecutionStatus.Success);
    expect(await store.create({ vendorType: VendorType.GarbageCollection, trigger: Trigger.Manual, exclusive: true })).not.toBe('busy');
  });

  it('follows a task from Pending to Success, merging its figures and keeping its log in order', async () => {
    const c = await created('1');
    const task = c.taskIds[0]!;
    expect((await store.get(c.executionId))?.status).toBe(ExecutionStatus.Pending);
    expect(await store.startTask(task, 'job-a')).toEqual({ runCount: 1 });
    expect((await store.get(c.executionId))?.status).toBe(ExecutionStatus.Running);
    await store.appendLog(task, 'first\n');
    await store.appendLog(task, 'second\n');
    await store.progress(task, { done: 1 });
    expect(await store.finishTask(task, ExecutionStatus.Success, '', { done: 2, total: 2 })).toBe(true);
    const e = await store.get(c.executionId);
    expect(e).toMatchObject({ status: ExecutionStatus.Success, extraAttrs: { done: 2, total: 2 }, parameters: { dry_run: true } });
    expect(e?.endTime).toBeInstanceOf(Date);
    expect(await store.log(c.executionId)).toBe('first\nsecond\n');
    // An ended task stays ended: a late duplicate delivery changes nothing.
    expect(await store.startTask(task, 'job-b')).toBeUndefined();
    expect(await store.finishTask(task, ExecutionStatus.Error, 'late')).toBe(false);
    expect((await store.get(c.executionId))?.status).toBe(ExecutionStatus.Success);
  });

  it('counts runs of a task taken again after its worker died', async () => {
    const c = await created('2');
    await store.startTask(c.taskIds[0]!, 'job');
    expect(await store.startTask(c.taskIds[0]!, 'job')).toEqual({ runCount: 2 });
  });

  it('ends an execution only when its last task ends: Error wins over Stopped over Success', async () => {
    const c = await created('3', 3);
    const [a, b, d] = c.taskIds as [string, string, string];
    await store.finishTask(a, ExecutionStatus.Success);
    await store.finishTask(b, ExecutionStatus.Stopped, 'stopped by request');
    expect((await store.get(c.executionId))?.status).toBe(ExecutionStatus.Pending);
    await store.finishTask(d, ExecutionStatus.Error, 'disk full');
    expect(await store.get(c.executionId)).toMatchObject({ status: ExecutionStatus.Error, statusMessage: 'stopped by request; disk full' });
  });

  it('stops waiting tasks at once and lets running ones see the request', async () => {
    const c = await created('4', 2);
    await store.startTask(c.taskIds[0]!, 'job');
    expect(await store.stopRequested(c.executionId)).toBe(false);
    expect(await store.requestStop(c.executionId)).toBe(true);
    expect(await store.stopRequested(c.executionId)).toBe(true);
    expect((await store.task(c.taskIds[1]!))?.status).toBe(ExecutionStatus.Stopped);
    expect((await store.get(c.executionId))?.status).toBe(ExecutionStatus.Running);
    await store.finishTask(c.taskIds[0]!, ExecutionStatus.Stopped);
    expect((await store.get(c.executionId))?.status).toBe(ExecutionStatus.Stopped);
    expect(await store.requestStop(c.executionId)).toBe(false);
    expect(await store.requestStop('nope')).toBe(false);
  });

  it('lists executions of a vendor newest first, with the total', async () => {
    for (let i = 0; i < 3; i++) await created('77');
    const page = await store.list(VendorType.Retention, '77', 1, 2);
    expect(page.total).toBe(3);
    expect(page.items).toHaveLength(2);
    expect(Number(page.items[0]!.id)).toBeGreaterThan(Number(page.items[1]!.id));
  });
});
