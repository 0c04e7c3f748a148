import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { ensureDatabase } from '../database';
import { runMigrations } from '../migrate';

/** PostgreSQL's object_in_use: DROP DATABASE while others are connected to it. */
const OBJECT_IN_USE = '55006';
/** A little more than pg's default idleTimeoutMillis (10 s). */
const DRAIN_MS = 11_000;

export const TEST_PG_BASE = process.env['WHARF_TEST_PG'] ?? 'postgres://postgres@127.0.0.1:5432';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database on the machine's real PostgreSQL (or on the server at `base`, such
 * as a test's private cluster), unique to one test file.
 */
export async function createTestDatabase(prefix = 'wharf_test', base = TEST_PG_BASE): Promise<TestDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const url = `${base}/${name}`;
  await ensureDatabase(url);
  await runMigrations(url);
  return {
    url,
    name,
    async drop() {
      const client = new Client({ connectionString: `${base}/postgres` });
      await client.connect();
      try {
        // Connections still open (a pool not ended yet, a server process on its way out) are
        // given time to close: pg's pools close idle connections after 10 s. Ending them at once
        // would send their clients an error that surfaces in whichever test file runs next in
        // this worker. Only connections left after that are ended.
        const deadline = Date.now() + DRAIN_MS;
        for (;;) {
          try {
            await client.query(`DROP DATABASE IF EXISTS "${name}"`);
            return;
          } catch (err) {
            if ((err as { code?: string }).code !== OBJECT_IN_USE || Date.now() > deadline) break;
            await new Promise((r) => setTimeout(r, 200));
          }
        }
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
