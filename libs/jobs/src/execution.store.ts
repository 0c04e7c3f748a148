import type { Sql, SqlRunner } from '@wharf/db';
import { ExecutionStatus, Trigger, VendorType } from './contract';

export interface Execution {
  id: string;
  vendorType: VendorType;
  vendorId: string;
  status: ExecutionStatus;
  statusMessage: string;
  trigger: Trigger;
  parameters: Record<string, unknown>;
  extraAttrs: Record<string, unknown>;
  stopRequested: boolean;
  startTime: Date;
  updateTime: Date;
  endTime: Date | null;
}

export interface Task {
  id: string;
  executionId: string;
  vendorType: VendorType;
  jobId: string | null;
  status: ExecutionStatus;
  statusMessage: string;
  runCount: number;
  extraAttrs: Record<string, unknown>;
  creationTime: Date;
  startTime: Date | null;
  updateTime: Date;
  endTime: Date | null;
}

export interface NewExecution {
  vendorType: VendorType;
  vendorId?: string;
  trigger: Trigger;
  parameters?: Record<string, unknown>;
  /** Facts recorded with it from the start (e.g. the cron of the schedule that fired). */
  extraAttrs?: Record<string, unknown>;
  /** How many tasks to create with it (default 1). */
  tasks?: number;
  /** Refuse to create it while another execution of the same vendor is unfinished. */
  exclusive?: boolean;
}

export interface CreatedExecution {
  executionId: string;
  taskIds: string[];
}

export interface ExecutionPage {
  items: Execution[];
  total: number;
}

type ExecutionDbRow = {
  id: string;
  vendor_type: VendorType;
  vendor_id: string;
  status: ExecutionStatus;
  status_message: string;
  trigger: Trigger;
  parameters: Record<string, unknown>;
  extra_attrs: Record<string, unknown>;
  stop_requested: boolean;
  start_time: Date;
  update_time: Date;
  end_time: Date | null;
};

type TaskDbRow = {
  id: string;
  execution_id: string;
  vendor_type: VendorType;
  job_id: string | null;
  status: ExecutionStatus;
  status_message: string;
  run_count: number;
  extra_attrs: Record<string, unknown>;
  creation_time: Date;
  start_time: Date | null;
  update_time: Date;
  end_time: Date | null;
};

const EXECUTION_COLUMNS = 'id, vendor_type, vendor_id, status, status_message, trigger, parameters, extra_attrs, stop_requested, start_time, update_time, end_time';
const TASK_COLUMNS = 'id, execution_id, vendor_type, job_id, status, status_message, run_count, extra_attrs, creation_time, start_time, update_time, end_time';

function toExecution(r: ExecutionDbRow): Execution {
  return {
    id: r.id,
    vendorType: r.vendor_type,
    vendorId: r.vendor_id,
    status: r.status,
    statusMessage: r.status_message,
    trigger: r.trigger,
    parameters: r.parameters,
    extraAttrs: r.extra_attrs,
    stopRequested: r.stop_requested,
    startTime: r.start_time,
    updateTime: r.update_time,
    endTime: r.end_time,
  };
}

function toTask(r: TaskDbRow): Task {
  return {
    id: r.id,
    executionId: r.execution_id,
    vendorType: r.vendor_type,
    jobId: r.job_id,
    status: r.status,
    statusMessage: r.status_message,
    runCount: r.run_count,
    extraAttrs: r.extra_attrs,
    creationTime: r.creation_time,
    startTime: r.start_time,
    updateTime: r.update_time,
    endTime: r.end_time,
  };
}

/** One log line as the API shows it: "<ISO time> [LEVEL] message". */
export function formatLogLine(level: 'INFO' | 'WARNING' | 'ERROR', message: string, at: Date = new Date()): string {
  return `${at.toISOString()} [${level}] ${message}\n`;
}

/**
 * Executions and their tasks in PostgreSQL: the record the API shows and the state a worker
 * resumes from after a restart. Every status change is one statement (or one transaction when the
 * execution's status follows from its tasks).
 */
export class ExecutionStore {
  constructor(private readonly sql: Sql) {}

