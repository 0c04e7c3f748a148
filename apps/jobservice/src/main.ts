import { ensureDatabase, runMigrations } from '@wharf/db';
import { ConfigError, loadConfig } from './config';
import { startJobService } from './job-service';
import { Logger } from './logger';

/**
 * `npm run start:jobservice`: runs the background jobs (GC, and what follows) until SIGTERM or
 * SIGINT. Several may run against one database and Redis: each job runs once.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = new Logger('jobservice', config.logLevel);
  await ensureDatabase(config.databaseUrl);
  const migrations = await runMigrations(config.databaseUrl);
  if (migrations.applied.length > 0) logger.info('applied migrations', { migrations: migrations.applied.join(',') });
  const service = await startJobService(config, logger);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping; running tasks finish first', { signal });
    // A task still running after this is taken again by another jobservice (or this one, restarted).
    setTimeout(() => process.exit(1), 60_000).unref();
    service.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error('failed to stop cleanly', { error: (err as Error).message });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  const message = err instanceof ConfigError ? err.message : ((err as Error).stack ?? String(err));
  console.error(`failed to start the jobservice: ${message}`);
  process.exit(1);
});
