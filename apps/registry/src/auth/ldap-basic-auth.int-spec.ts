import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProjectRole } from '@wharf/auth';
import { createTestDatabase, TestDatabase } from '@wharf/db/testing';
import { buildDirectory, Directory, Slapd, startSlapd } from '@wharf/identity/testing';
import { errorCode, IdentityFixtures, pushBlob, RegistryHarness, startTestRegistry } from '../testing';
import { AUTH_SETTINGS_CACHE_MS } from './stored-auth-settings';

/**
 * Basic credentials sent straight to the registry (curl, scripts) under the auth mode core
 * stores: LDAP users are checked against a real slapd, their LDAP groups give them their project
 * roles, and the local admin keeps working.
 */

const SUFFIX = 'dc=wharf,dc=test';

describe('registry basic authentication in ldap_auth mode', () => {
  let db: TestDatabase;
  let slapd: Slapd;
  let dir: Directory;
  let registry: RegistryHarness;
  let fixtures: IdentityFixtures;
  let keyDir: string;
  // Failed logins are counted in the shared Redis: this registry gets counters of its own.
  const run = randomBytes(6).toString('hex');
  const dev = 'dev';
  const tester = 'tester';
  const late = 'late';
  const root = 'root';
  const PW = 'Ldap-Pass-123';
  const basic = (user: string, password = PW) => ({ Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });
  const v2 = (headers: Record<string, string>) => fetch(`${registry.url}/v2/`, { headers });

  async function store(settings: Record<string, unknown>): Promise<void> {
    for (const [key, value] of Object.entries(settings)) {
      await fixtures.sql.query('INSERT INTO setting (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value', [key, JSON.stringify(value)]);
    }
  }

  /**
   * Waits until the registry's copy of the stored settings has expired. Polling with credentials
   * instead would count failed logins in the throttle (and lock the user) while the old mode holds.
   */
  const settingsRead = () => new Promise((r) => setTimeout(r, AUTH_SETTINGS_CACHE_MS + 250));

  beforeAll(async () => {
    dir = buildDirectory(
      SUFFIX,
      [
        { uid: dev, password: PW },
        { uid: tester, password: PW },
        { uid: late, password: PW },
      ],
      [
        { cn: 'developers', members: [dev, late] },
        { cn: 'qa', members: [tester] },
      ],
    );
    slapd = await startSlapd({ suffix: SUFFIX, ldif: dir.ldif });
    db = await createTestDatabase('wharf_reg_ldap');
    keyDir = await mkdtemp(join(tmpdir(), 'wharf-key-'));
    const keyPath = join(keyDir, 'private_key.pem');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await writeFile(keyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600 });
    registry = await startTestRegistry(
      { auth: { mode: 'token', realm: 'http://token.example.test/service/token', issuer: 'iss', service: 'svc', privateKeyPath: keyPath, robotPrefix: 'robot$', loginThrottleKeyPrefix: `wharf-test:${run}:` } },
      { db },
    );
    fixtures = IdentityFixtures.open(db.url);
    await fixtures.user(root, 'Root-Pass-123', { sysadmin: true });
    const team = await fixtures.project('team');
    // Groups as core leaves them after they were made project members by DN.
    for (const [cn, role] of [['developers', ProjectRole.Developer], ['qa', ProjectRole.Guest]] as const) {
      const group = await fixtures.sql.one<{ id: number }>("INSERT INTO user_group (group_name, group_type, ldap_dn) VALUES ($1, 1, $2) RETURNING id", [cn, dir.groupDn(cn)]);
      await fixtures.sql.query('INSERT INTO project_member (project_id, group_id, role) VALUES ($1, $2, $3)', [team, group?.id, role]);
    }
  }, 60_000);

  afterAll(async () => {
    await registry?.close();
    await fixtures?.close();
    await db?.drop();
    await slapd?.stop();
    if (keyDir) await rm(keyDir, { recursive: true, force: true });
  });

  it('refuses LDAP users while the stored mode is db_auth, and accepts them once it is ldap_auth', async () => {
    expect((await v2(basic(dev))).status).toBe(401);
    await store({
      auth_mode: 'ldap_auth',
      ldap_url: slapd.url,
      ldap_search_dn: dir.searchDn,
      ldap_search_password: dir.searchPassword,
      ldap_base_dn: dir.peopleDn,
      ldap_uid: 'uid',
      ldap_group_base_dn: dir.groupsDn,
      ldap_group_search_filter: '(objectClass=groupOfNames)',
    });
    await settingsRead();
    expect((await v2(basic(dev))).status).toBe(200);
    const row = await fixtures.sql.one('SELECT auth_source, external_dn FROM app_user WHERE username = $1', [dev]);
    expect(row).toEqual({ auth_source: 'ldap', external_dn: dir.userDn(dev) });
  });

  it('LDAP groups give their project roles: a developer pushes, a guest only pulls', async () => {
    const digest = await pushBlob(registry.url, 'team/app', 'layer from ldap', basic(dev));
    const pulled = await fetch(`${registry.url}/v2/team/app/blobs/${digest}`, { headers: basic(tester) });
    expect(pulled.status).toBe(200);
    expect(await pulled.text()).toBe('layer from ldap');
    const push = await fetch(`${registry.url}/v2/team/app/blobs/uploads/`, { method: 'POST', headers: basic(tester) });
    expect(push.status).toBe(403);
    expect(await errorCode(push)).toBe('DENIED');
  });

  it('wrong LDAP passwords are refused with a challenge; the local admin still logs in', async () => {
    const wrong = await v2(basic(tester, 'Wrong-Pass-1'));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect((await v2(basic(root, 'Root-Pass-123'))).status).toBe(200);
  });

  it('an unreachable directory is 503, not counted by the throttle; logins work again when it is back', async () => {
    const doomed = await startSlapd({ suffix: SUFFIX, ldif: dir.ldif });
    await store({ ldap_url: doomed.url });
    await doomed.stop();
    // `late` has never logged in, so no cached acceptance hides the outage.
    await settingsRead();
    for (let i = 0; i < 7; i++) {
      const res = await v2(basic(late));
      expect(res.status).toBe(503);
      expect(await errorCode(res)).toBe('UNAVAILABLE');
    }
    expect((await v2(basic(root, 'Root-Pass-123'))).status).toBe(200);
    await store({ ldap_url: slapd.url });
    await settingsRead();
    expect((await v2(basic(late))).status).toBe(200);
  });
});
