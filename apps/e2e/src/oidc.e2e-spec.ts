import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// This end-to-end test runs core (the token service, the OIDC login) and the registry together,
// as deployed, with a real OpenID provider.
import { api, baseLayer, buildImage, createTestProject, DEST_INSECURE, dockerRef, Image, INSECURE, killRunningSkopeo, randomLayer, skopeo, writeLayout } from '@wharf/testing';
import { CoreHarness, startTestCore, startTestProvider, TestBrowser, TestProvider } from '../../core/src/testing';
import { RegistryHarness, startTokenRegistry } from '../../registry/src/testing';

/**
 * OIDC users with a real client: core in oidc_auth against oidc-provider, a registry in token
 * mode on the same database, and skopeo pushing with the CLI secret of a user whose provider
 * group is a member of the project.
 */

const CLIENT_ID = 'wharf';
const CLIENT_SECRET = 'wharf-client-secret';
const DEVELOPER = 2;

describe('OIDC users with skopeo against core and a token-mode registry', () => {
  let provider: TestProvider;
  let core: CoreHarness;
  let registry: RegistryHarness;
  let work: string;
  let layout: string;
  let host: string;
  const image: Image = buildImage({ label: 'oidc-e2e', layers: [baseLayer('oidc e2e'), randomLayer('data.bin', 100 * 1024)] });

  const authfile = (who: string) => join(work, `auth-${who}.json`);
  const login = (who: string, user: string, password: string) => skopeo(['login', INSECURE, '--authfile', authfile(who), '--username', user, '--password', password, host]);
  const push = (who: string, repository: string) => skopeo(['copy', DEST_INSECURE, '--dest-authfile', authfile(who), '--preserve-digests', `oci:${layout}:v1`, dockerRef(host, repository, 'v1')]);

  /** Logs `account` in to the console through the provider (onboarded on the way); their CLI secret. */
  async function cliSecretOf(account: string): Promise<string> {
    const browser = new TestBrowser();
    await browser.follow(`${core.url}/c/oidc/login`, account, core.url);
    const me = await api<{ oidc_user_meta?: { secret: string } }>(core.url, 'GET', '/api/v2.0/users/current', { headers: { Cookie: `sid=${browser.cookie(core.url, 'sid')}` } });
    if (!me.body.oidc_user_meta) throw new Error(`no OIDC record for ${account}: ${me.status}`);
    return me.body.oidc_user_meta.secret;
  }

  beforeAll(async () => {
    work = join(tmpdir(), `wharf-e2e-oidc-${randomBytes(6).toString('hex')}`);
    await mkdir(work);
    layout = join(work, 'src');
    await writeLayout(layout, { v1: image });
    core = await startTestCore();
    provider = await startTestProvider({
      clients: [{ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uris: [`${core.url}/c/oidc/callback`] }],
      groups: { alice: ['developers'], gina: ['readers'] },
    });
    registry = await startTokenRegistry(core);
    host = registry.url.replace(/^http:\/\//, '');
    const settings = await api(core.url, 'PUT', '/api/v2.0/configurations', {
      auth: core.adminAuth,
      body: {
        auth_mode: 'oidc_auth',
        oidc_endpoint: provider.issuer,
        oidc_client_id: CLIENT_ID,
        oidc_client_secret: CLIENT_SECRET,
        oidc_scope: 'openid,profile,groups,offline_access',
        oidc_groups_claim: 'groups',
        oidc_auto_onboard: true,
        oidc_user_claim: 'preferred_username',
      },
    });
    expect(settings.status).toBe(200);
    await createTestProject(core.url, core.adminAuth, 'team');
  }, 120_000);

  afterAll(async () => {
    killRunningSkopeo();
    await registry?.close();
    await core?.close();
    await provider?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  }, 30_000);

  it('pushes with the CLI secret of a user whose provider group is a developer of the project; others are refused', async () => {
    const alice = await cliSecretOf('alice');
    const gina = await cliSecretOf('gina');
    const member = await api(core.url, 'POST', '/api/v2.0/projects/team/members', {
      auth: core.adminAuth,
      body: { role_id: DEVELOPER, member_group: { group_name: 'developers', group_type: 3 } },
    });
    expect(member.status).toBe(201);

    expect((await login('alice', 'alice', alice)).code).toBe(0);
    const pushed = await push('alice', 'team/app');
    expect({ code: pushed.code, stderr: pushed.stderr }).toEqual({ code: 0, stderr: '' });
    const artifacts = await api<unknown[]>(core.url, 'GET', '/api/v2.0/projects/team/repositories/app/artifacts', { auth: core.adminAuth });
    expect(artifacts.body).toHaveLength(1);

    // A wrong secret does not log in; gina's group has no role in the project.
    expect((await login('mallory', 'alice', `${alice}x`)).code).not.toBe(0);
    expect((await login('gina', 'gina', gina)).code).toBe(0);
    const refused = await push('gina', 'team/other');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/unauthorized|denied|requested access to the resource is denied/i);
  });
});
