import { Pool } from 'pg';
import { type DatabaseTimeouts, DEFAULT_DATABASE_TIMEOUTS, poolTimeoutSettings } from './timeouts';

export interface PoolOptions {
  url: string;
  /** Connections in this process's pool. */
  size?: number;
  applicationName?: string;
  /** Defaults to DEFAULT_DATABASE_TIMEOUTS. */
  timeouts?: DatabaseTimeouts;
  /**
   * An idle connection failed (PostgreSQL restarted, the network dropped it). The pool discards
   * it and opens another on next use; without a listener the error would end the process.
   */
  onIdleError?: (err: Error) => void;
}

/**
 * A pg pool for raw SQL (see Sql), for processes that need no entities. Connects once before
 * returning, so that a process started against an unreachable database fails at start, not at its
 * first request.
 */
export async function createPool(options: PoolOptions): Promise<Pool> {
  const pool = new Pool({
    connectionString: options.url,
    max: options.size ?? 10,
    application_name: options.applicationName ?? 'wharf',
    ...poolTimeoutSettings(options.timeouts ?? DEFAULT_DATABASE_TIMEOUTS),
  });
  pool.on('error', (err) => options.onIdleError?.(err));
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
  return pool;
}
