import * as oci from './index';

// Consumers import only '@wharf/oci'; this pins the public surface so nothing drops out of it.
describe('@wharf/oci public API', () => {
  it.each([
    'OciError',
    'ociErrorBody',
    'isManifestMediaType',
    'isIndexMediaType',
    'isSchema1MediaType',
    'normalizeContentType',
    'parseDigest',
    'isValidDigest',
    'digestOf',
    'verifyDigest',
    'createDigester',
    'DigestingTransform',
    'validateRepositoryName',
    'isValidRepositoryName',
    'validateTag',
    'isValidTag',
    'parseReference',
    'parseDescriptor',
    'parsePlatform',
    'isValidMediaType',
    'parseManifest',
    'referencedBlobs',
    'effectiveArtifactType',
    'checkDescriptorUrls',
    'descriptorUrlProblem',
    'jsonNestsDeeperThan',
    'unstorableTextReason',
  ])('exports the function %s', (name) => {
    expect(typeof (oci as Record<string, unknown>)[name]).toBe('function');
  });

  it('exports the constants', () => {
    expect(oci.OCI_ERRORS.MANIFEST_INVALID.status).toBe(400);
    expect(oci.MediaType.OCI_MANIFEST).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(oci.MANIFEST_MEDIA_TYPES).toHaveLength(5);
    expect(oci.MAX_MANIFEST_BYTES).toBe(4 * 1024 * 1024);
    expect(oci.MAX_REPOSITORY_NAME_LENGTH).toBe(255);
    expect(oci.MAX_TAG_LENGTH).toBe(128);
    expect(oci.MAX_JSON_DEPTH).toBe(64);
  });

  it('keeps internal helpers private', () => {
    expect(oci).not.toHaveProperty('manifestInvalid');
    expect(oci).not.toHaveProperty('resolveManifestMediaType');
  });
});