  /**
   * Creates an execution with its tasks, Pending. With `exclusive`, answers 'busy' instead while
   * another execution of the same vendor is Pending or Running (checked under a lock, so two
   * callers cannot both pass).
   */
  async create(e: NewExecution): Promise<CreatedExecution | 'busy'> {
    const vendorId = e.vendorId ?? '-1';
    return this.sql.transaction(async (tx) => {
      if (e.exclusive) {
        await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`execution:${e.vendorType}:${vendorId}`]);
        const busy = await tx.one(
          `SELECT 1 FROM execution WHERE vendor_type = $1 AND vendor_id = $2 AND status IN ('Pending', 'Running') LIMIT 1`,
          [e.vendorType, vendorId],
        );
        if (busy) return 'busy' as const;
      }
      const row = await tx.one<{ id: string }>(
        'INSERT INTO execution (vendor_type, vendor_id, trigger, parameters, extra_attrs) VALUES ($1, $2, $3, $4, $5) RETURNING id',
        [e.vendorType, vendorId, e.trigger, JSON.stringify(e.parameters ?? {}), JSON.stringify(e.extraAttrs ?? {})],
      );
      const executionId = row!.id;
      const tasks = await tx.query<{ id: string }>(
        'INSERT INTO task (execution_id, vendor_type) SELECT $1, $2 FROM generate_series(1, $3) RETURNING id',
        [executionId, e.vendorType, e.tasks ?? 1],
      );
      return { executionId, taskIds: tasks.map((t) => t.id) };
    });
  }

  async get(id: string, runner: SqlRunner = this.sql): Promise<Execution | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    const row = await runner.one<ExecutionDbRow>(`SELECT ${EXECUTION_COLUMNS} FROM execution WHERE id = $1`, [id]);
    return row && toExecution(row);
  }

  /** Newest first. */
  async list(vendorType: VendorType, vendorId: string | undefined, page: number, pageSize: number): Promise<ExecutionPage> {
    const where = 'vendor_type = $1 AND ($2::bigint IS NULL OR vendor_id = $2::bigint)';
    const [count, rows] = await Promise.all([
      this.sql.one<{ n: string }>(`SELECT count(*) AS n FROM execution WHERE ${where}`, [vendorType, vendorId ?? null]),
      this.sql.query<ExecutionDbRow>(
        `SELECT ${EXECUTION_COLUMNS} FROM execution WHERE ${where} ORDER BY id DESC LIMIT $3 OFFSET $4`,
        [vendorType, vendorId ?? null, pageSize, (page - 1) * pageSize],
      ),
    ]);
    return { items: rows.map(toExecution), total: Number(count?.n ?? 0) };
  }

  async task(id: string): Promise<Task | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    const row = await this.sql.one<TaskDbRow>(`SELECT ${TASK_COLUMNS} FROM task WHERE id = $1`, [id]);
    return row && toTask(row);
  }

  /** The task a queue job runs (the job id it was queued or taken under). */
  async taskByJobId(jobId: string): Promise<Task | undefined> {
    const row = await this.sql.one<TaskDbRow>(`SELECT ${TASK_COLUMNS} FROM task WHERE job_id = $1 ORDER BY id DESC LIMIT 1`, [jobId]);
    return row && toTask(row);
  }

  async tasks(executionId: string): Promise<Task[]> {
    const rows = await this.sql.query<TaskDbRow>(`SELECT ${TASK_COLUMNS} FROM task WHERE execution_id = $1 ORDER BY id`, [executionId]);
    return rows.map(toTask);
  }

  /** The log of an execution: its tasks' logs in order. */
  async log(executionId: string): Promise<string> {
    const rows = await this.sql.query<{ log: string }>('SELECT log FROM task WHERE execution_id = $1 ORDER BY id', [executionId]);
    return rows.map((r) => r.log).join('');
  }

  async taskLog(taskId: string): Promise<string | undefined> {
    const row = await this.sql.one<{ log: string }>('SELECT log FROM task WHERE id = $1', [taskId]);
    return row?.log;
  }

  /** Records the queue's job id for a task (after enqueueing). */
  async setJobId(taskId: string, jobId: string): Promise<void> {
    await this.sql.query('UPDATE task SET job_id = $2, update_time = now() WHERE id = $1', [taskId, jobId]);
  }

  /**
   * A worker takes the task: Running, one more run. Answers undefined (and changes nothing) when
   * the task is already final, e.g. stopped while it waited in the queue.
   */
  async startTask(taskId: string, jobId: string | null): Promise<{ runCount: number } | undefined> {
    return this.sql.transaction(async (tx) => {
      const row = await tx.one<{ run_count: number; execution_id: string }>(
        `UPDATE task SET status = 'Running', run_count = run_count + 1, start_time = COALESCE(start_time, now()),
                update_time = now(), job_id = COALESCE($2, job_id)
          WHERE id = $1 AND status IN ('Pending', 'Running')
          RETURNING run_count, execution_id`,
        [taskId, jobId],
      );
      if (!row) return undefined;
      await tx.query(
        `UPDATE execution SET status = 'Running', update_time = now() WHERE id = $1 AND status IN ('Pending', 'Running')`,
        [row.execution_id],
      );
      return { runCount: row.run_count };
    });
  }

  async appendLog(taskId: string, text: string): Promise<void> {
    if (text === '') return;
    await this.sql.query('UPDATE task SET log = log || $2, update_time = now() WHERE id = $1', [taskId, text]);
  }

  /**
   * Merges progress figures into the task's extra attributes while it runs; given a transaction,
   * the figures commit exactly with the work they count.
   */
  async progress(taskId: string, extra: Record<string, unknown>, runner: SqlRunner = this.sql): Promise<void> {
    await runner.query('UPDATE task SET extra_attrs = extra_attrs || $2::jsonb, update_time = now() WHERE id = $1', [taskId, JSON.stringify(extra)]);
  }

  /** The task's extra attributes as recorded now (what an interrupted run of it had reached). */
  async recordedProgress(taskId: string): Promise<Record<string, unknown>> {
    const row = await this.sql.one<{ extra_attrs: Record<string, unknown> }>('SELECT extra_attrs FROM task WHERE id = $1', [taskId]);
    return row?.extra_attrs ?? {};
  }

  /** Removes bookkeeping keys a runner kept among the task's extra attributes while it ran. */
  async dropProgress(taskId: string, keys: readonly string[]): Promise<void> {
    await this.sql.query('UPDATE task SET extra_attrs = extra_attrs - $2::text[], update_time = now() WHERE id = $1', [taskId, keys]);
  }

  /**
   * Ends a task. When it was the execution's last unfinished task, the execution ends too: Error if
   * any task failed, else Stopped if any was stopped, else Success; the tasks' extra attributes are
   * merged into the execution's. No effect on a task that already ended.
   */
  async finishTask(taskId: string, status: ExecutionStatus, message = '', extra: Record<string, unknown> = {}): Promise<boolean> {
    return this.endTask(taskId, ['Pending', 'Running'], status, message, extra);
  }

  /**
   * Ends a task that no worker has taken yet as Stopped (its execution follows as in finishTask).
   * False when it is running or ended already: a worker that takes it afterwards skips it.
   */
  async stopPendingTask(taskId: string, message: string): Promise<boolean> {
    return this.endTask(taskId, ['Pending'], ExecutionStatus.Stopped, message, {});
  }

  private async endTask(taskId: string, from: readonly string[], status: ExecutionStatus, message: string, extra: Record<string, unknown>): Promise<boolean> {
    return this.sql.transaction(async (tx) => {
      const row = await tx.one<{ execution_id: string }>(
        `UPDATE task SET status = $2, status_message = $3, extra_attrs = extra_attrs || $4::jsonb, end_time = now(), update_time = now()
          WHERE id = $1 AND status = ANY($5::text[])
          RETURNING execution_id`,
        [taskId, status, message, JSON.stringify(extra), from],
      );
      if (!row) return false;
      await this.settle(tx, row.execution_id);
      return true;
    });
  }

  /**
   * Asks an execution to stop: tasks still waiting become Stopped at once; running ones see the
   * request (stopRequested) at their next check and end Stopped. False if there is no such
   * execution or it already ended.
   */
  async requestStop(executionId: string): Promise<boolean> {
    if (!/^\d{1,18}$/.test(executionId)) return false;
    return this.sql.transaction(async (tx) => {
      const row = await tx.one<{ id: string }>(
        `UPDATE execution SET stop_requested = true, update_time = now()
          WHERE id = $1 AND status IN ('Pending', 'Running') RETURNING id`,
        [executionId],
      );
      if (!row) return false;
      await tx.query(
        `UPDATE task SET status = 'Stopped', status_message = 'stopped before it started', end_time = now(), update_time = now()
          WHERE execution_id = $1 AND status = 'Pending'`,
        [executionId],
      );
      await this.settle(tx, executionId);
      return true;
    });
  }

  async stopRequested(executionId: string): Promise<boolean> {
    const row = await this.sql.one<{ stop_requested: boolean }>('SELECT stop_requested FROM execution WHERE id = $1', [executionId]);
    return row?.stop_requested ?? true;
  }

  /** Ends the execution if none of its tasks is unfinished any more. */
  private async settle(tx: SqlRunner, executionId: string): Promise<void> {
    await tx.query(
      `WITH t AS (
         SELECT bool_or(status IN ('Pending', 'Running')) AS open,
                bool_or(status = 'Error') AS failed,
                bool_or(status = 'Stopped') AS stopped,
                string_agg(NULLIF(status_message, ''), '; ' ORDER BY id) FILTER (WHERE status IN ('Error', 'Stopped')) AS message
           FROM task WHERE execution_id = $1
       ), merged AS (
         SELECT COALESCE(jsonb_object_agg(kv.key, kv.value ORDER BY task.id), '{}'::jsonb) AS attrs
           FROM task, jsonb_each(task.extra_attrs) kv WHERE task.execution_id = $1
       )
       UPDATE execution e SET
         status = CASE WHEN t.failed THEN 'Error' WHEN t.stopped THEN 'Stopped' ELSE 'Success' END,
         status_message = COALESCE(t.message, ''),
         extra_attrs = e.extra_attrs || merged.attrs,
         end_time = now(), update_time = now()
        FROM t, merged
       WHERE e.id = $1 AND NOT t.open AND e.status IN ('Pending', 'Running')`,
      [executionId],
    );
  }
}
