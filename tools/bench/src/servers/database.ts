import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** A fresh name for a database the bench creates (or has created) and drops at the end. */
export function benchDatabaseName(): string {
  return `wharf_bench_${randomBytes(6).toString('hex')}`;
}

/** Drops `database`, ending its connections; `adminUrl` names another database of the server. */
export async function dropDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
