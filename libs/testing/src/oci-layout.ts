import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { tar, TarEntry } from './tar-writer';

/**
 * OCI images made by the test itself, and OCI image layouts (image-layout spec v1.0) written and
 * read directly: what skopeo pushes from and pulls into, so every byte can be compared.
 */

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const REF_NAME = 'org.opencontainers.image.ref.name';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
}

/** Something a layout can hold under a tag: a manifest or an index, plus every blob it needs. */
export interface Artifact {
  descriptor: Descriptor;
  /** The manifest's (or index's) exact bytes. */
  bytes: Buffer;
  /** Every blob reachable from it, its own bytes included, by digest. */
  blobs: Map<string, Buffer>;
}

export interface Image extends Artifact {
  config: Buffer;
  layers: Descriptor[];
  diffIds: string[];
}

export function sha256(data: Buffer | string): string {
  return 'sha256:' + createHash('sha256').update(data).digest('hex');
}

function descriptorOf(mediaType: string, data: Buffer): Descriptor {
  return { mediaType, digest: sha256(data), size: data.length };
}

export interface ImageSpec {
  /** Each layer's tar entries, base layer first. */
  layers: TarEntry[][];
  platform?: Platform;
  /** Distinguishes images whose layers are alike (it lands in the config). */
  label?: string;
  /** zlib level for the layers; random content does not compress, so 1 saves time there. */
  gzipLevel?: number;
}

export function buildImage(spec: ImageSpec): Image {
  const platform = spec.platform ?? { os: 'linux', architecture: 'amd64' };
  const blobs = new Map<string, Buffer>();
  const diffIds: string[] = [];
  const layers: Descriptor[] = [];
  for (const entries of spec.layers) {
    const raw = tar(entries);
    const gz = gzipSync(raw, { level: spec.gzipLevel ?? 6 });
    diffIds.push(sha256(raw));
    const d = descriptorOf(OCI_LAYER_GZIP, gz);
    layers.push(d);
    blobs.set(d.digest, gz);
  }
  const config = Buffer.from(
    JSON.stringify({
      created: '2024-01-01T00:00:00Z',
      architecture: platform.architecture,
      os: platform.os,
      ...(platform.variant ? { variant: platform.variant } : {}),
      config: {
        Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
        Cmd: ['/bin/app'],
        WorkingDir: '/',
        Labels: { 'org.example.e2e': spec.label ?? 'wharf' },
      },
      rootfs: { type: 'layers', diff_ids: diffIds },
      history: diffIds.map((_, i) => ({ created: '2024-01-01T00:00:00Z', created_by: `e2e layer ${i}` })),
    }),
  );
  const configDescriptor = descriptorOf(OCI_CONFIG, config);
  blobs.set(configDescriptor.digest, config);
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: configDescriptor,
      layers,
      annotations: { 'org.opencontainers.image.title': spec.label ?? 'wharf e2e image' },
    }),
  );
  const descriptor = { ...descriptorOf(OCI_MANIFEST, bytes), platform };
  blobs.set(descriptor.digest, bytes);
  return { descriptor, bytes, blobs, config, layers, diffIds };
}

export function buildIndex(children: Image[]): Artifact {
  const blobs = new Map<string, Buffer>();
  for (const child of children) for (const [digest, data] of child.blobs) blobs.set(digest, data);
  const bytes = Buffer.from(
    JSON.stringify(
      {
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: children.map((c) => c.descriptor),
        annotations: { 'org.opencontainers.image.description': 'wharf e2e multi-arch' },
      },
      null,
      2, // indented on purpose: the registry must keep the bytes, not re-serialize them
    ),
  );
  const descriptor = descriptorOf(OCI_INDEX, bytes);
  blobs.set(descriptor.digest, bytes);
  return { descriptor, bytes, blobs };
}

/** A small filesystem tree: a base layer, as an image's first layer would be. */
export function baseLayer(name: string): TarEntry[] {
  return [
    { type: 'dir', path: 'bin' },
    { type: 'file', path: 'bin/app', data: `#!/bin/sh\necho ${name}\n`, mode: 0o755 },
    { type: 'symlink', path: 'bin/start', target: 'app' },
    { type: 'dir', path: 'etc' },
    { type: 'file', path: 'etc/motd', data: `welcome to ${name}\n` },
    { type: 'file', path: 'etc/os-release', data: 'ID=wharf-e2e\nVERSION_ID=1\n' },
  ];
}

