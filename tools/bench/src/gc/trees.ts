import { closeSync, existsSync, futimesSync, mkdirSync, openSync, readdirSync, writeFileSync, writevSync } from 'node:fs';
import { join } from 'node:path';
import type { BlobInfo, Corpus, RepositoryInfo } from './corpus';

/*
 * Both registries' storage written directly, with plain synchronous calls (one thread, no
 * round trips): 100,000 small files take seconds this way, minutes through either registry's API.
 */

const HEX = '0123456789abcdef';
const PREFIXES = [...HEX].flatMap((a) => [...HEX].map((b) => a + b));

function writeFile(path: string, parts: Buffer[], mtime?: Date): void {
  const fd = openSync(path, 'w');
  try {
    writevSync(fd, parts);
    if (mtime) futimesSync(fd, mtime, mtime);
  } finally {
    closeSync(fd);
  }
}

/** Wharf's filesystem driver layout: <root>/blobs/sha256/<2 hex>/<hex> (libs/storage). */
export class WharfTree {
  private readonly blobsDir: string;

  /** `written`: the files' modification time; GC only removes bytes older than half its window. */
  constructor(
    readonly root: string,
    private readonly written: Date,
  ) {
    this.blobsDir = join(root, 'blobs', 'sha256');
    for (const p of PREFIXES) mkdirSync(join(this.blobsDir, p), { recursive: true });
  }

  readonly write = (blob: BlobInfo, parts: Buffer[]): void => writeFile(this.blobPath(blob.hex), parts, this.written);

  blobPath(hex: string): string {
    return join(this.blobsDir, hex.slice(0, 2), hex);
  }
}

/**
 * distribution's filesystem layout (registry/storage/paths.go), under <root>/docker/registry/v2:
 *
 *   blobs/sha256/<2 hex>/<hex>/data                             the bytes
 *   repositories/<name>/_layers/sha256/<hex>/link               a blob uploaded or mounted into <name>
 *   repositories/<name>/_manifests/revisions/sha256/<hex>/link  a manifest pushed to <name>
 *   repositories/<name>/_manifests/tags/<tag>/current/link      the manifest <tag> points at
 *   repositories/<name>/_manifests/tags/<tag>/index/sha256/<hex>/link   every manifest it pointed at
 *
 * A link file holds the digest ("sha256:<hex>", no newline). garbage-collect finds repositories by
 * their _layers directory, marks each revision and what its manifest references, and deletes every
 * blob directory not marked.
 */
export class DistributionTree {
  readonly v2: string;
  private readonly blobsDir: string;

  constructor(readonly root: string) {
    this.v2 = join(root, 'docker', 'registry', 'v2');
    this.blobsDir = join(this.v2, 'blobs', 'sha256');
    for (const p of PREFIXES) mkdirSync(join(this.blobsDir, p), { recursive: true });
  }

  readonly write = (blob: BlobInfo, parts: Buffer[]): void => {
    const dir = this.blobDir(blob.hex);
    mkdirSync(dir);
    writeFile(join(dir, 'data'), parts);
  };

  blobDir(hex: string): string {
    return join(this.blobsDir, hex.slice(0, 2), hex);
  }

  /** The repositories' links: as pushes leave them, loose uploads included. */
  writeLinks(corpus: Corpus): void {
    const repoDir = (r: number) => join(this.v2, 'repositories', (corpus.repositories[r] as RepositoryInfo).name);
    const link = (dir: string, hex: string) => {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'link'), `sha256:${hex}`);
    };
    const layerLinked = new Set<string>();
    const linkLayer = (r: number, hex: string) => {
      const key = `${r}/${hex}`;
      if (layerLinked.has(key)) return;
      layerLinked.add(key);
      link(join(repoDir(r), '_layers', 'sha256', hex), hex);
    };
    for (const a of corpus.artifacts) {
      const dir = repoDir(a.repository);
      for (const l of a.layers) linkLayer(a.repository, l.hex);
      linkLayer(a.repository, a.config.hex);
      link(join(dir, '_manifests', 'revisions', 'sha256', a.manifest.hex), a.manifest.hex);
      link(join(dir, '_manifests', 'tags', a.tag, 'current'), a.manifest.hex);
      link(join(dir, '_manifests', 'tags', a.tag, 'index', 'sha256', a.manifest.hex), a.manifest.hex);
    }
    for (const g of corpus.garbage) linkLayer(g.repository, g.blob.hex);
  }

  /** Blob directories present now. */
  countBlobs(): number {
    let n = 0;
    for (const p of PREFIXES) {
      const dir = join(this.blobsDir, p);
      if (existsSync(dir)) n += readdirSync(dir).length;
    }
    return n;
  }

  hasBlob(hex: string): boolean {
    return existsSync(join(this.blobDir(hex), 'data'));
  }

  /** Writes the configuration garbage-collect reads; returns its path. */
  writeConfig(path: string): string {
    writeFileSync(
      path,
      ['version: 0.1', 'log:', '  level: error', 'storage:', '  filesystem:', `    rootdirectory: ${this.root}`, '  delete:', '    enabled: true', ''].join('\n'),
    );
    return path;
  }
}
