import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// Core (the copy API and the token service) and the registry together, as deployed.
import { addTestMember, api, Artifact, baseLayer, buildImage, buildIndex, compareLayout, createTestProject, createTestUser, DEST_INSECURE, dockerRef, faithfulCopyOf, Image, INSECURE, killRunningSkopeo, randomLayer, skopeo, skopeoOk, SRC_INSECURE, TestUser, writeLayout } from '@wharf/testing';
import { CoreHarness, startTestCore } from '../../core/src/testing';
import { RegistryHarness, startTokenRegistry } from '../../registry/src/testing';

/**
 * Harbor's artifact copy with a real client on both ends: skopeo pushes a multi-arch image, the
 * API copies it into another project, and skopeo pulls it, byte for byte, from the new place,
 * although the registry had just answered that the place held nothing (its caches learn of the
 * copy before the API answers). The pulls then show in the API as Harbor shows them: the
 * repository's pull_count, the artifact's and the tag's pull_time.
 */

const DEVELOPER = 2;

describe('artifact copy with skopeo', () => {
  let core: CoreHarness;
  let registry: RegistryHarness;
  let work: string;
  let layout: string;
  let host: string;
  let dave: TestUser;
  const children: Image[] = [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64' },
  ].map((platform) =>
    buildImage({ platform, label: `copy-e2e ${platform.architecture}`, layers: [baseLayer('copy e2e'), randomLayer(`${platform.architecture}.bin`, 128 * 1024)] }),
  );
  const multi: Artifact = buildIndex(children);
  const authfile = join(tmpdir(), `wharf-e2e-copy-auth-${randomBytes(6).toString('hex')}.json`);
  const ref = (repository: string, reference: string) => dockerRef(host, repository, reference);

  async function pull(repository: string, reference: string): Promise<{ code: number | null; stderr: string; dir: string }> {
    const dir = await mkdtemp(join(work, 'pull-'));
    const res = await skopeo(['copy', '--all', SRC_INSECURE, '--src-authfile', authfile, '--preserve-digests', ref(repository, reference), `oci:${dir}:got`]);
    return { code: res.code, stderr: res.stderr, dir };
  }

  beforeAll(async () => {
    work = join(tmpdir(), `wharf-e2e-copy-${randomBytes(6).toString('hex')}`);
    await mkdir(work);
    layout = join(work, 'src');
    await writeLayout(layout, { multi });
    core = await startTestCore();
    // Pull statistics reach the database every half second here (10 s by default).
    registry = await startTokenRegistry(core, { pullFlushMs: 500 });
    host = registry.url.replace(/^http:\/\//, '');
    dave = await createTestUser(core.url, core.adminAuth, 'dave', 'Dave12345678');
    for (const project of ['builds', 'releases']) {
      await createTestProject(core.url, core.adminAuth, project);
      await addTestMember(core.url, core.adminAuth, project, 'dave', DEVELOPER);
    }
    await skopeoOk(['login', INSECURE, '--authfile', authfile, '--username', dave.username, '--password', dave.password, host]);
    await skopeoOk(['copy', '--all', DEST_INSECURE, '--dest-authfile', authfile, '--preserve-digests', `oci:${layout}:multi`, ref('builds/app', 'v1')]);
  }, 120_000);

  afterAll(async () => {
    killRunningSkopeo();
    await registry?.close();
    await core?.close();
    if (work) await rm(work, { recursive: true, force: true });
    await rm(authfile, { force: true });
  }, 30_000);

  it('pulls the copy of a pushed index from the new repository, every byte as pushed', async () => {
    // Looked up before the copy: the registry answers (and may cache) that there is nothing.
    const before = await pull('releases/app', 'v1');
    expect(before.code).not.toBe(0);

    const res = await api(core.url, 'POST', '/api/v2.0/projects/releases/repositories/app/artifacts?from=builds/app:v1', { auth: dave.auth });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe('/api/v2.0/projects/releases/repositories/app/artifacts/v1');

    const after = await pull('releases/app', 'v1');
    expect({ code: after.code, stderr: after.code === 0 ? '' : after.stderr }).toEqual({ code: 0, stderr: '' });
    expect(await compareLayout(after.dir, 'got', multi)).toEqual(faithfulCopyOf(multi));
    // Each child by digest too, and the tag list of the new repository.
    for (const child of children) expect((await pull('releases/app', child.descriptor.digest)).code).toBe(0);
    const tags = JSON.parse((await skopeoOk(['list-tags', INSECURE, '--authfile', authfile, `docker://${host}/releases/app`])).stdout) as { Tags: string[] };
    expect(tags.Tags).toEqual(['v1']);
  });

  it('shows the pulls of the new repository in the API once the registry has moved them', async () => {
    interface Repo { pull_count: number }
    interface Art { pull_time: string; tags: { name: string; pull_time: string }[] }
    const view = async () => {
      const repo = await api<Repo>(core.url, 'GET', '/api/v2.0/projects/releases/repositories/app', { auth: dave.auth });
      const art = await api<Art>(core.url, 'GET', '/api/v2.0/projects/releases/repositories/app/artifacts/v1', { auth: dave.auth });
      return { count: repo.body.pull_count, artifact: art.body.pull_time, tag: art.body.tags[0].pull_time };
    };
    const zero = '0001-01-01T00:00:00.000Z';
    let seen = await view();
    for (let i = 0; i < 40 && (seen.count === 0 || seen.tag === zero); i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      seen = await view();
    }
    expect(seen.count).toBeGreaterThan(0);
    expect(seen.artifact).not.toBe(zero);
    expect(seen.tag).not.toBe(zero);
    // Another pull of the index: its manifest and both children's are GETs, each a pull.
    const before = seen.count;
    expect((await pull('releases/app', 'v1')).code).toBe(0);
    for (let i = 0; i < 40 && seen.count < before + 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      seen = await view();
    }
    expect(seen.count).toBeGreaterThanOrEqual(before + 3);
  });
});