/** A layer holding one file of random bytes: incompressible, so its size is what is sent. */
export function randomLayer(path: string, size: number): TarEntry[] {
  return [
    { type: 'dir', path: 'data' },
    { type: 'file', path: `data/${path}`, data: randomBytes(size) },
  ];
}

/** Writes an OCI image layout holding the artifacts under the given tags. */
export async function writeLayout(dir: string, tagged: Record<string, Artifact>): Promise<void> {
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const written = new Set<string>();
  const manifests: Descriptor[] = [];
  for (const [tag, artifact] of Object.entries(tagged)) {
    for (const [digest, data] of artifact.blobs) {
      if (written.has(digest)) continue;
      written.add(digest);
      await writeFile(blobPath(dir, digest), data);
    }
    const { mediaType, digest, size } = artifact.descriptor;
    manifests.push({ mediaType, digest, size, annotations: { [REF_NAME]: tag } });
  }
  await writeFile(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests }));
}

export function blobPath(dir: string, digest: string): string {
  const [algorithm, hex] = digest.split(':');
  return join(dir, 'blobs', algorithm, hex);
}

/** The top-level descriptor a layout holds under a tag. */
export async function resolveTag(dir: string, tag: string): Promise<Descriptor> {
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as { manifests: Descriptor[] };
  const found = index.manifests.filter((d) => d.annotations?.[REF_NAME] === tag);
  if (found.length !== 1) throw new Error(`layout ${dir} holds ${found.length} manifests tagged ${tag}`);
  return found[0];
}

/** Every blob file in a layout, by digest. */
export async function readLayoutBlobs(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const hex of await readdir(join(dir, 'blobs', 'sha256'))) {
    out.set(`sha256:${hex}`, await readFile(join(dir, 'blobs', 'sha256', hex)));
  }
  return out;
}

export interface BlobMismatch {
  digest: string;
  expectedSize: number;
  actualSize: number | null;
  actualSha256: string | null;
}

/**
 * Compares what a pull wrote into a fresh layout with the source artifact: the tag's descriptor,
 * and the exact set of blobs with their exact bytes. Returns a summary meant for `toEqual`, so that
 * a failure names digests rather than dumping megabytes.
 */
export async function compareLayout(
  dir: string,
  tag: string,
  expected: Artifact,
  blobsExpected: Map<string, Buffer> = expected.blobs,
): Promise<{ digest: string; mediaType: string; extraBlobs: string[]; mismatches: BlobMismatch[] }> {
  const descriptor = await resolveTag(dir, tag);
  const actual = await readLayoutBlobs(dir);
  const mismatches: BlobMismatch[] = [];
  for (const [digest, data] of blobsExpected) {
    const got = actual.get(digest);
    if (got && got.equals(data)) continue;
    mismatches.push({ digest, expectedSize: data.length, actualSize: got?.length ?? null, actualSha256: got ? sha256(got) : null });
  }
  return {
    digest: descriptor.digest,
    mediaType: descriptor.mediaType,
    extraBlobs: [...actual.keys()].filter((d) => !blobsExpected.has(d)).sort(),
    mismatches,
  };
}

/** What `compareLayout` returns for a faithful copy. */
export function faithfulCopyOf(expected: Artifact): { digest: string; mediaType: string; extraBlobs: string[]; mismatches: BlobMismatch[] } {
  return { digest: expected.descriptor.digest, mediaType: expected.descriptor.mediaType, extraBlobs: [], mismatches: [] };
}

/**
 * What a layout (written by another tool, e.g. umoci) holds under a tag: the manifest or index
 * and every blob reachable from it, read back from the layout's files.
 */
export async function artifactFromLayout(dir: string, tag: string): Promise<Artifact> {
  const descriptor = await resolveTag(dir, tag);
  const blobs = new Map<string, Buffer>();
  const visit = async (d: Descriptor): Promise<Buffer> => {
    const data = await readFile(blobPath(dir, d.digest));
    if (sha256(data) !== d.digest) throw new Error(`layout blob ${d.digest} does not match its digest`);
    blobs.set(d.digest, data);
    if (d.mediaType === OCI_INDEX) {
      const index = JSON.parse(data.toString('utf8')) as { manifests: Descriptor[] };
      for (const child of index.manifests) await visit(child);
    } else if (d.mediaType === OCI_MANIFEST) {
      const manifest = JSON.parse(data.toString('utf8')) as { config: Descriptor; layers: Descriptor[] };
      for (const blob of [manifest.config, ...manifest.layers]) await visit(blob);
    }
    return data;
  };
  const bytes = await visit(descriptor);
  return { descriptor, bytes, blobs };
}
