import { createTestDatabase } from '@wharf/db/testing';
import { captureOutput, expectLoggedOnce, type PrivatePostgres, startPrivatePostgres } from '@wharf/outage/testing';
import { api, ApiRequest, ApiResponse, CoreHarness, errorCode, startTestCore } from '../testing';

/**
 * Core with its PostgreSQL stopped (connections refused) or frozen (SIGSTOP of the postmaster and
 * its backends), on a cluster of the test's own. The API and the token service answer 503
 * SERVICE_UNAVAILABLE with Retry-After within the configured timeouts, the log says so once per
 * interval, health reports the database, and everything works again once it is back. The limit
 * on each call only tells a hang from an answer.
 */
const HANG_MS = 20_000;

interface Health {
  status: string;
  components: { name: string; status: string }[];
}

describe('core with postgresql down or frozen', () => {
  let pg: PrivatePostgres;
  let core: CoreHarness;

  const call = <T = unknown>(method: string, path: string, req: ApiRequest = {}) =>
    api<T>(core.url, method, path, { auth: core.adminAuth, signal: AbortSignal.timeout(HANG_MS), ...req });

  function expectUnavailable(res: ApiResponse): void {
    expect([res.status, res.headers.get('retry-after'), errorCode(res)]).toEqual([503, '5', 'SERVICE_UNAVAILABLE']);
  }

  async function expectDatabaseUnhealthy(): Promise<void> {
    const health = await call<Health>('GET', '/api/v2.0/health', { auth: undefined });
    expect(health.body.status).toBe('unhealthy');
    expect(health.body.components).toContainEqual(expect.objectContaining({ name: 'database', status: 'unhealthy' }));
  }

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    const db = await createTestDatabase('wharf_core_pg_outage', pg.url);
    core = await startTestCore({ databaseTimeouts: { connectTimeoutMs: 1_000, statementTimeoutMs: 2_000 } }, { db });
  }, 60_000);

  afterAll(async () => {
    pg?.thaw();
    await pg?.start();
    await core?.close();
    await pg?.dispose();
  }, 60_000);

  it('answers 503 with Retry-After while postgresql is down, says so once in the log, and serves again once it is back', async () => {
    const output = captureOutput();
    try {
      await pg.stop();
      for (let i = 0; i < 50; i++) expectUnavailable(await call('GET', '/api/v2.0/projects'));
      expectUnavailable(await call('GET', '/service/token?service=harbor-registry&scope=repository:team/app:pull'));
      expectUnavailable(await call('POST', '/api/v2.0/projects', { body: { project_name: 'down', metadata: { public: 'false' } } }));
      await expectDatabaseUnhealthy();
    } finally {
      output.stop();
      await pg.start();
    }
    expectLoggedOnce(output.lines(), 'failed to reach postgresql', 3);

    expect((await call('GET', '/api/v2.0/projects')).status).toBe(200);
    expect((await call('GET', '/service/token?service=harbor-registry&scope=repository:team/app:pull')).status).toBe(200);
  });

  it('answers 503 within the timeouts while postgresql is frozen, and serves again once it answers', async () => {
    pg.freeze();
    try {
      expectUnavailable(await call('GET', '/api/v2.0/projects'));
      expectUnavailable(await call('GET', '/service/token?service=harbor-registry&scope=repository:team/app:pull'));
      await expectDatabaseUnhealthy();
    } finally {
      pg.thaw();
    }
    expect((await call('GET', '/api/v2.0/projects')).status).toBe(200);
    expect((await call<Health>('GET', '/api/v2.0/health', { auth: undefined })).body.status).toBe('healthy');
  });
});
