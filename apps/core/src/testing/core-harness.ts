import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestDatabase, TestDatabase } from '@wharf/db/testing';
import Redis from 'ioredis';
import { removeQueueKeys as removeKeysUnder } from '@wharf/jobs';
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

/** Deletes every key under a test's queue prefix; a test's jobs would otherwise stay in Redis for good. */
async function removeQueueKeys(redisUrl: string, prefix: string): Promise<void> {
  // A short disconnectTimeout: a socket that never connected would otherwise keep the process for 2 s.
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, disconnectTimeout: 100 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await removeKeysUnder(redis, prefix);
  } catch {
    // Redis was not reachable (a test of exactly that): nothing was written either.
  } finally {
    redis.disconnect();
  }
}

export interface TestCoreOptions extends CoreAppOptions {
  /** A database of the test's own making (on a private cluster): used as is, dropped by close(). */
  db?: TestDatabase;
}

/**
 * Core on a free loopback port with its own fresh database, data directory, Redis key space
 * (so that login-failure counters of parallel test files stay apart) and job queue prefix (so
 * they never see each other's jobs). `close()` stops it and removes the database, the directory
 * and the queues' keys.
 */
export async function startTestCore(overrides: Partial<CoreConfig> = {}, { db: given, ...options }: TestCoreOptions = {}): Promise<CoreHarness> {
  const db = given ?? (await createTestDatabase('wharf_core'));
  const dataDir = await mkdtemp(join(tmpdir(), 'wharf-core-'));
  const base = loadConfig({ DATA_DIR: dataDir });
  const config: CoreConfig = {
    ...base,
    port: 0,
    host: '127.0.0.1',
    databaseUrl: db.url,
    jobQueuePrefix: `wharf-test-${randomBytes(6).toString('hex')}`,
    logLevel: 'error',
    ...overrides,
  };
  const cleanUp = async () => {
    await db.drop();
    await rm(dataDir, { recursive: true, force: true });
    if (overrides.jobQueuePrefix === undefined) await removeQueueKeys(config.jobRedisUrl, config.jobQueuePrefix);
  };
  let app: NestFastifyApplication | undefined;
  try {
    app = await createCoreApp(config, { redisKeyPrefix: `wharf-test:${randomBytes(6).toString('hex')}:`, ...options });
    await app.listen(0, '127.0.0.1');
  } catch (err) {
    if (app) await closeCore(app).catch(() => undefined);
    await cleanUp();
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
      await cleanUp();
    },
  };
}
