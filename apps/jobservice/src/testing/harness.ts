import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sql } from '@wharf/db';
import { createTestDatabase, type TestDatabase } from '@wharf/db/testing';
import { type Execution, type ExecutionStore, isFinal, type JobQueues, launchExecution, Trigger, VendorType } from '@wharf/jobs';
import { FilesystemDriver } from '@wharf/storage';
import { Pool } from 'pg';
import { type JobServiceConfig, loadConfig } from '../config';
import { type RunningJobService, startJobService } from '../job-service';
import { Logger } from '../logger';

export interface TestJobService {
  config: JobServiceConfig;
  db: TestDatabase;
  sql: Sql;
  storage: FilesystemDriver;
  service: RunningJobService;
  /** Another jobservice process's worth of workers on the same database, Redis prefix and storage. */
  startAnother(): Promise<RunningJobService>;
  close(): Promise<void>;
}

/** A jobservice in this process with its own database, storage directory and queue prefix. */
export async function startTestJobService(overrides: Partial<JobServiceConfig> = {}): Promise<TestJobService> {
  const db = await createTestDatabase('wharf_jobs');
  const dataDir = await mkdtemp(join(tmpdir(), 'wharf-jobs-'));
  const config: JobServiceConfig = {
    ...loadConfig({}),
    databaseUrl: db.url,
    dataDir,
    queuePrefix: `wharf-test-${randomUUID()}`,
    workers: 4,
    scheduleSyncMs: 60_000,
    logLevel: 'error',
    ...overrides,
  };
  const logger = new Logger('jobservice', config.logLevel);
  const service = await startJobService(config, logger);
  const others: RunningJobService[] = [];
  const pool = new Pool({ connectionString: db.url, max: 4 });
  // Dropping the database ends what is still connected; that must not surface as an unhandled error.
  pool.on('error', () => undefined);
  return {
    config,
    db,
    sql: new Sql(pool),
    storage: new FilesystemDriver(dataDir),
    service,
    async startAnother() {
      const other = await startJobService(config, logger);
      others.push(other);
      return other;
    },
    async close() {
      try {
        for (const s of [service, ...others]) await s.close();
      } finally {
        await pool.end().catch(() => undefined);
        await db.drop();
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** Waits until the execution ends (or the timeout passes) and returns it. */
export async function waitForExecution(executions: ExecutionStore, id: string, timeoutMs = 30_000): Promise<Execution> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const e = await executions.get(id);
    if (e && isFinal(e.status)) return e;
    if (Date.now() > deadline) throw new Error(`execution ${id} did not finish within ${timeoutMs} ms (status ${e?.status})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts a GC now and waits for it. */
export async function runGc(executions: ExecutionStore, queues: JobQueues, parameters: Record<string, unknown>): Promise<Execution> {
  const created = await launchExecution(executions, queues, { vendorType: VendorType.GarbageCollection, trigger: Trigger.Manual, parameters, exclusive: true });
  if (created === 'busy') throw new Error('a GC is already running');
  return waitForExecution(executions, created.executionId);
}
