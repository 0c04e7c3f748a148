import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProjectRole, signToken, TokenAccess } from '@wharf/auth';
import { createTestDatabase, TestDatabase } from '@wharf/db/testing';
import { IdentityFixtures, makeImage, pushImage, putManifest, RegistryHarness, repositoryPermissions, startTestRegistry } from '../testing';
import { loadAuditConfig } from './audit-config';
import { RegistryAudit } from './registry-audit';

/**
 * The data plane's audit rows, read back from `audit_log`: what is recorded for manifest pushes,
 * pulls and deletions, under which name and project, and that rows are written in batches.
 */

interface AuditRow {
  project_id: number | null;
  operation: string;
  resource_type: string;
  resource: string;
  username: string;
  client_ip: string | null;
}

const basic = (user: string, password: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

describe('registry audit log, open registry (REGISTRY_AUTH=none)', () => {
  let db: TestDatabase;
  let registry: RegistryHarness;
  let fixtures: IdentityFixtures;

  const rows = (resourcePrefix: string) =>
    fixtures.sql.query<AuditRow>(
      `SELECT project_id, operation, resource_type, resource, username, client_ip FROM audit_log
        WHERE resource LIKE $1 || '%' ORDER BY id`,
      [resourcePrefix],
    );
  const projectId = async (name: string) => (await fixtures.sql.one<{ id: number }>('SELECT id FROM project WHERE name = $1', [name]))?.id;
  const flush = () => registry.app.get(RegistryAudit).flush();

  beforeAll(async () => {
    db = await createTestDatabase('wharf_reg_audit');
    registry = await startTestRegistry({}, { db });
    fixtures = IdentityFixtures.open(db.url);
  });

  afterAll(async () => {
    await fixtures?.close();
    await registry?.close();
    await db?.drop();
  });

  it('push, pull (GET only) and delete of manifests are recorded as Harbor does, nothing for failed requests', async () => {
    const url = registry.url;
    const image = makeImage();
    // A name claimed in the header is not believed: nothing authenticates it here.
    expect((await pushImage(url, 'team/app', image, 'v1', basic('admin', 'anything'))).status).toBe(201);
    expect((await fetch(`${url}/v2/team/app/manifests/v1`)).status).toBe(200);
    expect((await fetch(`${url}/v2/team/app/manifests/${image.digest}`)).status).toBe(200);
    expect((await fetch(`${url}/v2/team/app/manifests/v1`, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`${url}/v2/team/app/manifests/nope`)).status).toBe(404);
    expect((await putManifest(url, 'team/app', 'broken', '{"schemaVersion": 2', image.mediaType)).status).toBe(400);
    expect((await fetch(`${url}/v2/team/app/manifests/nope`, { method: 'DELETE' })).status).toBe(404);
    expect((await fetch(`${url}/v2/team/app/manifests/v1`, { method: 'DELETE' })).status).toBe(202);
    expect((await fetch(`${url}/v2/team/app/manifests/${image.digest}`, { method: 'DELETE' })).status).toBe(202);
    await flush();

    const team = await projectId('team');
    expect(team).toEqual(expect.any(Number));
    const row = (operation: string, resourceType: string, resource: string) => ({
      project_id: team,
      operation,
      resource_type: resourceType,
      resource,
      username: 'anonymous',
      client_ip: '127.0.0.1',
    });
    expect(await rows('team/app')).toEqual([
      row('create', 'artifact', 'team/app:v1'),
      row('pull', 'artifact', 'team/app:v1'),
      row('pull', 'artifact', `team/app@${image.digest}`),
      row('delete', 'tag', 'team/app:v1'),
      row('delete', 'artifact', `team/app@${image.digest}`),
    ]);
  });

  it('a push by digest is named by its digest; a repository without a project part has no project', async () => {
    const image = makeImage();
    expect((await pushImage(registry.url, 'team/app', image, image.digest)).status).toBe(201);
    expect((await pushImage(registry.url, 'loose', makeImage(), 'v1')).status).toBe(201);
    await flush();
    expect(await rows(`team/app@${image.digest}`)).toEqual([expect.objectContaining({ operation: 'create', resource_type: 'artifact', project_id: await projectId('team') })]);
    expect(await rows('loose:')).toEqual([expect.objectContaining({ operation: 'create', resource: 'loose:v1', project_id: null })]);
  });

  it('rows are written within about a second without anyone asking', async () => {
    expect((await pushImage(registry.url, 'timed/app', makeImage(), 'v1')).status).toBe(201);
    const deadline = Date.now() + 5_000;
    let found: AuditRow[] = [];
    while (found.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      found = await rows('timed/app');
    }
    expect(found.map((r) => r.resource)).toEqual(['timed/app:v1']);
  });

  const pulls = 1_200;
  it('a burst of pulls is written with a few multi-row INSERTs, not one per request', async () => {
    // Its own registry whose timer never fires during the burst: on a slow machine the pulls take
    // long enough for a 1 s timer to cut them into dozens of small batches.
    const burst = await startTestRegistry({ audit: loadAuditConfig({ REGISTRY_AUDIT_FLUSH_MS: '60000' }) }, { db });
    const image = makeImage();
    try {
      expect((await pushImage(burst.url, 'burst/app', image, 'v1')).status).toBe(201);
      await burst.app.get(RegistryAudit).flush();
      for (let i = 0; i < pulls; i += 100) {
        const statuses = await Promise.all(Array.from({ length: 100 }, () => fetch(`${burst.url}/v2/burst/app/manifests/v1`).then((r) => r.status)));
        expect(statuses.every((s) => s === 200)).toBe(true);
      }
      await burst.app.get(RegistryAudit).flush();
    } finally {
      await burst.close();
    }
    const stats = await fixtures.sql.one<{ n: string; transactions: string }>(
      // Rows written by one statement share their inserting transaction id.
      `SELECT count(*) AS n, count(DISTINCT xmin::text) AS transactions FROM audit_log WHERE resource = 'burst/app:v1' AND operation = 'pull'`,
    );
    expect(Number(stats?.n)).toBe(pulls);
    // 500 per batch fills at least three; a flush may split one a few more times.
    expect(Number(stats?.transactions)).toBeGreaterThanOrEqual(3);
    expect(Number(stats?.transactions)).toBeLessThanOrEqual(12);
  }, 60_000);

  it('a registry that stops writes what it still buffered', async () => {
    const other = await startTestRegistry({ audit: loadAuditConfig({ REGISTRY_AUDIT_FLUSH_MS: '60000' }) }, { db });
    try {
      expect((await pushImage(other.url, 'stopping/app', makeImage(), 'v1')).status).toBe(201);
      expect((await fetch(`${other.url}/v2/stopping/app/manifests/v1`)).status).toBe(200);
      // The timer is a minute away: only the shutdown can have written these.
      expect(await rows('stopping/app')).toEqual([]);
    } finally {
      await other.close();
    }
    expect((await rows('stopping/app')).map((r) => r.operation)).toEqual(['create', 'pull']);
  });

  it('REGISTRY_AUDIT=false records nothing', async () => {
    const off = await startTestRegistry({ audit: loadAuditConfig({ REGISTRY_AUDIT: 'false' }) }, { db });
    try {
      expect(off.app.get(RegistryAudit).enabled).toBe(false);
      expect((await pushImage(off.url, 'quiet/app', makeImage(), 'v1')).status).toBe(201);
      expect((await fetch(`${off.url}/v2/quiet/app/manifests/v1`)).status).toBe(200);
      expect((await fetch(`${off.url}/v2/quiet/app/manifests/v1`, { method: 'DELETE' })).status).toBe(202);
      await off.app.get(RegistryAudit).flush();
    } finally {
      await off.close();
    }
    expect(await rows('quiet/app')).toEqual([]);
  });
});

describe('registry audit log, token mode', () => {
  const ISSUER = 'audit-issuer';
  const SERVICE = 'audit-registry';
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const PASSWORD = 'Passw0rdOfAudit';
  // The login throttle's counters live in the shared Redis: names unique to this run.
  const suffix = Date.now().toString(36);
  const alice = `alice-${suffix}`;
  let db: TestDatabase;
  let registry: RegistryHarness;
  let fixtures: IdentityFixtures;
  let keyDir: string;
  let robot: { login: string; secret: string };
  let projects: { team: number; open: number };

  const token = async (subject: string, ...access: TokenAccess[]) =>
    (await signToken(privateKey, { issuer: ISSUER, audience: SERVICE, subject, access, expiresIn: 300 })).token;
  const repo = (name: string, ...actions: string[]): TokenAccess => ({ type: 'repository', name, actions });
  const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });
  const rows = () =>
    fixtures.sql.query<AuditRow>('SELECT project_id, operation, resource_type, resource, username, client_ip FROM audit_log ORDER BY id');

  beforeAll(async () => {
    db = await createTestDatabase('wharf_reg_audit_token');
    keyDir = await mkdtemp(join(tmpdir(), 'wharf-audit-key-'));
    const keyPath = join(keyDir, 'private_key.pem');
    await writeFile(keyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600 });
    registry = await startTestRegistry(
      { auth: { mode: 'token', realm: 'http://token.example.test/service/token', issuer: ISSUER, service: SERVICE, privateKeyPath: keyPath, robotPrefix: 'robot$' } },
      { db },
    );
    fixtures = IdentityFixtures.open(db.url);
    const aliceId = await fixtures.user(alice, PASSWORD);
    projects = { team: await fixtures.project('team'), open: await fixtures.project('open', { public: true }) };
    await fixtures.member(projects.team, aliceId, ProjectRole.Developer);
    robot = await fixtures.robot({ name: `ci-${suffix}`, project: { id: projects.team, name: 'team' }, permissions: repositoryPermissions('team', ['pull', 'push']) });
  }, 60_000);

  afterAll(async () => {
    await fixtures?.close();
    await registry?.close();
    await db?.drop();
    if (keyDir) await rm(keyDir, { recursive: true, force: true });
  });

  it('rows carry the token subject, the basic-auth user (as stored) or robot, anonymous for anonymous tokens; refused requests none', async () => {
    const url = registry.url;
    const image = makeImage();
    expect((await pushImage(url, 'team/app', image, 'v1', bearer(await token(alice, repo('team/app', 'pull', 'push'))))).status).toBe(201);
    expect((await pushImage(url, 'open/base', makeImage(), 'v1', bearer(await token('admin', repo('open/base', 'pull', 'push'))))).status).toBe(201);
    // Basic credentials with the user name in another case: the row names the account as stored.
    expect((await fetch(`${url}/v2/team/app/manifests/v1`, { headers: basic(alice.toUpperCase(), PASSWORD) })).status).toBe(200);
    expect((await fetch(`${url}/v2/team/app/manifests/v1`, { headers: basic(robot.login, robot.secret) })).status).toBe(200);
    expect((await fetch(`${url}/v2/open/base/manifests/v1`, { headers: bearer(await token('', repo('open/base', 'pull'))) })).status).toBe(200);
    // Refused: a token without the grant, wrong credentials, no credentials at all.
    expect((await fetch(`${url}/v2/team/app/manifests/v1`, { headers: bearer(await token('mallory', repo('team/app'))) })).status).toBe(401);
    expect((await fetch(`${url}/v2/team/app/manifests/v1`, { headers: basic(alice, 'Wrong12345') })).status).toBe(401);
    expect((await fetch(`${url}/v2/team/app/manifests/v1`)).status).toBe(401);
    expect((await fetch(`${url}/v2/team/app/manifests/v1`, { method: 'DELETE', headers: bearer(await token(alice, repo('team/app', 'pull', 'push'))) })).status).toBe(401);
    expect((await fetch(`${url}/v2/team/app/manifests/v1`, { method: 'DELETE', headers: bearer(await token('admin', repo('team/app', 'delete'))) })).status).toBe(202);
    await registry.app.get(RegistryAudit).flush();

    const at = (projectId: number, operation: string, resourceType: string, resource: string, username: string) => ({
      project_id: projectId,
      operation,
      resource_type: resourceType,
      resource,
      username,
      client_ip: '127.0.0.1',
    });
    expect(await rows()).toEqual([
      at(projects.team, 'create', 'artifact', 'team/app:v1', alice),
      at(projects.open, 'create', 'artifact', 'open/base:v1', 'admin'),
      at(projects.team, 'pull', 'artifact', 'team/app:v1', alice),
      at(projects.team, 'pull', 'artifact', 'team/app:v1', robot.login),
      at(projects.open, 'pull', 'artifact', 'open/base:v1', 'anonymous'),
      at(projects.team, 'delete', 'tag', 'team/app:v1', 'admin'),
    ]);
  });
});
