import type { PoolConfig } from 'pg';

/** How long a service waits for PostgreSQL before it treats it as out (and answers 503). */
export interface DatabaseTimeouts {
  /** Opening a connection, and waiting for a free one of the pool (pg's connectionTimeoutMillis). */
  connectTimeoutMs: number;
  /**
   * The server's statement_timeout on every connection (it cancels a statement that runs longer),
   * and, a little later, the client's own limit (pg's query_timeout), which is what ends a
   * statement sent to a server that answers nothing at all (frozen, or its host gone). 0: none.
   */
  statementTimeoutMs: number;
}

/** Defaults of the serving processes (registry, core): DATABASE_*_TIMEOUT_SECONDS override them. */
export const DEFAULT_DATABASE_TIMEOUTS: DatabaseTimeouts = { connectTimeoutMs: 5_000, statementTimeoutMs: 30_000 };

/** The client waits this much longer than the server, so that a live server's cancel comes first. */
const CLIENT_GRACE_MS = 1_000;

/** pg pool settings for the timeouts. */
export function poolTimeoutSettings(timeouts: DatabaseTimeouts): Pick<PoolConfig, 'connectionTimeoutMillis' | 'statement_timeout' | 'query_timeout'> {
  const statement = timeouts.statementTimeoutMs;
  return {
    connectionTimeoutMillis: timeouts.connectTimeoutMs,
    ...(statement > 0 ? { statement_timeout: statement, query_timeout: statement + CLIENT_GRACE_MS } : {}),
  };
}
