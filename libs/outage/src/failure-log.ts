/** How long repeats of one kind of failure are counted before they are summed up in one line. */
export const FAILURE_LOG_INTERVAL_MS = 10_000;

interface Window {
  repeats: number;
  lastCause: string;
  timer: NodeJS.Timeout;
}

/**
 * The log of an outage: one line per kind of failure per interval, not one per failed request.
 * The first failure of a kind is written at once with its cause; its repeats within the interval
 * are counted and written as one line when the interval ends ("failed to reach postgresql (1234
 * more in the last 10 s): <last cause>"), and the counting goes on while they keep coming. An
 * interval without repeats ends the outage: the next failure of that kind is written at once again.
 */
export class FailureLog {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly write: (line: string) => void,
    private readonly intervalMs = FAILURE_LOG_INTERVAL_MS,
  ) {}

  /** `kind` is the fixed message ("failed to reach postgresql"); `cause` what went wrong this time. */
  report(kind: string, cause: string): void {
    const window = this.windows.get(kind);
    if (window) {
      window.repeats++;
      window.lastCause = cause;
      return;
    }
    this.write(`${kind}: ${cause}`);
    this.open(kind, cause);
  }

  private open(kind: string, cause: string): void {
    const timer = setTimeout(() => this.close(kind), this.intervalMs);
    timer.unref();
    this.windows.set(kind, { repeats: 0, lastCause: cause, timer });
  }

  private close(kind: string): void {
    const window = this.windows.get(kind);
    this.windows.delete(kind);
    if (!window || window.repeats === 0) return;
    this.write(`${kind} (${window.repeats} more in the last ${Math.round(this.intervalMs / 1000)} s): ${window.lastCause}`);
    this.open(kind, window.lastCause);
  }
}

/** Where a process writes the lines of its outage logs. */
export interface OutageWriters {
  /** Database failures fail requests: an error. */
  database: (line: string) => void;
  /** Without Redis a process goes on, slower or less precise: a warning. */
  redis: (line: string) => void;
}

/**
 * The outage logs of one process, shared by everything in it that meets the outage (requests,
 * pools, feeds), so that a database outage is one line per interval for the whole process.
 */
export class OutageLogs {
  readonly database: FailureLog;
  readonly redis: FailureLog;

  constructor(writers: OutageWriters, intervalMs = FAILURE_LOG_INTERVAL_MS) {
    this.database = new FailureLog(writers.database, intervalMs);
    this.redis = new FailureLog(writers.redis, intervalMs);
  }
}
