import {
  isIndexMediaType,
  isManifestMediaType,
  isSchema1MediaType,
  MANIFEST_MEDIA_TYPES,
  MediaType,
  normalizeContentType,
} from './media-types';

describe('MediaType', () => {
  it('spells the registered types exactly', () => {
    expect(MediaType).toMatchObject({
      OCI_MANIFEST: 'application/vnd.oci.image.manifest.v1+json',
      OCI_INDEX: 'application/vnd.oci.image.index.v1+json',
      OCI_ARTIFACT_MANIFEST: 'application/vnd.oci.artifact.manifest.v1+json',
      OCI_CONFIG: 'application/vnd.oci.image.config.v1+json',
      OCI_EMPTY: 'application/vnd.oci.empty.v1+json',
      OCI_LAYER_TAR: 'application/vnd.oci.image.layer.v1.tar',
      OCI_LAYER_TAR_GZIP: 'application/vnd.oci.image.layer.v1.tar+gzip',
      OCI_LAYER_TAR_ZSTD: 'application/vnd.oci.image.layer.v1.tar+zstd',
      OCI_LAYER_NONDISTRIBUTABLE_TAR: 'application/vnd.oci.image.layer.nondistributable.v1.tar',
      OCI_LAYER_NONDISTRIBUTABLE_TAR_GZIP: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
      OCI_LAYER_NONDISTRIBUTABLE_TAR_ZSTD: 'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
      DOCKER_MANIFEST: 'application/vnd.docker.distribution.manifest.v2+json',
      DOCKER_MANIFEST_LIST: 'application/vnd.docker.distribution.manifest.list.v2+json',
      DOCKER_CONFIG: 'application/vnd.docker.container.image.v1+json',
      DOCKER_LAYER: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
      DOCKER_SCHEMA1: 'application/vnd.docker.distribution.manifest.v1+json',
      DOCKER_SCHEMA1_SIGNED: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
    });
  });
});

describe('MANIFEST_MEDIA_TYPES / isManifestMediaType', () => {
  it('lists exactly the five supported manifest types', () => {
    expect([...MANIFEST_MEDIA_TYPES].sort()).toEqual(
      [
        MediaType.OCI_MANIFEST,
        MediaType.OCI_INDEX,
        MediaType.OCI_ARTIFACT_MANIFEST,
        MediaType.DOCKER_MANIFEST,
        MediaType.DOCKER_MANIFEST_LIST,
      ].sort(),
    );
  });

  it.each(MANIFEST_MEDIA_TYPES)('accepts %s', (t) => {
    expect(isManifestMediaType(t)).toBe(true);
  });

  it.each([
    MediaType.OCI_CONFIG,
    MediaType.OCI_EMPTY,
    MediaType.DOCKER_LAYER,
    MediaType.DOCKER_SCHEMA1,
    MediaType.DOCKER_SCHEMA1_SIGNED,
    'application/json',
    'APPLICATION/VND.OCI.IMAGE.MANIFEST.V1+JSON',
    `${MediaType.OCI_MANIFEST}; charset=utf-8`,
    '',
    undefined,
  ])('rejects %p', (t) => {
    expect(isManifestMediaType(t)).toBe(false);
  });
});

describe('isIndexMediaType', () => {
  it('is true only for the OCI index and the Docker manifest list', () => {
    expect(isIndexMediaType(MediaType.OCI_INDEX)).toBe(true);
    expect(isIndexMediaType(MediaType.DOCKER_MANIFEST_LIST)).toBe(true);
    expect(isIndexMediaType(MediaType.OCI_MANIFEST)).toBe(false);
    expect(isIndexMediaType(MediaType.DOCKER_MANIFEST)).toBe(false);
    expect(isIndexMediaType(MediaType.OCI_ARTIFACT_MANIFEST)).toBe(false);
    expect(isIndexMediaType(undefined)).toBe(false);
  });
});

describe('isSchema1MediaType', () => {
  it('recognises both schema 1 spellings and nothing else', () => {
    expect(isSchema1MediaType(MediaType.DOCKER_SCHEMA1)).toBe(true);
    expect(isSchema1MediaType(MediaType.DOCKER_SCHEMA1_SIGNED)).toBe(true);
    expect(isSchema1MediaType(MediaType.DOCKER_MANIFEST)).toBe(false);
    expect(isSchema1MediaType(undefined)).toBe(false);
  });
});

describe('normalizeContentType', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['   ', undefined],
    ['; charset=utf-8', undefined],
    ['application/json', 'application/json'],
    ['application/json; charset=utf-8', 'application/json'],
    ['  Application/VND.OCI.Image.Manifest.v1+JSON ;charset=UTF-8', MediaType.OCI_MANIFEST],
    ['application/vnd.docker.distribution.manifest.v2+json;q=0.9;x=y', MediaType.DOCKER_MANIFEST],
  ])('%p -> %p', (input, expected) => {
    expect(normalizeContentType(input)).toBe(expected);
  });
});
