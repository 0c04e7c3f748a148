import type { SqlRunner } from '@wharf/db';
import type { Execution, ExecutionStore, VendorType } from '@wharf/jobs';
import { ExecutionStatus, formatLogLine } from '@wharf/jobs';

/** What a task reports when it ends normally. */
export interface TaskOutcome {
  status: ExecutionStatus.Success | ExecutionStatus.Stopped | ExecutionStatus.Error;
  message?: string;
  /** Figures shown with the execution (counts, bytes). */
  extra?: Record<string, unknown>;
}

/** One kind of job: the jobservice runs `run` for each task of its vendor type. */
export interface TaskRunner {
  readonly vendorType: VendorType;
  /** At most this many of its tasks at once in one process (default: the process's workers). */
  readonly concurrency?: number;
  /** BullMQ attempts per task (default 1: a failed task ends in Error). */
  readonly attempts?: number;
  run(ctx: TaskContext): Promise<TaskOutcome>;
}

/**
 * A running task's handle on its record: a log that reaches the database in batches, progress
 * figures, and whether someone asked it to stop.
 */
export class TaskContext {
  private pending = '';
  private flushing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;
  private stopCheckedAt = 0;
  private stopped = false;
  private lastLine = '';
  private reportedLine = '';

  /** `checkIn` hears the latest log line at each flush (what the worker pools show of a running job). */
  constructor(
    readonly execution: Execution,
    readonly taskId: string,
    readonly runCount: number,
    private readonly executions: ExecutionStore,
    private readonly checkIn: (message: string) => void = () => undefined,
  ) {
    this.timer = setInterval(() => void this.flush(), 1000);
    this.timer.unref();
  }

  get parameters(): Record<string, unknown> {
    return this.execution.parameters;
  }

  info(message: string): void {
    this.pending += formatLogLine('INFO', message);
    this.lastLine = message;
  }

  warn(message: string): void {
    this.pending += formatLogLine('WARNING', message);
    this.lastLine = message;
  }

  error(message: string): void {
    this.pending += formatLogLine('ERROR', message);
    this.lastLine = message;
  }

  /** Records figures with the task; inside `tx` they commit (or not) with the work they count. */
  async progress(extra: Record<string, unknown>, tx?: SqlRunner): Promise<void> {
    await this.executions.progress(this.taskId, extra, tx);
  }

  /** What an interrupted earlier run of this task recorded ({} on a first run). */
  async recordedProgress(): Promise<Record<string, unknown>> {
    return this.runCount > 1 ? this.executions.recordedProgress(this.taskId) : {};
  }

  /** Removes bookkeeping keys from the task's figures before it ends. */
  async dropProgress(keys: readonly string[]): Promise<void> {
    await this.executions.dropProgress(this.taskId, keys);
  }

  /** True once a stop was requested (checked against the database at most every second). */
  async shouldStop(): Promise<boolean> {
    if (this.stopped) return true;
    if (Date.now() - this.stopCheckedAt < 1000) return false;
    this.stopCheckedAt = Date.now();
    this.stopped = await this.executions.stopRequested(this.execution.id);
    return this.stopped;
  }

  /** Writes the buffered log lines; serialised so lines never reorder. */
  flush(): Promise<void> {
    const text = this.pending;
    const line = this.lastLine;
    this.pending = '';
    // The check-in follows the write: what the worker pools show is in the task's log already.
    if (text !== '') this.flushing = this.flushing.then(() => this.executions.appendLog(this.taskId, text)).then(() => this.reportCheckIn(line)).catch(() => undefined);
    return this.flushing;
  }

  private reportCheckIn(line: string): void {
    if (line === this.reportedLine) return;
    this.reportedLine = line;
    this.checkIn(line);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
