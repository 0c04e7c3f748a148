import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Client } from 'pg';

/** Any constant; serialises migration runs of every process that shares the database. */
const MIGRATION_LOCK_KEY = 0x77686172; // "whar"

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

/**
 * The repository's `migrations/` folder, found by walking up from this file so that it works from
 * sources (tests) and from the built `dist/` tree alike. `WHARF_MIGRATIONS_DIR` overrides it.
 */
export function findMigrationsDir(): string {
  if (process.env['WHARF_MIGRATIONS_DIR']) return process.env['WHARF_MIGRATIONS_DIR'];
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'migrations');
    if (existsSync(candidate) && readdirSync(candidate).some((f) => f.endsWith('.sql'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error('failed to find the migrations directory');
}

/**
 * Applies the `NNNN_name.sql` files not yet recorded in `schema_migrations`, in order, each in its
 * own transaction, under an advisory lock so that replicas starting together apply each once.
 */
export async function runMigrations(url: string, dir = findMigrationsDir()): Promise<MigrationResult> {
  const files = readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort();
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set((await client.query<{ version: string }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    const applied: string[] = [];
    for (const file of files) {
      const version = file.replace(/\.sql$/, '');
      if (done.has(version)) continue;
      const sql = readFileSync(join(dir, file), 'utf8');
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [version]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`failed to apply migration ${file}: ${(err as Error).message}`);
      }
      applied.push(version);
    }
    return { applied, alreadyApplied: done.size };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}
