import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { ensureDatabase } from '../database';
import { runMigrations } from '../migrate';

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
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
