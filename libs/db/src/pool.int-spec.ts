import { createServer } from 'node:net';
import type { Pool } from 'pg';
import { createPool } from './plain';
import { createTestDatabase, TestDatabase } from './testing';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('createPool (real PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: Pool | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('wharf_pool');
  });
  afterEach(async () => {
    if (pool && !pool.ended) await pool.end();
    pool = undefined;
  });
  afterAll(async () => {
    await db.drop();
  });

  it('connects before returning and names its connections', async () => {
    pool = await createPool({ url: db.url, size: 3, applicationName: 'wharf-pool-test' });
    expect(pool.totalCount).toBe(1);
    const { rows } = await pool.query<{ name: string }>('SELECT application_name AS name FROM pg_stat_activity WHERE pid = pg_backend_pid()');
    expect(rows).toEqual([{ name: 'wharf-pool-test' }]);
  });

  it('fails at creation when the database cannot be reached', async () => {
    const url = new URL(db.url);
    url.port = String(await closedPort());
    await expect(createPool({ url: url.toString() })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('survives an idle connection that the server ends, reports it, and serves the next query', async () => {
    const errors: Error[] = [];
    pool = await createPool({ url: db.url, size: 2, applicationName: 'wharf-pool-idle', onIdleError: (err) => errors.push(err) });
    const admin = await createPool({ url: db.url, size: 1 });
    try {
      // The pool's one idle connection is ended from outside, as a PostgreSQL restart would.
      const { rows } = await admin.query<{ ended: boolean }>(
        "SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name = 'wharf-pool-idle'",
      );
      expect(rows).toEqual([{ ended: true }]);
      for (let i = 0; i < 50 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(errors).toHaveLength(1);
      expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await admin.end();
    }
  });
});
