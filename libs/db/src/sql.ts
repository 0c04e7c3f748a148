import { asDatabaseOutage, DatabaseUnavailableError } from '@wharf/outage';
import type { Pool, PoolClient, QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';

/** A query runner for one statement or one transaction. */
export interface SqlRunner {
  /** `name` makes pg prepare the statement once per connection: use it on hot paths. */
  query<T extends QueryResultRow>(text: string, values?: unknown[], name?: string): Promise<T[]>;
  one<T extends QueryResultRow>(text: string, values?: unknown[], name?: string): Promise<T | undefined>;
}

/**
 * Raw SQL on a pg pool: one from createPool, or the one behind a TypeORM DataSource
 * (fromDataSource). The data plane's hot paths (manifest GET, blob HEAD, upload offsets) use
 * prepared statements through this instead of the entity manager.
 *
 * A failure that says the database is out (unreachable, shutting down, not answering in time) is
 * raised as a DatabaseUnavailableError, so that every caller up to the exception filters can
 * tell it from a failure of the statement itself.
 */
export class Sql implements SqlRunner {
  constructor(private readonly pool: Pool) {}

  static fromDataSource(ds: DataSource): Sql {
    const pool = (ds.driver as unknown as { master?: Pool }).master;
    if (!pool) throw new Error('data source is not an initialized postgres data source');
    return new Sql(pool);
  }

  async query<T extends QueryResultRow>(text: string, values: unknown[] = [], name?: string): Promise<T[]> {
    try {
      return (await this.pool.query<T>(name ? { name, text, values } : { text, values })).rows;
    } catch (err) {
      throw asDatabaseOutage(err);
    }
  }

  async one<T extends QueryResultRow>(text: string, values: unknown[] = [], name?: string): Promise<T | undefined> {
    return (await this.query<T>(text, values, name))[0];
  }

  async transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw asDatabaseOutage(err);
    }
    let broken: DatabaseUnavailableError | undefined;
    try {
      const runner = clientRunner(client);
      await runner.query('BEGIN');
      const result = await fn(runner);
      await runner.query('COMMIT');
      return result;
    } catch (err) {
      // A connection the outage hit may still have a statement in flight: it is discarded, not
      // rolled back (the server ends the transaction with the session) and not reused.
      if (err instanceof DatabaseUnavailableError) broken = err;
      else await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release(broken);
    }
  }
}

function clientRunner(client: PoolClient): SqlRunner {
  const query = async <T extends QueryResultRow>(text: string, values: unknown[] = [], name?: string) => {
    try {
      return (await client.query<T>(name ? { name, text, values } : { text, values })).rows;
    } catch (err) {
      throw asDatabaseOutage(err);
    }
  };
  return {
    query,
    one: async <T extends QueryResultRow>(text: string, values?: unknown[], name?: string): Promise<T | undefined> =>
      (await query<T>(text, values, name))[0],
  };
}

/**
 * Runs `work` again (up to `attempts` times in all) when PostgreSQL rolled it back as the victim
 * of a deadlock (40P01) or a serialization failure (40001); `work` must be a whole statement or
 * transaction with no effects outside the database. The quota triggers take a project's quota
 * row before its project_blob rows (migration 0017), so pushes into one project no longer
 * deadlock with each other or with GC there; this remains the guard for orders no lock discipline
 * covers (a GC transaction releasing blobs of several projects row by row, say).
 */
export async function retryingConflicts<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      const code = (err as { code?: string })?.code;
      if (attempt >= attempts || (code !== '40P01' && code !== '40001')) throw err;
    }
  }
}
