import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { READ_ONLY_CACHE_MS, READ_ONLY_MESSAGE } from '@wharf/db/plain';
import { type PrivateDockerd, startPrivateDockerd } from '@wharf/outage/testing';
// Core (the switch and the token service) and the registry together, as deployed.
import { addTestMember, api, baseLayer, buildImage, compareLayout, createTestProject, createTestUser, DEST_INSECURE, dockerRef, faithfulCopyOf, Image, INSECURE, killRunningSkopeo, Podman, randomLayer, skopeo, skopeoOk, SRC_INSECURE, TestUser, writeLayout } from '@wharf/testing';
import { CoreHarness, startTestCore } from '../../core/src/testing';
import { RegistryHarness, startTokenRegistry } from '../../registry/src/testing';

/**
 * Harbor's read-only mode with real clients: an administrator switches it on through core's API,
 * the registry refuses pushes and deletions with Harbor's message, which the client shows its
 * user; pulls go on; switched off, pushes work again.
 */

const DEVELOPER = 2;

describe('read-only mode with skopeo, podman and docker', () => {
  let core: CoreHarness;
  let registry: RegistryHarness;
  let work: string;
  let layout: string;
  let host: string;
  let alice: TestUser;
  const first: Image = buildImage({ label: 'read-only-e2e first', layers: [baseLayer('read-only e2e'), randomLayer('first.bin', 200 * 1024)] });
  const second: Image = buildImage({ label: 'read-only-e2e second', layers: [baseLayer('read-only e2e'), randomLayer('second.bin', 200 * 1024)] });

  const authfile = join(tmpdir(), `wharf-e2e-ro-auth-${randomBytes(6).toString('hex')}.json`);
  const ref = (repository: string, tag: string) => dockerRef(host, repository, tag);
  const push = (tag: string, target: string) =>
    skopeo(['copy', DEST_INSECURE, '--dest-authfile', authfile, '--preserve-digests', `oci:${layout}:${tag}`, ref('maint/app', target)]);
  async function pull(tag: string): Promise<{ code: number | null; stderr: string; dir: string }> {
    const dir = await mkdtemp(join(work, 'pull-'));
    const res = await skopeo(['copy', SRC_INSECURE, '--src-authfile', authfile, '--preserve-digests', ref('maint/app', tag), `oci:${dir}:${tag}`]);
    return { code: res.code, stderr: res.stderr, dir };
  }
  const tags = async () =>
    (JSON.parse((await skopeoOk(['list-tags', INSECURE, '--authfile', authfile, `docker://${host}/maint/app`])).stdout) as { Tags: string[] }).Tags.sort();
  /** Switches the mode through core's API, then waits out the registry's copy of the old value. */
  async function setReadOnly(on: boolean): Promise<void> {
    const res = await api(core.url, 'PUT', '/api/v2.0/configurations', { auth: core.adminAuth, body: { read_only: on } });
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, READ_ONLY_CACHE_MS + 200));
  }

  beforeAll(async () => {
    // Lower case only: podman names an image pulled from an OCI layout after the layout's path.
    work = join(tmpdir(), `wharf-e2e-ro-${randomBytes(6).toString('hex')}`);
    await mkdir(work);
    layout = join(work, 'src');
    await writeLayout(layout, { first, second });
    core = await startTestCore();
    registry = await startTokenRegistry(core);
    host = registry.url.replace(/^http:\/\//, '');
    alice = await createTestUser(core.url, core.adminAuth, 'alice', 'Alice12345');
    await createTestProject(core.url, core.adminAuth, 'maint');
    await addTestMember(core.url, core.adminAuth, 'maint', 'alice', DEVELOPER);
    await skopeoOk(['login', INSECURE, '--authfile', authfile, '--username', alice.username, '--password', alice.password, host]);
    await skopeoOk(['copy', DEST_INSECURE, '--dest-authfile', authfile, '--preserve-digests', `oci:${layout}:first`, ref('maint/app', 'v1')]);
  }, 120_000);

  afterAll(async () => {
    killRunningSkopeo();
    await api(core.url, 'PUT', '/api/v2.0/configurations', { auth: core.adminAuth, body: { read_only: false } }).catch(() => undefined);
    await registry?.close();
    await core?.close();
    if (work) await rm(work, { recursive: true, force: true });
    await rm(authfile, { force: true });
  }, 30_000);

  it('skopeo: pushes and deletions are refused with Harbor\'s message while pulls and logins go on; off again, the push goes through', async () => {
    await setReadOnly(true);

    // New layers: refused at the first upload.
    const refused = await push('second', 'v2');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`denied: ${READ_ONLY_MESSAGE}`);
    // Every blob already there: refused at the manifest.
    const retag = await push('first', 'latest');
    expect(retag.code).toBe(1);
    expect(retag.stderr).toContain(`denied: ${READ_ONLY_MESSAGE}`);
    const deleted = await skopeo(['delete', INSECURE, '--authfile', authfile, ref('maint/app', 'v1')]);
    expect(deleted.code).toBe(1);
    expect(deleted.stderr).toContain(READ_ONLY_MESSAGE);
    expect(await tags()).toEqual(['v1']);

    // A fresh login still gets its token, and the pull is byte for byte.
    const login = await skopeo(['login', INSECURE, '--authfile', authfile, '--username', alice.username, '--password', alice.password, host]);
    expect({ code: login.code, stderr: login.stderr }).toEqual({ code: 0, stderr: '' });
    const pulled = await pull('v1');
    expect(pulled.code).toBe(0);
    expect(await compareLayout(pulled.dir, 'v1', first)).toEqual(faithfulCopyOf(first));

    await setReadOnly(false);
    const again = await push('second', 'v2');
    expect({ code: again.code, stderr: again.stderr }).toEqual({ code: 0, stderr: '' });
    expect(await tags()).toEqual(['v1', 'v2']);
    const back = await pull('v2');
    expect(await compareLayout(back.dir, 'v2', second)).toEqual(faithfulCopyOf(second));
  });

  describe('podman', () => {
    let podman: Podman;
    beforeAll(async () => {
      podman = await Podman.create();
    });
    afterAll(async () => {
      await podman?.dispose();
    });

    it('pulls while read-only, is refused a push with the message shown, and pushes once it is off', async () => {
      const loaded = await podman.run(['pull', `oci:${layout}:second`]);
      expect({ code: loaded.code, stderr: loaded.code === 0 ? '' : loaded.stderr }).toEqual({ code: 0, stderr: '' });
      const localId = loaded.stdout.trim().split('\n').pop() ?? '';
      const loggedIn = await podman.run(['login', '--tls-verify=false', '--username', alice.username, '--password', alice.password, host]);
      expect(loggedIn.code).toBe(0);
      await setReadOnly(true);

      const pulled = await podman.run(['pull', '--tls-verify=false', `${host}/maint/app:v1`]);
      expect({ code: pulled.code, stderr: pulled.code === 0 ? '' : pulled.stderr }).toEqual({ code: 0, stderr: '' });
      const refused = await podman.run(['push', '--tls-verify=false', localId, `docker://${host}/maint/podman:v1`]);
      expect(refused.code).toBe(125);
      expect(refused.stderr).toContain(`denied: ${READ_ONLY_MESSAGE}`);

      await setReadOnly(false);
      const pushed = await podman.run(['push', '--tls-verify=false', localId, `docker://${host}/maint/podman:v1`]);
      expect({ code: pushed.code, stderr: pushed.code === 0 ? '' : pushed.stderr }).toEqual({ code: 0, stderr: '' });
    });
  });

  describe('docker', () => {
    let skipReason: string | undefined;
    let dockerd: PrivateDockerd | undefined;
    const docker = (args: string[]) => run('docker', ['-H', dockerd?.host ?? '', ...args], { DOCKER_CONFIG: dockerd?.configDir ?? '' });

    beforeAll(async () => {
      if (!installed('dockerd')) {
        skipReason = 'dockerd is not installed';
        return;
      }
      const started = await startPrivateDockerd(join(work, 'docker'));
      if ('skipReason' in started) skipReason = started.skipReason;
      else dockerd = started;
    }, 90_000);

    afterAll(async () => {
      await dockerd?.stop();
    }, 30_000);

    it('docker pull works while read-only; docker push is refused with the message and works once it is off', async () => {
      if (skipReason) {
        console.warn(`skipping the Docker CLI test: ${skipReason}`);
        return;
      }
      // Docker treats 127.0.0.0/8 as an insecure registry: plain HTTP needs no set-up.
      const archive = join(work, 'docker-image.tar');
      await skopeoOk(['copy', `oci:${layout}:second`, `docker-archive:${archive}:${host}/maint/docker:v1`]);
      expect((await docker(['load', '-i', archive])).code).toBe(0);
      const login = await docker(['login', '--username', alice.username, '--password', alice.password, host]);
      expect(login.stdout + login.stderr).toMatch(/Login Succeeded/);
      await setReadOnly(true);

      const pulled = await docker(['pull', `${host}/maint/app:v1`]);
      expect({ code: pulled.code, stderr: pulled.code === 0 ? '' : pulled.stderr }).toEqual({ code: 0, stderr: '' });
      const refused = await docker(['push', `${host}/maint/docker:v1`]);
      expect(refused.code).not.toBe(0);
      expect(refused.stdout + refused.stderr).toContain(`denied: ${READ_ONLY_MESSAGE}`);

      await setReadOnly(false);
      const pushed = await docker(['push', `${host}/maint/docker:v1`]);
      expect({ code: pushed.code, stderr: pushed.code === 0 ? '' : pushed.stderr }).toEqual({ code: 0, stderr: '' });
    });
  });
});

/** A command with a deadline; its exit code and output. */
function run(command: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function installed(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}
