import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Artifact, artifactFromLayout, baseLayer, buildImage, buildIndex, compareLayout, DEST_INSECURE, dockerRef, faithfulCopyOf, Image, INSECURE, killRunningSkopeo, randomLayer, RegistryProcess, skopeo, skopeoOk, SRC_INSECURE, writeLayout } from '@wharf/testing';

/**
 * Real client, real process: skopeo pushes test-made OCI layouts to the built registry and pulls
 * them back into fresh layouts, and every manifest and blob must come back byte for byte.
 */

const execFileAsync = promisify(execFile);
const MiB = 1024 * 1024;

/** Runs a setup step once, however many tests need it (so each test also runs alone with -t). */
function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= fn());
}

describe('skopeo round trips against the registry process', () => {
  let registry: RegistryProcess;
  let work: string;
  let srcLayout: string;

  // Four layers: a base tree, configuration with a path too long for a plain ustar name,
  // several MiB of random bytes, and a layer that deletes (whiteout) and replaces files.
  const multiLayer: Image = buildImage({
    label: 'multi-layer',
    layers: [
      baseLayer('multi-layer'),
      [
        { type: 'dir', path: 'etc/app' },
        { type: 'file', path: 'etc/app/config.json', data: JSON.stringify({ listen: ':8080', workers: 4 }) },
        { type: 'file', path: `opt/${'deeply/nested/'.repeat(8)}file-with-a-long-name.txt`, data: 'long path\n' },
      ],
      randomLayer('payload.bin', 6 * MiB),
      [
        { type: 'file', path: 'etc/.wh.motd', data: '' },
        { type: 'file', path: 'etc/os-release', data: 'ID=wharf-e2e\nVERSION_ID=2\n' },
      ],
    ],
  });
  const doomed: Image = buildImage({ label: 'to be deleted', layers: [baseLayer('doomed'), randomLayer('doomed.bin', 64 * 1024)] });
  const platforms = [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64' },
    { os: 'linux', architecture: 'arm', variant: 'v7' },
  ];
  const children: Image[] = platforms.map((platform) =>
    buildImage({
      platform,
      label: `multi-arch ${platform.architecture}${platform.variant ?? ''}`,
      layers: [baseLayer(`app for ${platform.architecture}`), randomLayer(`${platform.architecture}.bin`, 256 * 1024)],
    }),
  );
  const multiArch: Artifact = buildIndex(children);

  const tmp = (name: string) => mkdtemp(join(work, `${name}-`));
  const ref = (repository: string, reference: string) => dockerRef(registry.host, repository, reference);

  /** Pulls into a fresh layout and returns its directory. */
  async function pull(repository: string, reference: string, tag: string, extra: string[] = [], global: string[] = []): Promise<string> {
    const dir = await tmp('pull');
    await skopeoOk([...global, 'copy', SRC_INSECURE, ...extra, ref(repository, reference), `oci:${dir}:${tag}`]);
    return dir;
  }

  const pushMultiLayer = once(() => skopeoOk(['copy', DEST_INSECURE, '--preserve-digests', `oci:${srcLayout}:v1`, ref('team/app', 'v1')]));
  const pushMultiArch = once(() =>
    skopeoOk(['copy', '--all', DEST_INSECURE, '--preserve-digests', `oci:${srcLayout}:multi`, ref('team/app/multi', '1.0')]),
  );

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'wharf-e2e-skopeo-'));
    srcLayout = join(work, 'src');
    await writeLayout(srcLayout, { v1: multiLayer, doomed, multi: multiArch });
    registry = await RegistryProcess.start({ workers: 1 });
  }, 60_000);

  afterAll(async () => {
    killRunningSkopeo();
    await registry?.dispose();
    if (work) await rm(work, { recursive: true, force: true });
  }, 30_000);

  it('pushes a four-layer image and pulls back the same manifest and blobs, byte for byte', async () => {
    await pushMultiLayer();
    const dir = await pull('team/app', 'v1', 'v1', ['--preserve-digests']);
    expect(await compareLayout(dir, 'v1', multiLayer)).toEqual(faithfulCopyOf(multiLayer));
  });

  it('skopeo inspect shows the pushed manifest: --raw bytes, digest, layers, config', async () => {
    await pushMultiLayer();
    const raw = await skopeoOk(['inspect', INSECURE, '--raw', ref('team/app', 'v1')]);
    expect(raw.stdout).toBe(multiLayer.bytes.toString('utf8'));
    const config = await skopeoOk(['inspect', INSECURE, '--config', '--raw', ref('team/app', 'v1')]);
    expect(config.stdout).toBe(multiLayer.config.toString('utf8'));

    const info = JSON.parse((await skopeoOk(['inspect', INSECURE, ref('team/app', 'v1')])).stdout) as {
      Name: string;
      Digest: string;
      RepoTags: string[];
      Architecture: string;
      Os: string;
      Layers: string[];
      Labels: Record<string, string>;
    };
    expect(info).toMatchObject({
      Name: `${registry.host}/team/app`,
      Digest: multiLayer.descriptor.digest,
      Architecture: 'amd64',
      Os: 'linux',
      Layers: multiLayer.layers.map((l) => l.digest),
      Labels: { 'org.example.e2e': 'multi-layer' },
    });
    expect(info.RepoTags).toContain('v1');
  });

  it('copies a multi-arch index with --all: the index, every child manifest and every blob come back identical', async () => {
    await pushMultiArch();
    const dir = await pull('team/app/multi', '1.0', '1.0', ['--all', '--preserve-digests']);
    expect(await compareLayout(dir, '1.0', multiArch)).toEqual(faithfulCopyOf(multiArch));

    const raw = await skopeoOk(['inspect', INSECURE, '--raw', ref('team/app/multi', '1.0')]);
    expect(raw.stdout).toBe(multiArch.bytes.toString('utf8'));
    for (const child of children) {
      const childRaw = await skopeoOk(['inspect', INSECURE, '--raw', ref('team/app/multi', child.descriptor.digest)]);
      expect({ digest: child.descriptor.digest, raw: childRaw.stdout }).toEqual({ digest: child.descriptor.digest, raw: child.bytes.toString('utf8') });
    }
  });

  it('pulls one platform (linux/arm/v7) out of the index, byte for byte', async () => {
    await pushMultiArch();
    const armV7 = children[2];
    const dir = await pull('team/app/multi', '1.0', 'armv7', ['--preserve-digests'], ['--override-os', 'linux', '--override-arch', 'arm', '--override-variant', 'v7']);
    expect(await compareLayout(dir, 'armv7', armV7)).toEqual(faithfulCopyOf(armV7));
  });

  it('lists exactly the pushed tags of a multi-component repository, in lexical order', async () => {
    await pushMultiLayer();
    const repo = 'team/app/api';
    const tags = ['v1.1', 'latest', '1.0.0', 'v1', 'Z-upper', 'v1.0.0-rc.1'];
    // The first tag comes from the layout; the others are registry-to-registry copies
    // (cross-repository blob mounts and existence checks, then a manifest PUT per tag).
    await skopeoOk(['copy', DEST_INSECURE, '--preserve-digests', `oci:${srcLayout}:v1`, ref(repo, tags[0])]);
    for (const tag of tags.slice(1)) {
      await skopeoOk(['copy', SRC_INSECURE, DEST_INSECURE, '--preserve-digests', ref('team/app', 'v1'), ref(repo, tag)]);
    }
    const listed = JSON.parse((await skopeoOk(['list-tags', INSECURE, `docker://${registry.host}/${repo}`])).stdout) as { Repository: string; Tags: string[] };
    expect(listed).toEqual({ Repository: `${registry.host}/${repo}`, Tags: [...tags].sort() });

    const dir = await pull(repo, 'v1.0.0-rc.1', 'rc', ['--preserve-digests']);
    expect(await compareLayout(dir, 'rc', multiLayer)).toEqual(faithfulCopyOf(multiLayer));
  });

  it('skopeo delete removes the manifest: inspect fails, list-tags lacks the tag, other tags stay', async () => {
    await pushMultiLayer();
    const repo = 'team/app/del';
    await skopeoOk(['copy', SRC_INSECURE, DEST_INSECURE, '--preserve-digests', ref('team/app', 'v1'), ref(repo, 'keep')]);
    await skopeoOk(['copy', DEST_INSECURE, '--preserve-digests', `oci:${srcLayout}:doomed`, ref(repo, 'doomed')]);
    const before = JSON.parse((await skopeoOk(['list-tags', INSECURE, `docker://${registry.host}/${repo}`])).stdout) as { Tags: string[] };
    expect(before.Tags).toEqual(['doomed', 'keep']);

    await skopeoOk(['delete', INSECURE, ref(repo, 'doomed')]);

    const byTag = await skopeo(['inspect', INSECURE, '--raw', ref(repo, 'doomed')]);
    expect({ code: byTag.code, stderr: byTag.stderr }).toEqual({ code: 1, stderr: expect.stringMatching(/manifest unknown/i) });
    const byDigest = await skopeo(['inspect', INSECURE, '--raw', ref(repo, doomed.descriptor.digest)]);
    expect({ code: byDigest.code, stderr: byDigest.stderr }).toEqual({ code: 1, stderr: expect.stringMatching(/manifest unknown/i) });
    const res = await fetch(`${registry.url}/v2/${repo}/manifests/${doomed.descriptor.digest}`, { headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' } });
    expect(res.status).toBe(404);

    const after = JSON.parse((await skopeoOk(['list-tags', INSECURE, `docker://${registry.host}/${repo}`])).stdout) as { Tags: string[] };
    expect(after.Tags).toEqual(['keep']);
    const kept = await skopeoOk(['inspect', INSECURE, '--raw', ref(repo, 'keep')]);
    expect(kept.stdout).toBe(multiLayer.bytes.toString('utf8'));
  });

  it('round-trips an image built by umoci', async () => {
    const layout = join(await tmp('umoci'), 'image');
    const content = join(work, `hello-${randomBytes(4).toString('hex')}.txt`);
    await writeFile(content, `hello from umoci ${randomBytes(8).toString('hex')}\n`);
    const umoci = (...args: string[]) => execFileAsync('umoci', args, { timeout: 30_000 });
    await umoci('init', '--layout', layout);
    await umoci('new', '--image', `${layout}:base`);
    await umoci('insert', '--image', `${layout}:base`, content, '/opt/hello.txt');
    await umoci('config', '--image', `${layout}:base`, '--config.cmd', '/opt/hello.txt', '--config.label', 'built-by=umoci');
    await umoci('gc', '--layout', layout);
    const image = await artifactFromLayout(layout, 'base');

    await skopeoOk(['copy', DEST_INSECURE, '--preserve-digests', `oci:${layout}:base`, ref('team/umoci', 'base')]);
    const dir = await pull('team/umoci', 'base', 'base', ['--preserve-digests']);
    expect(await compareLayout(dir, 'base', image)).toEqual(faithfulCopyOf(image));
  });

  it('serves the same content after a restart on the same database and data directory', async () => {
    await pushMultiLayer();
    await pushMultiArch();
    const before = registry.pid;
    await registry.restart();
    expect(registry.pid).not.toBe(before);

    const single = await pull('team/app', 'v1', 'v1', ['--preserve-digests']);
    expect(await compareLayout(single, 'v1', multiLayer)).toEqual(faithfulCopyOf(multiLayer));
    const index = await pull('team/app/multi', '1.0', '1.0', ['--all', '--preserve-digests']);
    expect(await compareLayout(index, '1.0', multiArch)).toEqual(faithfulCopyOf(multiArch));
  });
});
