import { WORKER_V8_FLAGS } from './v8-flags';
import './thread-pool';
import { spawn } from 'node:child_process';
import cluster from 'node:cluster';
import { join } from 'node:path';
import { loadVerificationKey } from './auth/verification-key';
import { loadConfig, RegistryConfig } from './config';

/**
 * `npm run start:registry`. The primary process prepares the database (create + migrate, in a
 * short-lived child), then runs `REGISTRY_WORKERS` worker processes sharing the port and replaces
 * any that dies. The primary itself never loads Nest or the ORM: it only supervises, so it stays
 * small. No worker keeps state another needs: each can serve any request of any upload.
 */
function log(message: string): void {
  console.log(`${new Date().toISOString()} [registry] ${message}`);
}

/** Runs the migration command of libs/db (built next to this file under dist/) in a child. */
function migrate(config: RegistryConfig): Promise<void> {
  const cli = join(__dirname, '../../../libs/db/src/migrate-cli.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli], {
      env: { ...process.env, DATABASE_URL: config.databaseUrl },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`database migration exited with code ${code}`))));
  });
}

async function startWorker(config: RegistryConfig): Promise<void> {
  // Loaded here so that only serving processes pay for Nest, TypeORM and the drivers.
  const { startRegistry } = await import('./server');
  await startRegistry(config);
}

async function main(): Promise<void> {
  const config = loadConfig();
  if (!cluster.isPrimary) return startWorker(config);
  // A token registry without the signer's key could only refuse everyone: say so before forking.
  if (config.auth.mode === 'token') loadVerificationKey(config.auth);
  await migrate(config);
  if (config.workers === 1) return startWorker(config);
  let stopping = false;
  cluster.setupPrimary({ execArgv: [...process.execArgv, ...WORKER_V8_FLAGS] });
  for (let i = 0; i < config.workers; i++) cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    log(`worker ${worker.process.pid} exited (code ${code}, signal ${signal}); starting another`);
    setTimeout(() => cluster.fork(), 200);
  });
  const stop = () => {
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  console.error(`failed to start the registry: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
