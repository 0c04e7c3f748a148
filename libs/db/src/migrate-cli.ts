// `npm run migrate`: creates the database if needed and applies pending migrations.
import { ensureDatabase } from './database';
import { runMigrations } from './migrate';

async function main(): Promise<void> {
  const url = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/wharf';
  await ensureDatabase(url);
  const result = await runMigrations(url);
  console.log(`migrations: ${result.applied.length} applied (${result.applied.join(', ') || 'none'}), ${result.alreadyApplied} already present`);
}

main().catch((err) => {
  console.error(`failed to migrate: ${(err as Error).message}`);
  process.exit(1);
});
