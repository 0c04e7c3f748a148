import { artifactPath, deletionOrder } from './delete-artifacts';

describe('deleting artifacts', () => {
  it('deletes indexes before the rest, keeping the order within each group', () => {
    expect(deletionOrder(['sha256:c1', 'sha256:i1', 'sha256:c2', 'sha256:i2'], new Set(['sha256:i1', 'sha256:i2']))).toEqual(['sha256:i1', 'sha256:i2', 'sha256:c1', 'sha256:c2']);
    expect(deletionOrder([], new Set())).toEqual([]);
  });

  it('addresses nested repositories and digests as the API wants them', () => {
    expect(artifactPath('demo', 'a/b', 'sha256:ab')).toBe('/api/v2.0/projects/demo/repositories/a%252Fb/artifacts/sha256%3Aab');
  });
});
