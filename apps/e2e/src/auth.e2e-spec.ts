import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// This end-to-end test runs core (the token service) and the registry together, as deployed:
// it is the one place that needs both applications.
import { addTestMember, api, baseLayer, buildImage, compareLayout, createTestProject, createTestUser, DEST_INSECURE, dockerRef, faithfulCopyOf, IdentityFixtures, Image, INSECURE, killRunningSkopeo, Podman, randomLayer, repositoryPermissions, skopeo, skopeoOk, SRC_INSECURE, TestUser, writeLayout } from '@wharf/testing';
import { CoreHarness, startTestCore } from '../../core/src/testing';
import { RegistryHarness, startTokenRegistry } from '../../registry/src/testing';
import { UploadService } from '../../registry/src/uploads/upload.service';

/**
 * Token authentication with real clients: core issues tokens, a registry in token mode (same
 * database, the public half of core's signing key) enforces them, and skopeo and podman log in,
 * push and pull the way users do: or are refused, with the client's own exit code and message.
 */

const DEVELOPER = 2;
const GUEST = 3;

describe('token authentication with skopeo and podman', () => {
  let core: CoreHarness;
  let registry: RegistryHarness;
  let work: string;
  let layout: string;
  let host: string;
  let alice: TestUser;
  let bob: TestUser;
  let gina: TestUser;
  const image: Image = buildImage({
    label: 'auth-e2e',
    layers: [baseLayer('auth e2e'), randomLayer('data.bin', 300 * 1024)],
  });

  /** An auth file of its own per identity: logins never leak into another test's client. */
  const authfile = (who: string) => join(work, `auth-${who}.json`);
  const ref = (repository: string, tag: string) => dockerRef(host, repository, tag);
  const login = (who: string, user: string, password: string) =>
    skopeo(['login', INSECURE, '--authfile', authfile(who), '--username', user, '--password', password, host]);
  const push = (who: string, repository: string, tag = 'v1') =>
    skopeo(['copy', DEST_INSECURE, '--dest-authfile', authfile(who), '--preserve-digests', `oci:${layout}:v1`, ref(repository, tag)]);
  async function pull(who: string | undefined, repository: string, tag = 'v1'): Promise<{ code: number | null; stderr: string; dir: string }> {
    const dir = await mkdtemp(join(work, 'pull-'));
    const creds = who ? ['--src-authfile', authfile(who)] : ['--src-no-creds'];
    const res = await skopeo(['copy', SRC_INSECURE, ...creds, '--preserve-digests', ref(repository, tag), `oci:${dir}:${tag}`]);
    return { code: res.code, stderr: res.stderr, dir };
  }

  beforeAll(async () => {
    // Lower case only: podman names an image pulled from an OCI layout after the layout's path.
    work = join(tmpdir(), `wharf-e2e-auth-${randomBytes(6).toString('hex')}`);
    await mkdir(work);
    layout = join(work, 'src');
    await writeLayout(layout, { v1: image });
    core = await startTestCore();
    registry = await startTokenRegistry(core);
    host = registry.url.replace(/^http:\/\//, '');
    alice = await createTestUser(core.url, core.adminAuth, 'alice', 'Alice12345');
    bob = await createTestUser(core.url, core.adminAuth, 'bob', 'Bob1234567');
    gina = await createTestUser(core.url, core.adminAuth, 'gina', 'Gina123456');
    await createTestProject(core.url, core.adminAuth, 'private');
    await createTestProject(core.url, core.adminAuth, 'shared', true);
    await addTestMember(core.url, core.adminAuth, 'private', 'alice', DEVELOPER);
    await addTestMember(core.url, core.adminAuth, 'shared', 'alice', DEVELOPER);
    await addTestMember(core.url, core.adminAuth, 'private', 'gina', GUEST);
  }, 120_000);

  afterAll(async () => {
    killRunningSkopeo();
    await registry?.close();
    await core?.close();
    if (work) await rm(work, { recursive: true, force: true });
  }, 30_000);

  it('skopeo login succeeds for a user and fails for a wrong password (exit 1, invalid username/password)', async () => {
    const ok = await login('alice', alice.username, alice.password);
    expect({ code: ok.code, stderr: ok.stderr }).toEqual({ code: 0, stderr: '' });
    expect(ok.stdout).toMatch(/Login Succeeded/);

    const wrong = await login('mallory', alice.username, 'Wrong12345');
    expect({ code: wrong.code, stderr: wrong.stderr }).toEqual({ code: 1, stderr: expect.stringMatching(/logging into .*127\.0\.0\.1:\d+.*: invalid username\/password/) });
  });

  it('a developer pushes into a private project and pulls the image back, byte for byte', async () => {
    await skopeoOk(['login', INSECURE, '--authfile', authfile('alice'), '--username', alice.username, '--password', alice.password, host]);
    const pushed = await push('alice', 'private/app');
    expect({ code: pushed.code, stderr: pushed.stderr }).toEqual({ code: 0, stderr: '' });
    const pulled = await pull('alice', 'private/app');
    expect(pulled.code).toBe(0);
    expect(await compareLayout(pulled.dir, 'v1', image)).toEqual(faithfulCopyOf(image));
  });

  it('a guest pulls the private image but cannot push it (exit 1, the registry\'s refusal)', async () => {
    await skopeoOk(['copy', DEST_INSECURE, '--dest-authfile', authfile('alice'), '--preserve-digests', `oci:${layout}:v1`, ref('private/app', 'v1')]);
    await skopeoOk(['login', INSECURE, '--authfile', authfile('gina'), '--username', gina.username, '--password', gina.password, host]);
    const pulled = await pull('gina', 'private/app');
    expect(pulled.code).toBe(0);
    expect(await compareLayout(pulled.dir, 'v1', image)).toEqual(faithfulCopyOf(image));

    const pushed = await push('gina', 'private/app', 'by-gina');
    expect(pushed.code).toBe(1);
    expect(pushed.stderr).toMatch(/unauthorized|denied/i);
    const tags = await skopeoOk(['list-tags', INSECURE, '--authfile', authfile('alice'), `docker://${host}/private/app`]);
    expect((JSON.parse(tags.stdout) as { Tags: string[] }).Tags).not.toContain('by-gina');
  });

  it('a user without membership can neither pull nor push the private project; anonymous pulls fail too', async () => {
    await skopeoOk(['copy', DEST_INSECURE, '--dest-authfile', authfile('alice'), '--preserve-digests', `oci:${layout}:v1`, ref('private/app', 'v1')]);
    await skopeoOk(['login', INSECURE, '--authfile', authfile('bob'), '--username', bob.username, '--password', bob.password, host]);
    const pulled = await pull('bob', 'private/app');
    // The 401 insufficient_scope challenge (reported as a denial) and the registry's own message.
    expect({ code: pulled.code, stderr: pulled.stderr }).toEqual({
      code: 1,
      stderr: expect.stringMatching(/reading manifest v1 in .*private\/app: errors:.*denied: requested access to the resource is denied.*unauthorized: the token does not grant repository:private\/app:pull/s),
    });
    const pushed = await push('bob', 'private/app', 'by-bob');
    expect(pushed.code).toBe(1);
    // The registry's 401 insufficient_scope, which the client reports as a denial.
    expect(pushed.stderr).toMatch(/denied: requested access to the resource is denied/);
    const anonymous = await pull(undefined, 'private/app');
    expect({ code: anonymous.code, stderr: anonymous.stderr }).toEqual({
      code: 1,
      stderr: expect.stringMatching(/reading manifest v1 in .*private\/app: errors:.*denied: requested access to the resource is denied.*unauthorized: the token does not grant repository:private\/app:pull/s),
    });
  });

  it('anyone pulls from a public project, anonymous included; only members push there', async () => {
    await skopeoOk(['login', INSECURE, '--authfile', authfile('alice'), '--username', alice.username, '--password', alice.password, host]);
    expect((await push('alice', 'shared/base')).code).toBe(0);
    const anonymous = await pull(undefined, 'shared/base');
    expect(anonymous.code).toBe(0);
    expect(await compareLayout(anonymous.dir, 'v1', image)).toEqual(faithfulCopyOf(image));
    await skopeoOk(['login', INSECURE, '--authfile', authfile('bob'), '--username', bob.username, '--password', bob.password, host]);
    expect((await pull('bob', 'shared/base')).code).toBe(0);
    const pushed = await push('bob', 'shared/base', 'by-bob');
    expect(pushed.code).toBe(1);
    expect(pushed.stderr).toMatch(/denied: requested access to the resource is denied/);
  });

  it('skopeo copies an image from one repository to another of the registry by mounting its blobs, with the tokens core gives', async () => {
    await skopeoOk(['login', INSECURE, '--authfile', authfile('alice'), '--username', alice.username, '--password', alice.password, host]);
    expect((await push('alice', 'private/mount-src')).code).toBe(0);
    const mounts = jest.spyOn(registry.app.get(UploadService), 'mount');
    try {
      const copied = await skopeo(['copy', SRC_INSECURE, DEST_INSECURE, '--src-authfile', authfile('alice'), '--dest-authfile', authfile('alice'), '--preserve-digests', ref('private/mount-src', 'v1'), ref('shared/mount-dst', 'v1')]);
      expect({ code: copied.code, stderr: copied.stderr }).toEqual({ code: 0, stderr: '' });
      // Every layer came by a mount from the source (skopeo sends the small config itself).
      const mounted = await Promise.all(mounts.mock.results.map((r) => r.value as Promise<{ digest: string } | undefined>));
      expect(mounts.mock.calls.map(([to, from]) => `${from} -> ${to}`)).toEqual(image.layers.map(() => 'private/mount-src -> shared/mount-dst'));
      expect(mounted.map((b) => b?.digest).sort()).toEqual(image.layers.map((l) => l.digest).sort());
    } finally {
      mounts.mockRestore();
    }
    const pulled = await pull('alice', 'shared/mount-dst');
    expect(await compareLayout(pulled.dir, 'v1', image)).toEqual(faithfulCopyOf(image));
  });

  it('a push into a project that does not exist is denied, saying so; no project appears', async () => {
    await skopeoOk(['login', INSECURE, '--authfile', authfile('alice'), '--username', alice.username, '--password', alice.password, host]);
    const pushed = await push('alice', 'ghost/app');
    expect(pushed.code).toBe(1);
    // skopeo quotes its message (logrus), so the quotes around the name come escaped.
    expect(pushed.stderr).toMatch(/initiating layer upload to \/v2\/ghost\/app\/blobs\/uploads\/ .*: denied: project \\?"ghost\\?" does not exist/);
    const projects = await api<{ name: string }[]>(core.url, 'GET', '/api/v2.0/projects', { auth: core.adminAuth });
    expect(projects.body.map((p) => p.name)).not.toContain('ghost');
  });

  it('a project robot logs in with its secret, pushes what it is granted, and nothing elsewhere', async () => {
    // Robot rows as core's robot API would write them (bcrypt secret, Harbor's permission list).
    const fixtures = IdentityFixtures.open(core.db.url);
    let ci: { login: string; secret: string };
    try {
      const project = await fixtures.sql.one<{ id: number }>('SELECT id FROM project WHERE name = $1', ['private']);
      ci = await fixtures.robot({ name: 'ci', project: { id: project?.id ?? -1, name: 'private' }, permissions: repositoryPermissions('private', ['pull', 'push']) });
    } finally {
      await fixtures.close();
    }
    expect((await login('robot', ci.login, ci.secret)).code).toBe(0);
    const pushed = await push('robot', 'private/robot-made');
    expect({ code: pushed.code, stderr: pushed.stderr }).toEqual({ code: 0, stderr: '' });
    const pulled = await pull('robot', 'private/robot-made');
    expect(await compareLayout(pulled.dir, 'v1', image)).toEqual(faithfulCopyOf(image));
    const elsewhere = await push('robot', 'shared/robot-made');
    expect({ code: elsewhere.code, stderr: elsewhere.stderr }).toEqual({ code: 1, stderr: expect.stringMatching(/denied: requested access to the resource is denied/) });
  });

  describe('podman', () => {
    let podman: Podman;
    beforeAll(async () => {
      podman = await Podman.create();
    });
    afterAll(async () => {
      await podman?.dispose();
    });

    it('logs in, pushes to a private project and pulls back the same image; without rights it is refused', async () => {
      const loaded = await podman.run(['pull', `oci:${layout}:v1`]);
      expect({ code: loaded.code, stderr: loaded.code === 0 ? '' : loaded.stderr }).toEqual({ code: 0, stderr: '' });
      const localId = loaded.stdout.trim().split('\n').pop() ?? '';

      const badLogin = await podman.run(['login', '--tls-verify=false', '--username', alice.username, '--password', 'Wrong12345', host]);
      expect({ code: badLogin.code, stderr: badLogin.stderr }).toEqual({ code: 125, stderr: expect.stringMatching(/^Error: logging into "127\.0\.0\.1:\d+": invalid username\/password\n$/) });

      const loggedIn = await podman.run(['login', '--tls-verify=false', '--username', alice.username, '--password', alice.password, host]);
      expect({ code: loggedIn.code, out: loggedIn.stdout.trim(), stderr: loggedIn.stderr }).toEqual({ code: 0, out: 'Login Succeeded!', stderr: '' });
      const pushed = await podman.run(['push', '--tls-verify=false', localId, `docker://${host}/private/podman:v1`]);
      expect({ code: pushed.code, stderr: pushed.code === 0 ? '' : pushed.stderr }).toEqual({ code: 0, stderr: '' });

      await podman.run(['rmi', '--all', '--force']);
      const pulled = await podman.run(['pull', '--tls-verify=false', `${host}/private/podman:v1`]);
      expect({ code: pulled.code, stderr: pulled.code === 0 ? '' : pulled.stderr }).toEqual({ code: 0, stderr: '' });
      // The image id is the config digest: the same config came back.
      expect(pulled.stdout.trim().split('\n').pop()).toBe(localId);

      await podman.run(['logout', host]);
      const asBob = await podman.run(['login', '--tls-verify=false', '--username', bob.username, '--password', bob.password, host]);
      expect(asBob.code).toBe(0);
      const refused = await podman.run(['push', '--tls-verify=false', localId, `docker://${host}/private/podman:by-bob`]);
      expect(refused.code).toBe(125);
      expect(refused.stderr).toMatch(/denied: requested access to the resource is denied/);
      const refusedPull = await podman.run(['pull', '--tls-verify=false', `${host}/private/podman:v1`]);
      expect({ code: refusedPull.code, stderr: refusedPull.stderr }).toEqual({
        code: 125,
        stderr: expect.stringMatching(/reading manifest v1 in .*private\/podman: errors:\ndenied: requested access to the resource is denied\nunauthorized: the token does not grant repository:private\/podman:pull/),
      });
    });
  });
});
