import { FailureLog } from '@wharf/outage';
import type { RegistryAuditEvent } from './audit-event';

export type AuditSink = (events: readonly RegistryAuditEvent[]) => Promise<void>;

export interface AuditBufferOptions {
  flushMs: number;
  batchSize: number;
  maxPending: number;
}

export interface AuditBufferLog {
  warn(message: string): void;
  error(message: string): void;
}

/** SQLSTATE classes 22 (data exception) and 23 (integrity violation): the rows, not the database, are at fault. */
function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && /^2[23]/.test(code);
}

/**
 * Audit events held in memory and written in batches: pulls run at thousands per second, and one
 * INSERT per request would cost more than the pull itself. The buffer is written every `flushMs`,
 * as soon as it holds `batchSize` events, and on shutdown.
 *
 * Durability: a process that crashes loses what it buffered, at most the last `flushMs` of events
 * (more only while the database refuses writes). The audit trail is a record of activity, not a
 * ledger that grants or denies anything, so that trade is acceptable.
 *
 * While the database is unreachable, events are kept (up to `maxPending`, newer ones are then
 * dropped and counted) and retried on the next tick; the failed retries are one log line per
 * interval (`retries`, by default a FailureLog of its own). A batch the database rejects for its content
 * would be rejected again, so it is dropped at once.
 */
export class AuditBuffer {
  private pending: RegistryAuditEvent[] = [];
  /** Events of the batch being written: still held, so they count against `maxPending`. */
  private inFlight = 0;
  /** After a failed write, only the timer retries: a full buffer must not hammer a database that is down. */
  private retryAfter = 0;
  private draining: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private dropped = 0;
  private closed = false;

  constructor(
    private readonly sink: AuditSink,
    private readonly options: AuditBufferOptions,
    private readonly log: AuditBufferLog,
    private readonly retries: FailureLog = new FailureLog((line) => log.error(line)),
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.options.flushMs).unref();
  }

  get size(): number {
    return this.pending.length;
  }

  add(event: RegistryAuditEvent): void {
    if (this.closed) return;
    if (this.pending.length + this.inFlight >= this.options.maxPending) {
      this.dropped++;
      return;
    }
    this.pending.push(event);
    if (this.pending.length >= this.options.batchSize && Date.now() >= this.retryAfter) void this.flush();
  }

  /**
   * Writes everything added so far. A call during a running write joins it: the running write goes
   * on until the buffer is empty, so whatever was added before this call is covered too.
   */
  flush(): Promise<void> {
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
    });
    return this.draining;
  }

  /** Stops the timer and writes what is left; later events are ignored. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
    this.closed = true;
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.options.batchSize);
      this.inFlight = batch.length;
      try {
        await this.sink(batch);
        this.retryAfter = 0;
      } catch (err) {
        const reason = (err as Error)?.message ?? String(err);
        if (isDataError(err)) {
          this.log.error(`failed to write audit events, dropping them: count=${batch.length} reason=${reason}`);
          continue;
        }
        // Back to the front, to be retried on the next tick in their original order.
        this.pending = batch.concat(this.pending);
        this.retryAfter = Date.now() + this.options.flushMs;
        this.retries.report('failed to write audit events, will retry', `count=${batch.length} pending=${this.pending.length} reason=${reason}`);
        break;
      } finally {
        this.inFlight = 0;
      }
    }
    if (this.dropped > 0) {
      this.log.warn(`dropped audit events: the buffer was full: count=${this.dropped} max_pending=${this.options.maxPending}`);
      this.dropped = 0;
    }
  }
}
