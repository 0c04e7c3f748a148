import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestDatabase, TestDatabase } from '@wharf/db/testing';
import { eventsStream } from '@wharf/jobs/events';
import Redis from 'ioredis';
import { loadConfig, RegistryConfig } from '../config';
import { closeRegistry, createRegistryApp } from '../server';
import { pullKeys } from '../manifests/pull-recorder';

export interface RegistryHarness {
  url: string;
  config: RegistryConfig;
  db: TestDatabase;
  app: NestFastifyApplication;
  close(): Promise<void>;
}

export interface TestRegistryOptions {
  /** A database shared with another server (core): used as is and left for its owner to drop. */
  db?: TestDatabase;
}

/**
 * A registry on a free loopback port, with its own database and data directory. Open
 * (`REGISTRY_AUTH=none`) unless `overrides.auth` says otherwise.
 */
export async function startTestRegistry(overrides: Partial<RegistryConfig> = {}, options: TestRegistryOptions = {}): Promise<RegistryHarness> {
  const db = options.db ?? (await createTestDatabase('wharf_reg'));
  const ownsDb = options.db === undefined;
  const dataDir = await mkdtemp(join(tmpdir(), 'wharf-data-'));
  const config: RegistryConfig = {
    ...loadConfig({}),
    port: 0,
    host: '127.0.0.1',
    dataDir,
    databaseUrl: db.url,
    workers: 1,
    dbPoolSize: 8,
    logLevel: 'error',
    auth: { mode: 'none' },
    // Events go to a stream of this registry's own, removed when it stops.
    events: { enabled: true, redisUrl: 'redis://127.0.0.1:6379', prefix: `wharf-test-${randomUUID()}` },
    ...overrides,
  };
  // Login-failure counters of one test must not lock out another test's logins (they share Redis
  // and the loopback address).
  if (config.auth.mode === 'token' && config.auth.loginThrottleKeyPrefix === undefined) {
    config.auth = { ...config.auth, loginThrottleKeyPrefix: `wharf-test:${randomUUID()}:` };
  }
  let app: NestFastifyApplication;
  try {
    app = await createRegistryApp(config);
  } catch (err) {
    if (ownsDb) await db.drop();
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    config,
    db,
    app,
    async close() {
      await closeRegistry(app);
      await dropEventStream(config);
      if (ownsDb) await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** What a registry needs of a test core to trust its token service (core's CoreHarness has it). */
export interface TestTokenService {
  url: string;
  db: TestDatabase;
  config: { token: { issuer: string; service: string; privateKeyPath: string }; robotPrefix: string };
}

/** A registry in token mode that trusts `core`'s token service and shares its database. */
export function startTokenRegistry(core: TestTokenService, overrides: Partial<RegistryConfig> = {}): Promise<RegistryHarness> {
  const { token, robotPrefix } = core.config;
  return startTestRegistry(
    {
      auth: { mode: 'token', realm: `${core.url}/service/token`, issuer: token.issuer, service: token.service, privateKeyPath: token.privateKeyPath, robotPrefix },
      ...overrides,
    },
    { db: core.db },
  );
}

async function dropEventStream(config: RegistryConfig): Promise<void> {
  if (!config.events.prefix.startsWith('wharf-test-')) return;
  const redis = new Redis(config.events.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const pulls = pullKeys(config.events.prefix);
    await redis.del(eventsStream(config.events.prefix), ...pulls.live, ...pulls.batch, pulls.batchId, pulls.lock);
  } catch {
    // Redis gone: nothing to clean.
  } finally {
    redis.disconnect();
  }
}
