import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDirectory, Directory, Slapd, startSlapd } from '@wharf/identity/testing';
// This end-to-end test runs core (the token service and the LDAP settings) and the registry
// together, as deployed.
import { api, baseLayer, buildImage, compareLayout, createTestProject, DEST_INSECURE, dockerRef, faithfulCopyOf, Image, INSECURE, killRunningSkopeo, randomLayer, skopeo, SRC_INSECURE, writeLayout } from '@wharf/testing';
import { CoreHarness, startTestCore } from '../../core/src/testing';
import { AUTH_SETTINGS_CACHE_MS } from '../../registry/src/auth/stored-auth-settings';
import { RegistryHarness, startTokenRegistry } from '../../registry/src/testing';

/**
 * LDAP users with a real client: core in ldap_auth (set through its API) against a real slapd,
 * a registry in token mode on the same database, and skopeo logging in as directory users whose
 * LDAP group is a member of the project they push to.
 */

const SUFFIX = 'dc=wharf,dc=test';
const PASSWORD = { alice: 'Alice-Ldap-1', gina: 'Gina-Ldap-12' };
const DEVELOPER = 2;
const GUEST = 3;

describe('LDAP users with skopeo against core and a token-mode registry', () => {
  let slapd: Slapd;
  let dir: Directory;
  let core: CoreHarness;
  let registry: RegistryHarness;
  let work: string;
  let layout: string;
  let host: string;
  const image: Image = buildImage({ label: 'ldap-e2e', layers: [baseLayer('ldap e2e'), randomLayer('data.bin', 200 * 1024)] });

  const authfile = (who: string) => join(work, `auth-${who}.json`);
  const login = (who: string, user: string, password: string) => skopeo(['login', INSECURE, '--authfile', authfile(who), '--username', user, '--password', password, host]);
  const push = (who: string, repository: string, tag = 'v1') =>
    skopeo(['copy', DEST_INSECURE, '--dest-authfile', authfile(who), '--preserve-digests', `oci:${layout}:v1`, dockerRef(host, repository, tag)]);

  beforeAll(async () => {
    work = join(tmpdir(), `wharf-e2e-ldap-${randomBytes(6).toString('hex')}`);
    await mkdir(work);
    layout = join(work, 'src');
    await writeLayout(layout, { v1: image });
    dir = buildDirectory(
      SUFFIX,
      [
        { uid: 'alice', password: PASSWORD.alice, mail: 'alice@example.com' },
        { uid: 'gina', password: PASSWORD.gina },
      ],
      [
        { cn: 'developers', members: ['alice'] },
        { cn: 'readers', members: ['gina'] },
      ],
    );
    slapd = await startSlapd({ suffix: SUFFIX, ldif: dir.ldif });
    core = await startTestCore();
    registry = await startTokenRegistry(core);
    host = registry.url.replace(/^http:\/\//, '');

    const switched = await api(core.url, 'PUT', '/api/v2.0/configurations', {
      auth: core.adminAuth,
      body: {
        auth_mode: 'ldap_auth',
        ldap_url: slapd.url,
        ldap_search_dn: dir.searchDn,
        ldap_search_password: dir.searchPassword,
        ldap_base_dn: dir.peopleDn,
        ldap_uid: 'uid',
        ldap_group_base_dn: dir.groupsDn,
        ldap_group_search_filter: '(objectClass=groupOfNames)',
      },
    });
    if (switched.status !== 200) throw new Error(`failed to switch core to ldap_auth: ${switched.status} ${JSON.stringify(switched.body)}`);
    await createTestProject(core.url, core.adminAuth, 'private');
    for (const [cn, role] of [['developers', DEVELOPER], ['readers', GUEST]] as const) {
      const added = await api(core.url, 'POST', '/api/v2.0/projects/private/members', { auth: core.adminAuth, body: { role_id: role, member_group: { ldap_group_dn: dir.groupDn(cn) } } });
      if (added.status !== 201) throw new Error(`failed to add group ${cn}: ${added.status} ${JSON.stringify(added.body)}`);
    }
  }, 120_000);

  afterAll(async () => {
    killRunningSkopeo();
    await registry?.close();
    await core?.close();
    await slapd?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  }, 30_000);

  it('skopeo login works for an LDAP user and fails for a wrong LDAP password', async () => {
    const ok = await login('alice', 'alice', PASSWORD.alice);
    expect({ code: ok.code, stderr: ok.stderr }).toEqual({ code: 0, stderr: '' });
    expect(ok.stdout).toMatch(/Login Succeeded/);
    const wrong = await login('mallory', 'alice', 'Wrong-Pass-1');
    expect({ code: wrong.code, stderr: wrong.stderr }).toEqual({ code: 1, stderr: expect.stringMatching(/invalid username\/password/) });
  });

  it('a user whose LDAP group is developer pushes to the private project and pulls the image back', async () => {
    expect((await login('alice', 'alice', PASSWORD.alice)).code).toBe(0);
    const pushed = await push('alice', 'private/app');
    expect({ code: pushed.code, stderr: pushed.stderr }).toEqual({ code: 0, stderr: '' });
    const out = await mkdtemp(join(work, 'pull-'));
    const pulled = await skopeo(['copy', SRC_INSECURE, '--src-authfile', authfile('alice'), '--preserve-digests', dockerRef(host, 'private/app', 'v1'), `oci:${out}:v1`]);
    expect({ code: pulled.code, stderr: pulled.stderr }).toEqual({ code: 0, stderr: '' });
    expect(await compareLayout(out, 'v1', image)).toEqual(faithfulCopyOf(image));
  });

  it('a user whose LDAP group is guest pulls but cannot push', async () => {
    expect((await login('gina', 'gina', PASSWORD.gina)).code).toBe(0);
    const out = await mkdtemp(join(work, 'pull-'));
    const pulled = await skopeo(['copy', SRC_INSECURE, '--src-authfile', authfile('gina'), dockerRef(host, 'private/app', 'v1'), `oci:${out}:v1`]);
    expect(pulled.code).toBe(0);
    const pushed = await push('gina', 'private/app', 'by-gina');
    expect(pushed.code).toBe(1);
    expect(pushed.stderr).toMatch(/denied: requested access to the resource is denied/);
  });

  it('basic credentials sent straight to the registry are checked against LDAP too', async () => {
    // The registry reads the auth mode core stored; give it the time its copy lives.
    await new Promise((r) => setTimeout(r, AUTH_SETTINGS_CACHE_MS + 250));
    const basic = (user: string, password: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });
    const manifest = await fetch(`${registry.url}/v2/private/app/manifests/v1`, { headers: { ...basic('alice', PASSWORD.alice), Accept: 'application/vnd.oci.image.manifest.v1+json' } });
    expect(manifest.status).toBe(200);
    expect((await fetch(`${registry.url}/v2/private/app/manifests/v1`, { headers: basic('alice', 'Wrong-Pass-1') })).status).toBe(401);
  });
});
