import { createHash } from 'node:crypto';
import { type BlobInfo, generateCorpus, repositoryNames, share } from './corpus';

describe('generateCorpus', () => {
  const contents = new Map<string, Buffer>();
  const corpus = generateCorpus({ blobs: 50, artifacts: 30, repositories: 3, runId: 'a1b2c3d4e5f6' }, (blob, parts) => {
    contents.set(blob.hex, Buffer.concat(parts));
  });
  const hexes = (blobs: BlobInfo[]) => blobs.map((b) => b.hex);

  it('hands every blob to the sink once, named by the sha256 of its bytes', () => {
    expect(contents.size).toBe(corpus.sequence.length);
    for (const b of corpus.sequence) {
      const bytes = contents.get(b.hex) as Buffer;
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(b.hex);
      expect(bytes.length).toBe(b.size);
    }
  });

  it('splits the blobs into garbage and what the artifacts reference, with nothing in both', () => {
    expect(corpus.garbage).toHaveLength(50);
    expect(corpus.artifacts).toHaveLength(30);
    const kept = new Set(hexes(corpus.kept));
    expect(kept.size).toBe(corpus.kept.length);
    for (const g of corpus.garbage) expect(kept.has(g.blob.hex)).toBe(false);
    for (const a of corpus.artifacts) for (const b of [a.manifest, a.config, ...a.layers]) expect(kept.has(b.hex)).toBe(true);
    expect(corpus.kept.length + corpus.garbage.length).toBe(corpus.sequence.length);
    for (const b of corpus.garbage) expect(b.blob.size).toBeGreaterThanOrEqual(1024);
  });

  it('writes manifests that reference their config and layers, some layers shared', () => {
    const a = corpus.artifacts[5];
    const manifest = JSON.parse((contents.get(a.manifest.hex) as Buffer).toString());
    expect(manifest).toMatchObject({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json' });
    expect(manifest.config).toEqual({ mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${a.config.hex}`, size: a.config.size });
    expect(manifest.layers.map((l: { digest: string }) => l.digest)).toEqual(a.layers.map((l) => `sha256:${l.hex}`));
    const firstLayers = corpus.artifacts.map((x) => x.layers[0].hex);
    expect(new Set(firstLayers).size).toBeLessThan(firstLayers.length);
  });

  it('gives two runs different content', () => {
    const other = generateCorpus({ blobs: 50, artifacts: 12, repositories: 3, runId: '0f0e0d0c0b0a' }, () => undefined);
    const mine = new Set(hexes(corpus.sequence));
    expect(other.sequence.some((b) => mine.has(b.hex))).toBe(false);
  });
});

describe('share', () => {
  it('splits a total into groups that differ by at most one and add up', () => {
    const parts = Array.from({ length: 7 }, (_, i) => share(100, 7, i));
    expect(parts.reduce((a, b) => a + b, 0)).toBe(100);
    expect(Math.max(...parts) - Math.min(...parts)).toBeLessThanOrEqual(1);
  });
});

describe('repositoryNames', () => {
  it('spreads repositories over a few projects with names distribution accepts', () => {
    const names = repositoryNames('abc123', 12);
    expect(new Set(names.map((n) => n.project)).size).toBe(4);
    for (const n of names) expect(n.name).toMatch(/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)+$/);
  });
});
