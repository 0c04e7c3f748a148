import { createTestDatabase, TestDatabase } from '@wharf/db/testing';
import { captureOutput, expectLoggedOnce, type CapturedOutput, type PrivatePostgres, startPrivatePostgres } from '@wharf/outage/testing';
import { errorCode, makeImage, pushImage, RegistryHarness, sha256, startTestRegistry } from '../testing';

/**
 * The registry with its PostgreSQL stopped (connections refused) or frozen (SIGSTOP of the
 * postmaster and its backends: connections stay open, nothing is answered), on a cluster of the
 * test's own. Requests that need the database are answered 503 UNAVAILABLE with Retry-After
 * within the configured timeouts, the log says so once per interval, and everything works again
 * once the database is back. The limit on each request only tells a hang from an answer.
 */
const HANG_MS = 20_000;

describe('registry with postgresql down or frozen', () => {
  let pg: PrivatePostgres;
  let db: TestDatabase;
  let registry: RegistryHarness;
  const repo = 'team/app';
  const image = makeImage();

  const call = (path: string, init: RequestInit = {}) => fetch(`${registry.url}${path}`, { ...init, signal: AbortSignal.timeout(HANG_MS) });

  async function expectUnavailable(res: Response): Promise<void> {
    expect([res.status, res.headers.get('retry-after')]).toEqual([503, '5']);
    expect(await errorCode(res)).toBe('UNAVAILABLE');
  }

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    db = await createTestDatabase('wharf_reg_pg_outage', pg.url);
    registry = await startTestRegistry({ databaseTimeouts: { connectTimeoutMs: 1_000, statementTimeoutMs: 2_000 } }, { db });
    expect((await pushImage(registry.url, repo, image, 'v1')).status).toBe(201);
  }, 60_000);

  afterAll(async () => {
    pg?.thaw();
    await pg?.start();
    await registry?.close();
    await db?.drop();
    await pg?.dispose();
  }, 60_000);

  it('answers 503 with Retry-After while postgresql is down, says so once in the log, and serves again once it is back', async () => {
    const output: CapturedOutput = captureOutput();
    try {
      await pg.stop();
      // Distinct references: each lookup goes to the database, none is answered from a cache.
      for (let i = 0; i < 100; i++) await expectUnavailable(await call(`/v2/${repo}/manifests/missing-${i}`));
      await expectUnavailable(await call(`/v2/${repo}/manifests/${image.digest}`));
      await expectUnavailable(await call(`/v2/${repo}/blobs/uploads/?digest=${sha256('new')}`, { method: 'POST', body: 'new' }));
      expect((await call('/healthz')).status).toBe(503);
    } finally {
      output.stop();
      await pg.start();
    }
    // Besides the failure, a line each for the cache feed and the audit trail, and a summary should
    // the loop outlast the interval.
    expectLoggedOnce(output.lines(), 'failed to reach postgresql', 5);

    const again = await call(`/v2/${repo}/manifests/v1`);
    expect(again.status).toBe(200);
    expect(again.headers.get('docker-content-digest')).toBe(image.digest);
  });

  it('answers 503 within the timeouts while postgresql is frozen, and serves again once it answers', async () => {
    pg.freeze();
    try {
      await expectUnavailable(await call(`/v2/${repo}/manifests/frozen-1`));
      await expectUnavailable(await call(`/v2/${repo}/blobs/uploads/?digest=${sha256('frozen')}`, { method: 'POST', body: 'frozen' }));
      expect((await call('/healthz')).status).toBe(503);
    } finally {
      pg.thaw();
    }
    const again = await call(`/v2/${repo}/manifests/${image.digest}`, { method: 'HEAD' });
    expect(again.status).toBe(200);
    expect((await pushImage(registry.url, repo, makeImage(), 'v2')).status).toBe(201);
  });
});
