import { rewriteRegistryUrl } from './route-rewrite';

describe('rewriteRegistryUrl', () => {
  it.each([
    ['/v2/team/app/api/manifests/latest', '/v2/team%2Fapp%2Fapi/manifests/latest'],
    ['/v2/a/b/blobs/uploads/', '/v2/a%2Fb/blobs/uploads/'],
    ['/v2/a/b/blobs/uploads/abc-123?digest=sha256:00', '/v2/a%2Fb/blobs/uploads/abc-123?digest=sha256:00'],
    ['/v2/a/b/blobs/sha256:abc', '/v2/a%2Fb/blobs/sha256:abc'],
    ['/v2/a/b/tags/list?n=1', '/v2/a%2Fb/tags/list?n=1'],
    ['/v2/a/b/referrers/sha256:abc?artifactType=x', '/v2/a%2Fb/referrers/sha256:abc?artifactType=x'],
    // Greedy: a repository may be named x/blobs.
    ['/v2/x/blobs/blobs/sha256:abc', '/v2/x%2Fblobs/blobs/sha256:abc'],
    ['/v2/x/manifests/manifests/v1', '/v2/x%2Fmanifests/manifests/v1'],
  ])('%s -> %s', (input, expected) => {
    expect(rewriteRegistryUrl(input)).toBe(expected);
  });

  it.each(['/v2/', '/v2/_catalog', '/v2/single/manifests/v1', '/healthz', '/v2/a/b/unknown/x'])('leaves %s alone', (url) => {
    expect(rewriteRegistryUrl(url)).toBe(url);
  });
});
