import './thread-pool';
import 'reflect-metadata';
import cluster from 'node:cluster';
import { Logger } from '@nestjs/common';
import { ensureDatabase, runMigrations } from '@wharf/db';
import { loadConfig } from './config';
import { startRegistry } from './server';

/**
 * `npm run start:registry`. The primary process prepares the database (create + migrate), then
 * runs `REGISTRY_WORKERS` worker processes sharing the port; a worker that dies is replaced.
 * No worker keeps state another needs: each can serve any request of any upload.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = new Logger('registry');
  if (cluster.isPrimary) {
    await ensureDatabase(config.databaseUrl);
    const { applied } = await runMigrations(config.databaseUrl);
    if (applied.length > 0) logger.log(`applied migrations: ${applied.join(', ')}`);
    if (config.workers === 1) {
      await startRegistry(config);
      return;
    }
    let stopping = false;
    const fork = () => cluster.fork();
    for (let i = 0; i < config.workers; i++) fork();
    cluster.on('exit', (worker, code, signal) => {
      if (stopping) return;
      logger.warn(`worker ${worker.process.pid} exited (code ${code}, signal ${signal}); starting another`);
      setTimeout(fork, 200);
    });
    const stop = () => {
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
      setTimeout(() => process.exit(0), 5000).unref();
      cluster.on('exit', () => {
        if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      });
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    return;
  }
  await startRegistry(config);
}

main().catch((err) => {
  console.error(`failed to start the registry: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
