import { resolveManifestMediaType } from './manifest-media-type';
import { MediaType } from './media-types';
import { catchOciError } from './testing/catch-oci-error';

const image = { schemaVersion: 2, config: {}, layers: [] };

describe('resolveManifestMediaType', () => {
  it('takes a supported Content-Type, with parameters and any case', () => {
    expect(resolveManifestMediaType(image, MediaType.OCI_MANIFEST)).toBe(MediaType.OCI_MANIFEST);
    expect(resolveManifestMediaType(image, `${MediaType.DOCKER_MANIFEST}; charset=utf-8`)).toBe(MediaType.DOCKER_MANIFEST);
    expect(resolveManifestMediaType(image, MediaType.OCI_INDEX.toUpperCase())).toBe(MediaType.OCI_INDEX);
  });

  it('accepts a body mediaType equal to the Content-Type', () => {
    const doc = { ...image, mediaType: MediaType.OCI_MANIFEST };
    expect(resolveManifestMediaType(doc, MediaType.OCI_MANIFEST)).toBe(MediaType.OCI_MANIFEST);
  });

  it('refuses a body mediaType that differs from the Content-Type', () => {
    const doc = { ...image, mediaType: MediaType.DOCKER_MANIFEST };
    const err = catchOciError(() => resolveManifestMediaType(doc, MediaType.OCI_MANIFEST));
    expect(err.code).toBe('MANIFEST_INVALID');
    expect(err.message).toContain(MediaType.DOCKER_MANIFEST);
    expect(err.message).toContain(MediaType.OCI_MANIFEST);
  });

  it.each([undefined, '', 'application/json', 'application/json; charset=utf-8', 'application/octet-stream', '*/*'])(
    'falls back to the body mediaType when Content-Type is %p',
    (ct) => {
      expect(resolveManifestMediaType({ ...image, mediaType: MediaType.DOCKER_MANIFEST }, ct)).toBe(MediaType.DOCKER_MANIFEST);
    },
  );

  it.each([
    [{ schemaVersion: 2, manifests: [] }, MediaType.OCI_INDEX],
    [{ schemaVersion: 2, config: {}, layers: [] }, MediaType.OCI_MANIFEST],
    [{ artifactType: 'application/x', blobs: [] }, MediaType.OCI_ARTIFACT_MANIFEST],
    [{ artifactType: 'application/x' }, MediaType.OCI_ARTIFACT_MANIFEST],
    [{ blobs: [] }, MediaType.OCI_ARTIFACT_MANIFEST],
    [{ manifests: 'not-an-array' }, MediaType.OCI_INDEX],
  ])('infers %p as %s', (doc, expected) => {
    expect(resolveManifestMediaType(doc, undefined)).toBe(expected);
    expect(resolveManifestMediaType(doc, 'application/json')).toBe(expected);
  });

  it('says when nothing identifies the manifest', () => {
    const err = catchOciError(() => resolveManifestMediaType({ schemaVersion: 2 }, undefined));
    expect(err.code).toBe('MANIFEST_INVALID');
    expect(err.message).toMatch(/cannot be inferred/);
  });

  it.each([
    ['schema 1 Content-Type', image, MediaType.DOCKER_SCHEMA1],
    ['signed schema 1 Content-Type', image, MediaType.DOCKER_SCHEMA1_SIGNED],
    ['schema 1 body mediaType', { ...image, mediaType: MediaType.DOCKER_SCHEMA1 }, undefined],
    ['schemaVersion 1 body', { schemaVersion: 1, name: 'x', tag: 'y', fsLayers: [] }, undefined],
    ['schemaVersion 1 body under a v2 Content-Type', { schemaVersion: 1, fsLayers: [] }, MediaType.DOCKER_MANIFEST],
  ])('refuses %s', (_label, doc, ct) => {
    const err = catchOciError(() => resolveManifestMediaType(doc, ct));
    expect(err.code).toBe('MANIFEST_INVALID');
    expect(err.message).toBe('schema 1 manifests are not supported');
  });

  it('names an unsupported Content-Type', () => {
    const err = catchOciError(() => resolveManifestMediaType(image, 'text/plain'));
    expect(err.message).toBe('unsupported manifest media type "text/plain"');
    expect(catchOciError(() => resolveManifestMediaType(image, MediaType.OCI_CONFIG)).message).toContain(MediaType.OCI_CONFIG);
  });

  it('names an unsupported body mediaType', () => {
    const doc = { ...image, mediaType: 'application/vnd.example.manifest+json' };
    const err = catchOciError(() => resolveManifestMediaType(doc, undefined));
    expect(err.message).toBe('unsupported manifest media type "application/vnd.example.manifest+json"');
  });

  it('refuses a body mediaType that is not a string', () => {
    expect(catchOciError(() => resolveManifestMediaType({ ...image, mediaType: 5 }, undefined)).message).toBe(
      'mediaType must be a string',
    );
  });
});
