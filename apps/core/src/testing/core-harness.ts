import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestDatabase, TestDatabase } from '@wharf/db/testing';
import { basicAuthHeader } from '../auth/basic-auth';
import { CoreConfig, loadConfig } from '../config';
import { closeCore, CoreAppOptions, createCoreApp, listeningPort } from '../server';

export interface CoreHarness {
  url: string;
  config: CoreConfig;
  db: TestDatabase;
  app: NestFastifyApplication;
  /** `Authorization` header value of the bootstrap admin. */
  adminAuth: string;
  close(): Promise<void>;
}

/**
 * Core on a free loopback port with its own fresh database, data directory and Redis key space
 * (so that login-failure counters of parallel test files stay apart). `close()` stops it and
 * removes the database and the directory.
 */
export async function startTestCore(overrides: Partial<CoreConfig> = {}, options: CoreAppOptions = {}): Promise<CoreHarness> {
  const db = await createTestDatabase('wharf_core');
  const dataDir = await mkdtemp(join(tmpdir(), 'wharf-core-'));
  const base = loadConfig({ DATA_DIR: dataDir });
  const config: CoreConfig = {
    ...base,
    port: 0,
    host: '127.0.0.1',
    databaseUrl: db.url,
    logLevel: 'error',
    ...overrides,
  };
  let app: NestFastifyApplication | undefined;
  try {
    app = await createCoreApp(config, { redisKeyPrefix: `wharf-test:${randomBytes(6).toString('hex')}:`, ...options });
    await app.listen(0, '127.0.0.1');
  } catch (err) {
    if (app) await closeCore(app).catch(() => undefined);
    await db.drop();
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  const url = `http://127.0.0.1:${listeningPort(app)}`;
  // The port is only known now; the running app reads this same object.
  if (overrides.externalUrl === undefined) config.externalUrl = url;
  const started = app;
  return {
    url,
    config,
    db,
    app: started,
    adminAuth: basicAuthHeader('admin', config.adminPassword),
    async close() {
      await closeCore(started);
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
