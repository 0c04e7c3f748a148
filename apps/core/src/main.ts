import { ensureDatabase, runMigrations } from '@wharf/db';
import { loadConfig } from './config';

/**
 * `npm run start:core`: creates and migrates the database, then serves /api/v2.0 (and the token
 * service) in this process until SIGTERM or SIGINT. Several replicas may start at once: migrations
 * and the first-start set-up each run under an advisory lock.
 */
function log(message: string): void {
  console.log(`${new Date().toISOString()} [core] ${message}`);
}

async function main(): Promise<void> {
  const config = loadConfig();
  await ensureDatabase(config.databaseUrl);
  const migrations = await runMigrations(config.databaseUrl);
  if (migrations.applied.length > 0) log(`applied migrations ${migrations.applied.join(', ')}`);
  // Loaded after the configuration is known to be valid: a bad variable fails fast and plainly.
  const { closeCore, startCore } = await import('./server');
  const app = await startCore(config);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal} received; finishing requests in flight`);
    setTimeout(() => process.exit(1), 10_000).unref();
    closeCore(app).then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`failed to stop cleanly: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  console.error(`failed to start core: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
