import { artifactHref, isIndex, isNever, platformLabel, quotaPercent, repositoryHref, repositoryInProject } from './artifact-helpers';

describe('artifact helpers', () => {
  it('recognizes OCI indexes and Docker manifest lists', () => {
    expect(isIndex({ manifest_media_type: 'application/vnd.oci.image.index.v1+json', media_type: 'application/vnd.oci.image.index.v1+json' })).toBe(true);
    expect(isIndex({ manifest_media_type: 'application/vnd.docker.distribution.manifest.list.v2+json', media_type: 'x' })).toBe(true);
    expect(isIndex({ manifest_media_type: 'application/vnd.oci.image.manifest.v1+json', media_type: 'application/vnd.oci.image.config.v1+json' })).toBe(false);
  });

  it('labels platforms as os/arch/variant', () => {
    expect(platformLabel({ os: 'linux', architecture: 'arm64', variant: 'v8' })).toBe('linux/arm64/v8');
    expect(platformLabel({ os: 'linux', architecture: 'amd64' })).toBe('linux/amd64');
    expect(platformLabel({ os: 'windows', architecture: 'amd64', 'os.version': '10.0.17763.1' })).toBe('windows/amd64 (10.0.17763.1)');
    expect(platformLabel(undefined)).toBe('');
  });

  it('takes the project off a repository name only when it is there', () => {
    expect(repositoryInProject('demo/app', 'demo')).toBe('app');
    expect(repositoryInProject('demo/a/b', 'demo')).toBe('a/b');
    expect(repositoryInProject('demo2/app', 'demo')).toBe('demo2/app');
  });

  it('encodes nested names and digests into one path segment each', () => {
    expect(repositoryHref(3, 'a/b')).toBe('/harbor/projects/3/repositories/a%2Fb');
    expect(artifactHref(3, 'a/b', 'sha256:ab')).toBe('/harbor/projects/3/repositories/a%2Fb/artifacts-tab/artifacts/sha256%3Aab');
  });

  it("treats Harbor's zero time as never", () => {
    expect(isNever('0001-01-01T00:00:00.000Z')).toBe(true);
    expect(isNever('')).toBe(true);
    expect(isNever('2026-12-07T18:00:41.318Z')).toBe(false);
  });

  it('works out quota use, with no share for an unlimited quota', () => {
    expect(quotaPercent(512, 1024)).toBe(50);
    expect(quotaPercent(2048, 1024)).toBe(100);
    expect(quotaPercent(10, -1)).toBeUndefined();
    expect(quotaPercent(undefined, 10)).toBeUndefined();
    expect(quotaPercent(0, 0)).toBe(0);
  });
});
