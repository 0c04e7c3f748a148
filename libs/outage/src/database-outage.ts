/**
 * How a database call failed when the database itself is the problem, not the request:
 * - `unreachable`: no connection (refused, reset, lost, not accepted in time) or a server that is
 *   shutting down, starting up or out of connection slots;
 * - `timeout`: the server did not answer a statement in time (its statement_timeout cancelled it,
 *   or the client gave up waiting, as it must when the server is frozen).
 * Both are outages: the request may succeed later, so it is answered 503 with Retry-After.
 */
export type DatabaseOutage = 'unreachable' | 'timeout';

/** SQLSTATEs of an unusable server (class 08 is matched as a whole). */
const UNREACHABLE_STATES = new Set([
  '57P01', // admin_shutdown: the server is shutting down
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or shutting down
  '53300', // too_many_connections
]);
/** query_canceled: our statement_timeout (nothing else in Wharf cancels statements). */
const TIMEOUT_STATES = new Set(['57014']);
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENOTFOUND', 'EAI_AGAIN', 'ENOENT']);
/** Messages node-postgres raises without a code. */
const UNREACHABLE_MESSAGES = [
  'Connection terminated',
  'timeout expired',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
];
const TIMEOUT_MESSAGES = [
  // query_timeout: the client stopped waiting for the server's answer
  'Query read timeout',
  // connectionTimeoutMillis while every pooled connection is busy (with statements that hang)
  'timeout exceeded when trying to connect',
];

/** The kind of outage `err` reports, or undefined when it is an ordinary error. */
export function databaseOutage(err: unknown, depth = 0): DatabaseOutage | undefined {
  if (err === null || typeof err !== 'object' || depth > 4) return undefined;
  const e = err as { code?: unknown; message?: unknown; errors?: unknown; driverError?: unknown; cause?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : '';
  if (TIMEOUT_STATES.has(code) || TIMEOUT_MESSAGES.some((m) => message.startsWith(m))) return 'timeout';
  if (code.startsWith('08') || UNREACHABLE_STATES.has(code) || SOCKET_CODES.has(code)) return 'unreachable';
  if (UNREACHABLE_MESSAGES.some((m) => message.startsWith(m))) return 'unreachable';
  // TypeORM wraps the driver's error; node wraps the attempts of one connect (IPv4 and IPv6).
  for (const inner of [e.driverError, e.cause, ...(Array.isArray(e.errors) ? e.errors : [])]) {
    const found = databaseOutage(inner, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** The fixed log message of each kind (one line per kind per interval: see FailureLog). */
const MESSAGES: Record<DatabaseOutage, string> = {
  unreachable: 'failed to reach postgresql',
  timeout: 'failed to get an answer from postgresql in time',
};

/**
 * What the database helpers (libs/db's Sql) raise instead of the driver's error when the
 * database is out: callers and exception filters tell an outage (503, one log line per interval)
 * from a failure of the request itself without reading driver codes. `cause` is the driver's error.
 */
export class DatabaseUnavailableError extends Error {
  constructor(
    readonly kind: DatabaseOutage,
    cause: unknown,
  ) {
    super(`${MESSAGES[kind]}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'DatabaseUnavailableError';
  }

  /** The fixed part of the message, the same for every failure of this kind. */
  get summary(): string {
    return MESSAGES[this.kind];
  }

  /** The driver's own words. */
  get reason(): string {
    return (this.cause as Error)?.message ?? String(this.cause);
  }
}

/** `err` as a DatabaseUnavailableError when it reports an outage, else `err` itself. */
export function asDatabaseOutage(err: unknown): unknown {
  if (err instanceof DatabaseUnavailableError) return err;
  const kind = databaseOutage(err);
  return kind ? new DatabaseUnavailableError(kind, err) : err;
}

/** Seconds a client is told to wait (Retry-After) before trying again during an outage. */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;
