import { Pool } from 'pg';
import { retryingConflicts, Sql } from './index';
import { createTestDatabase, TestDatabase } from './testing';

describe('retryingConflicts (real PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: Pool;
  let sql: Sql;

  beforeAll(async () => {
    db = await createTestDatabase('wharf_sql');
    pool = new Pool({ connectionString: db.url, max: 4 });
    sql = new Sql(pool);
    await sql.query('CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL)');
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  beforeEach(async () => {
    await sql.query('TRUNCATE counter');
    await sql.query('INSERT INTO counter VALUES (1, 0), (2, 0)');
  });

  /** Locks `first`, waits until the other transaction holds its row, then updates `second`. */
  function crossing(first: number, second: number, bothLocked: Promise<void>, locked: () => void, attempts: { n: number }) {
    return sql.transaction(async (tx) => {
      attempts.n++;
      await tx.query('UPDATE counter SET n = n + 1 WHERE id = $1', [first]);
      locked();
      await bothLocked;
      await tx.query('UPDATE counter SET n = n + 1 WHERE id = $1', [second]);
    });
  }

  it('runs the deadlock victim again, so that both transactions take effect once', async () => {
    let count = 0;
    let release!: () => void;
    const bothLocked = new Promise<void>((ok) => (release = ok));
    const locked = () => {
      if (++count === 2) release();
    };
    const a = { n: 0 };
    const b = { n: 0 };
    await Promise.all([
      retryingConflicts(() => crossing(1, 2, bothLocked, locked, a)),
      retryingConflicts(() => crossing(2, 1, bothLocked, locked, b)),
    ]);
    // One of them was rolled back by PostgreSQL's deadlock detector and ran a second time.
    expect(a.n + b.n).toBe(3);
    expect(await sql.query('SELECT id, n FROM counter ORDER BY id')).toEqual([
      { id: 1, n: 2 },
      { id: 2, n: 2 },
    ]);
  });

  it('gives up after the last attempt and passes every other error through at once', async () => {
    let runs = 0;
    const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });
    await expect(retryingConflicts(async () => {
      runs++;
      throw deadlock;
    })).rejects.toBe(deadlock);
    expect(runs).toBe(3);
    runs = 0;
    await expect(retryingConflicts(() => {
      runs++;
      return sql.query('INSERT INTO counter VALUES (1, 0)');
    })).rejects.toMatchObject({ code: '23505' });
    expect(runs).toBe(1);
  });
});
