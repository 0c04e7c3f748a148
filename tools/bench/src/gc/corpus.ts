import { createHash, randomBytes } from 'node:crypto';

/** One blob as both registries record it: `sha256:<hex>` of `size` bytes. */
export interface BlobInfo {
  hex: string;
  size: number;
}

export interface ArtifactInfo {
  repository: number;
  tag: string;
  manifest: BlobInfo;
  config: BlobInfo;
  /** Its repository's shared base layer first, then 1-2 layers of its own. */
  layers: BlobInfo[];
}

export interface RepositoryInfo {
  name: string;
  project: string;
}

/** What the benchmark registry holds; the bytes went to the writer and are not kept. */
export interface Corpus {
  projects: string[];
  repositories: RepositoryInfo[];
  artifacts: ArtifactInfo[];
  /** Unreferenced blobs, each uploaded to one repository: what GC must delete. */
  garbage: { repository: number; blob: BlobInfo }[];
  /** Blobs some artifact references (manifests, configs, layers), each once: what GC must keep. */
  kept: BlobInfo[];
  /** Every blob in the order it was generated (the order rows are inserted in). */
  sequence: BlobInfo[];
  keptBytes: number;
  garbageBytes: number;
}

export interface CorpusPlan {
  blobs: number;
  artifacts: number;
  repositories: number;
  /** Makes the digests of this run's content its own. */
  runId: string;
}

/** Receives each blob's content once, as pieces to write in order. */
export type BlobSink = (blob: BlobInfo, parts: Buffer[]) => void;

export const PROJECTS = 4;
/** Base layers per repository, each shared by the artifacts built on it. */
const BASE_LAYERS = 4;
const KiB = 1024;

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';

/** A small seeded generator: sizes and offsets only, so its quality hardly matters. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Names that are valid in both registries (distribution's grammar is the stricter one). */
export function repositoryNames(runId: string, repositories: number): RepositoryInfo[] {
  const width = String(repositories - 1).length;
  return Array.from({ length: repositories }, (_, i) => {
    const project = `gcbench-${runId}-${i % PROJECTS}`;
    return { project, name: `${project}/app-${String(i).padStart(width, '0')}` };
  });
}

/** How many of `total` items the `index`-th of `parts` groups gets (groups differ by at most one). */
export function share(total: number, parts: number, index: number): number {
  return Math.floor((total * (index + 1)) / parts) - Math.floor((total * index) / parts);
}

/**
 * Generates the registry's content and hands every blob to `sink`: per repository, a few base
 * layers, then its artifacts with the repository's unreferenced blobs interleaved, so that blob ids
 * (insertion order) mix garbage and referenced blobs as pushes and abandoned uploads do. Layers and
 * loose blobs are 1-4 KiB of random bytes; configs and manifests are real OCI JSON (distribution
 * parses every manifest while marking).
 */
export function generateCorpus(plan: CorpusPlan, sink: BlobSink): Corpus {
  const random = prng(Number.parseInt(plan.runId.slice(0, 8), 16) || 1);
  const pool = randomBytes(4 * 1024 * KiB);
  const salt = Buffer.from(plan.runId.padEnd(16, '0').slice(0, 16), 'hex');
  let counter = 0;
  const sequence: BlobInfo[] = [];

  const emit = (parts: Buffer[]): BlobInfo => {
    const hash = createHash('sha256');
    let size = 0;
    for (const p of parts) {
      hash.update(p);
      size += p.length;
    }
    const blob = { hex: hash.digest('hex'), size };
    sink(blob, parts);
    sequence.push(blob);
    return blob;
  };
  /** Random bytes with a unique prefix: a layer's or an abandoned upload's content. */
  const randomBlob = (): BlobInfo => {
    const size = KiB + Math.floor(random() * 3 * KiB);
    const header = Buffer.alloc(16);
    salt.copy(header, 0, 0, 8);
    header.writeBigUInt64BE(BigInt(counter++), 8);
    const offset = Math.floor(random() * (pool.length - size));
    return emit([header, pool.subarray(offset, offset + size - header.length)]);
  };
  const json = (value: unknown): BlobInfo => emit([Buffer.from(JSON.stringify(value))]);

  const repositories = repositoryNames(plan.runId, plan.repositories);
  const artifacts: ArtifactInfo[] = [];
  const garbage: Corpus['garbage'] = [];
  const kept: BlobInfo[] = [];
  for (const [r, repo] of repositories.entries()) {
    const artifactCount = share(plan.artifacts, plan.repositories, r);
    const garbageCount = share(plan.blobs, plan.repositories, r);
    const bases = Array.from({ length: Math.min(BASE_LAYERS, artifactCount) }, randomBlob);
    kept.push(...bases);
    for (let a = 0; a < artifactCount; a++) {
      const layers = [bases[a % bases.length] as BlobInfo, ...Array.from({ length: 1 + (a % 2) }, randomBlob)];
      const tag = `v${a}`;
      const config = json({
        architecture: 'amd64',
        os: 'linux',
        created: '2026-11-21T00:00:00Z',
        config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['/app'], Labels: { 'org.example.image': `${repo.name}:${tag}` } },
        rootfs: { type: 'layers', diff_ids: layers.map((l) => `sha256:${createHash('sha256').update(l.hex).digest('hex')}`) },
        history: layers.map((_, i) => ({ created: '2026-11-21T00:00:00Z', created_by: `step ${i}` })),
      });
      const manifest = json({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: { mediaType: OCI_CONFIG, digest: `sha256:${config.hex}`, size: config.size },
        layers: layers.map((l) => ({ mediaType: OCI_LAYER, digest: `sha256:${l.hex}`, size: l.size })),
      });
      kept.push(...layers.slice(1), config, manifest);
      artifacts.push({ repository: r, tag, manifest, config, layers });
      for (let g = share(garbageCount, artifactCount, a); g > 0; g--) garbage.push({ repository: r, blob: randomBlob() });
    }
  }
  const sum = (blobs: BlobInfo[]) => blobs.reduce((n, b) => n + b.size, 0);
  return {
    projects: [...new Set(repositories.map((r) => r.project))],
    repositories,
    artifacts,
    garbage,
    kept,
    sequence,
    keptBytes: sum(kept),
    garbageBytes: sum(garbage.map((g) => g.blob)),
  };
}
