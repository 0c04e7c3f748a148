import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCorpus } from './corpus';
import { DistributionTree, WharfTree } from './trees';

describe('storage trees', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'wharf-gc-trees-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const written = new Date('2026-01-02T03:04:05Z');
  const wharf = new WharfTree(join(tmp, 'wharf'), written);
  const dist = new DistributionTree(join(tmp, 'dist'));
  const corpus = generateCorpus({ blobs: 6, artifacts: 4, repositories: 2, runId: '00112233aabb' }, (b, parts) => {
    wharf.write(b, parts);
    dist.write(b, parts);
  });
  dist.writeLinks(corpus);

  it("puts Wharf's blobs where its filesystem driver reads them, as old as asked", () => {
    const b = corpus.garbage[0].blob;
    const file = join(tmp, 'wharf', 'blobs', 'sha256', b.hex.slice(0, 2), b.hex);
    expect(statSync(file).size).toBe(b.size);
    expect(statSync(file).mtime.toISOString()).toBe(written.toISOString());
  });

  it("lays distribution's blobs and links out as paths.go does", () => {
    const v2 = join(tmp, 'dist', 'docker', 'registry', 'v2');
    const a = corpus.artifacts[1];
    const repo = join(v2, 'repositories', corpus.repositories[a.repository].name);
    expect(statSync(join(v2, 'blobs', 'sha256', a.manifest.hex.slice(0, 2), a.manifest.hex, 'data')).size).toBe(a.manifest.size);
    expect(readFileSync(join(repo, '_manifests', 'revisions', 'sha256', a.manifest.hex, 'link'), 'utf8')).toBe(`sha256:${a.manifest.hex}`);
    expect(readFileSync(join(repo, '_manifests', 'tags', a.tag, 'current', 'link'), 'utf8')).toBe(`sha256:${a.manifest.hex}`);
    expect(existsSync(join(repo, '_manifests', 'tags', a.tag, 'index', 'sha256', a.manifest.hex, 'link'))).toBe(true);
    for (const l of [a.config, ...a.layers]) expect(readFileSync(join(repo, '_layers', 'sha256', l.hex, 'link'), 'utf8')).toBe(`sha256:${l.hex}`);
    const g = corpus.garbage[0];
    expect(existsSync(join(v2, 'repositories', corpus.repositories[g.repository].name, '_layers', 'sha256', g.blob.hex, 'link'))).toBe(true);
    expect(dist.countBlobs()).toBe(corpus.sequence.length);
  });
});
