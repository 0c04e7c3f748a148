import type { RetentionVerdict } from '@wharf/policy';
import { planDeletions, type RepoArtifact, RepositoryGraph } from './retention-plan';

const T0 = new Date('2026-01-01T00:00:00Z');

function a(id: string, over: Partial<RepoArtifact> = {}): RepoArtifact {
  return { id, digest: `sha256:${id}`, tags: [], pushTime: T0, pullTime: null, subjectDigest: null, parentIds: [], childIds: [], ...over };
}

/** An index `id` listing `children` (their parentIds must name it too). */
function graphOf(...artifacts: RepoArtifact[]): RepositoryGraph {
  return new RepositoryGraph(artifacts);
}

const del = (artifact: RepoArtifact): RetentionVerdict => ({ artifact, retain: false, reasons: ['no rule selects its tags'] });
const keep = (artifact: RepoArtifact): RetentionVerdict => ({ artifact, retain: true, reasons: ['retained by rule 1'] });
const never = () => false;

describe('RepositoryGraph', () => {
  const index = a('idx', { tags: ['multi'], childIds: ['amd64', 'arm64'] });
  const amd64 = a('amd64', { parentIds: ['idx'] });
  const arm64 = a('arm64', { parentIds: ['idx'], tags: ['arm-only'] });
  const image = a('img', { tags: ['v1'] });
  const signature = a('sig', { subjectDigest: 'sha256:img', tags: ['sha256-img.sig'] });
  const loose = a('loose');
  const dangling = a('dangling', { subjectDigest: 'sha256:gone' });

  it('weighs what the API lists: tagged artifacts and untagged ones standing alone', () => {
    const g = graphOf(index, amd64, arm64, image, signature, loose, dangling);
    expect(g.candidates().map((c) => c.id)).toEqual(['idx', 'arm64', 'img', 'loose', 'dangling']);
  });

  it('takes an index with its untagged children, not a tagged one', () => {
    expect(graphOf(index, amd64, arm64).closure('idx')).toEqual({ ids: ['idx', 'amd64'] });
  });

  it('takes accessories whatever their tags', () => {
    expect(graphOf(image, signature).closure('img')).toEqual({ ids: ['img', 'sig'] });
  });

  it('keeps a child another index still lists', () => {
    const other = a('other', { tags: ['x'], childIds: ['amd64'] });
    const shared = a('amd64', { parentIds: ['idx', 'other'] });
    expect(graphOf(index, shared, arm64, other).closure('idx')).toEqual({ ids: ['idx'] });
  });

  it('cannot delete what an index lists, nor an artifact whose accessory an index lists', () => {
    expect(graphOf(index, amd64, arm64).closure('arm64')).toEqual({ blockedBy: 'the index sha256:idx lists it' });
    const listedSig = a('sig', { subjectDigest: 'sha256:img', parentIds: ['idx'] });
    expect(graphOf(index, listedSig, image).closure('img')).toEqual({ blockedBy: 'its accessory sha256:sig cannot go: the index sha256:idx lists it' });
  });
});

describe('planDeletions', () => {
  it('deletes an index before the tagged child it lists, so both can go', () => {
    const index = a('idx', { tags: ['multi'], childIds: ['amd64', 'arm64'] });
    const amd64 = a('amd64', { parentIds: ['idx'] });
    const arm64 = a('arm64', { parentIds: ['idx'], tags: ['arm-only'] });
    const plan = planDeletions(graphOf(index, amd64, arm64), [del(arm64), del(index)], never);
    expect(plan.deletions.map((d) => [d.artifact.id, d.closureIds])).toEqual([
      ['idx', ['idx', 'amd64']],
      ['arm64', ['arm64']],
    ]);
    expect(plan.items.map((i) => i.retain)).toEqual([false, false]);
    expect(plan.deletions[0]!.with.map((w) => w.id)).toEqual(['amd64']);
  });

  it('keeps a tagged child whose index stays, saying why', () => {
    const index = a('idx', { tags: ['multi'], childIds: ['arm64'] });
    const arm64 = a('arm64', { parentIds: ['idx'], tags: ['arm-only'] });
    const plan = planDeletions(graphOf(index, arm64), [keep(index), del(arm64)], never);
    expect(plan.deletions).toEqual([]);
    expect(plan.items[1]).toMatchObject({ retain: true, reasons: ['no rule selects its tags', 'kept: the index sha256:idx lists it'] });
  });

  it('plans each deletion against what the earlier ones leave: a child shared by two doomed indexes goes with the second', () => {
    const first = a('i1', { tags: ['a'], childIds: ['c'] });
    const second = a('i2', { tags: ['b'], childIds: ['c'] });
    const child = a('c', { parentIds: ['i1', 'i2'] });
    const plan = planDeletions(graphOf(first, second, child), [del(first), del(second)], never);
    expect(plan.deletions.map((d) => d.closureIds)).toEqual([['i1'], ['i2', 'c']]);
  });

  it('keeps an artifact whose deletion would take an immutable tag along', () => {
    const image = a('img', { tags: ['v1'] });
    const signature = a('sig', { subjectDigest: 'sha256:img', tags: ['locked'] });
    const plan = planDeletions(graphOf(image, signature), [del(image)], (tag) => tag === 'locked');
    expect(plan.deletions).toEqual([]);
    expect(plan.items[0]!.retain).toBe(true);
    expect(plan.items[0]!.reasons).toContain('kept: sha256:sig would go with it and carries the immutable tag locked');
  });

  it('leaves retained artifacts out of the deletions', () => {
    const x = a('x', { tags: ['x'] });
    const y = a('y', { tags: ['y'] });
    const plan = planDeletions(graphOf(x, y), [keep(x), del(y)], never);
    expect(plan.deletions.map((d) => d.artifact.id)).toEqual(['y']);
  });
});
