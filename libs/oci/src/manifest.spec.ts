import { digestOf } from './digest';
import {
  effectiveArtifactType,
  MAX_MANIFEST_BYTES,
  parseManifest,
  referencedBlobs,
  type ParsedManifest,
} from './manifest';
import { MediaType } from './media-types';
import { catchOciError } from './testing/catch-oci-error';

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value, null, 3));

const d = (seed: string): string => digestOf(seed);

const EMPTY_DESCRIPTOR = {
  mediaType: MediaType.OCI_EMPTY,
  digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
  size: 2,
  data: 'e30=',
};

// As `docker push` sends it.
const dockerV2 = {
  schemaVersion: 2,
  mediaType: MediaType.DOCKER_MANIFEST,
  config: { mediaType: MediaType.DOCKER_CONFIG, size: 7023, digest: d('config') },
  layers: [
    { mediaType: MediaType.DOCKER_LAYER, size: 32654, digest: d('layer-0') },
    { mediaType: MediaType.DOCKER_LAYER, size: 16724, digest: d('layer-1') },
    { mediaType: MediaType.DOCKER_LAYER, size: 73109, digest: d('layer-2') },
  ],
};

const dockerList = {
  schemaVersion: 2,
  mediaType: MediaType.DOCKER_MANIFEST_LIST,
  manifests: [
    {
      mediaType: MediaType.DOCKER_MANIFEST,
      size: 7143,
      digest: d('amd64'),
      platform: { architecture: 'amd64', os: 'linux' },
    },
    {
      mediaType: MediaType.DOCKER_MANIFEST,
      size: 7682,
      digest: d('arm64'),
      platform: { architecture: 'arm64', os: 'linux', variant: 'v8' },
    },
    {
      mediaType: MediaType.DOCKER_MANIFEST,
      size: 7001,
      digest: d('windows'),
      platform: { architecture: 'amd64', os: 'windows', 'os.version': '10.0.17763.1040', 'os.features': ['win32k'] },
    },
  ],
};

const ociImage = {
  schemaVersion: 2,
  mediaType: MediaType.OCI_MANIFEST,
  config: { mediaType: MediaType.OCI_CONFIG, digest: d('oci-config'), size: 1470 },
  layers: [
    { mediaType: MediaType.OCI_LAYER_TAR_GZIP, digest: d('oci-layer-0'), size: 3208942 },
    { mediaType: MediaType.OCI_LAYER_TAR_ZSTD, digest: d('oci-layer-1'), size: 1024 },
  ],
  annotations: { 'org.opencontainers.image.created': '2024-05-01T12:00:00Z' },
};

const subject = { mediaType: MediaType.OCI_MANIFEST, digest: d('subject'), size: 1024 };

// An SBOM attached with `oras attach`: image-spec 1.1 artifact guidance.
const ociArtifactImage = {
  schemaVersion: 2,
  mediaType: MediaType.OCI_MANIFEST,
  artifactType: 'application/spdx+json',
  config: EMPTY_DESCRIPTOR,
  layers: [
    {
      mediaType: 'application/spdx+json',
      digest: d('sbom'),
      size: 4721,
      annotations: { 'org.opencontainers.image.title': 'sbom.spdx.json' },
    },
  ],
  subject,
  annotations: { 'org.opencontainers.image.created': '2024-05-01T12:00:00Z' },
};

const ociIndex = {
  schemaVersion: 2,
  mediaType: MediaType.OCI_INDEX,
  artifactType: 'application/vnd.example.bundle',
  manifests: [
    {
      mediaType: MediaType.OCI_MANIFEST,
      digest: d('idx-amd64'),
      size: 7143,
      platform: { architecture: 'amd64', os: 'linux' },
    },
    { mediaType: MediaType.OCI_MANIFEST, digest: d('idx-attestation'), size: 840, annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } },
  ],
  subject,
  annotations: { 'org.opencontainers.image.ref.name': 'v1' },
};

const artifactManifest = {
  mediaType: MediaType.OCI_ARTIFACT_MANIFEST,
  artifactType: 'application/vnd.cncf.notary.signature',
  blobs: [{ mediaType: 'application/jose+json', digest: d('signature'), size: 2000 }],
  subject,
  annotations: { 'io.cncf.notary.x509chain.thumbprint#S256': '["abc"]' },
};

function rejection(body: unknown, contentType?: string): { code: string; message: string } {
  const err = catchOciError(() => parseManifest(Buffer.isBuffer(body) ? body : json(body), contentType));
  return { code: err.code, message: err.message };
}

function invalid(body: unknown, contentType?: string): string {
  const { code, message } = rejection(body, contentType);
  expect(code).toBe('MANIFEST_INVALID');
  return message;
}

describe('parseManifest: the five media types', () => {
  it('parses a Docker v2 image manifest', () => {
    const m = parseManifest(json(dockerV2), MediaType.DOCKER_MANIFEST);
    expect(m).toEqual<ParsedManifest>({
      mediaType: MediaType.DOCKER_MANIFEST,
      kind: 'image',
      config: dockerV2.config,
      layers: dockerV2.layers,
      manifests: [],
    });
  });

  it('parses a Docker manifest list with platforms', () => {
    const m = parseManifest(json(dockerList), MediaType.DOCKER_MANIFEST_LIST);
    expect(m.kind).toBe('index');
    expect(m.mediaType).toBe(MediaType.DOCKER_MANIFEST_LIST);
    expect(m.config).toBeUndefined();
    expect(m.layers).toEqual([]);
    expect(m.manifests).toEqual(dockerList.manifests);
    expect(m.manifests[1].platform).toEqual({ architecture: 'arm64', os: 'linux', variant: 'v8' });
    expect(m.manifests[2].platform?.['os.version']).toBe('10.0.17763.1040');
  });

  it('parses an OCI image manifest', () => {
    const m = parseManifest(json(ociImage), MediaType.OCI_MANIFEST);
    expect(m).toEqual<ParsedManifest>({
      mediaType: MediaType.OCI_MANIFEST,
      kind: 'image',
      config: ociImage.config,
      layers: ociImage.layers,
      manifests: [],
      annotations: ociImage.annotations,
    });
  });

  it('parses an OCI manifest used as an artifact (artifactType, empty config, subject)', () => {
    const m = parseManifest(json(ociArtifactImage), MediaType.OCI_MANIFEST);
    expect(m).toEqual<ParsedManifest>({
      mediaType: MediaType.OCI_MANIFEST,
      kind: 'image',
      config: EMPTY_DESCRIPTOR,
      layers: ociArtifactImage.layers,
      manifests: [],
      subject,
      artifactType: 'application/spdx+json',
      annotations: ociArtifactImage.annotations,
    });
  });

  it('parses an OCI index with subject and artifactType', () => {
    const m = parseManifest(json(ociIndex), MediaType.OCI_INDEX);
    expect(m).toEqual<ParsedManifest>({
      mediaType: MediaType.OCI_INDEX,
      kind: 'index',
      layers: [],
      manifests: ociIndex.manifests,
      subject,
      artifactType: 'application/vnd.example.bundle',
      annotations: ociIndex.annotations,
    });
  });

  it('parses an OCI artifact manifest', () => {
    const m = parseManifest(json(artifactManifest), MediaType.OCI_ARTIFACT_MANIFEST);
    expect(m).toEqual<ParsedManifest>({
      mediaType: MediaType.OCI_ARTIFACT_MANIFEST,
      kind: 'artifact',
      layers: artifactManifest.blobs,
      manifests: [],
      subject,
      artifactType: 'application/vnd.cncf.notary.signature',
      annotations: artifactManifest.annotations,
    });
  });

  it('accepts an artifact manifest without blobs, and one that sends schemaVersion 2', () => {
    const { blobs: _blobs, ...noBlobs } = artifactManifest;
    expect(parseManifest(json(noBlobs)).layers).toEqual([]);
    expect(parseManifest(json({ ...artifactManifest, schemaVersion: 2 })).kind).toBe('artifact');
  });

  it('accepts empty layers for both OCI and Docker images, and an empty index', () => {
    expect(parseManifest(json({ ...ociImage, layers: [] })).layers).toEqual([]);
    expect(parseManifest(json({ ...dockerV2, layers: [] })).layers).toEqual([]);
    expect(parseManifest(json({ ...ociIndex, manifests: [] })).manifests).toEqual([]);
  });

  it('ignores subject, artifactType and annotations on Docker types', () => {
    const extras = { subject, artifactType: 'application/x', annotations: { a: 'b' } };
    const image = parseManifest(json({ ...dockerV2, ...extras }), MediaType.DOCKER_MANIFEST);
    const list = parseManifest(json({ ...dockerList, ...extras }), MediaType.DOCKER_MANIFEST_LIST);
    for (const m of [image, list]) {
      expect(m.subject).toBeUndefined();
      expect(m.artifactType).toBeUndefined();
      expect(m.annotations).toBeUndefined();
    }
  });

  it('allows unknown fields at the top level and in descriptors', () => {
    const body = {
      ...ociImage,
      'x-future': { nested: [1, 2] },
      layers: [{ ...ociImage.layers[0], 'x-hint': true }],
    };
    expect(parseManifest(json(body)).layers).toEqual([ociImage.layers[0]]);
  });

  it('accepts a Content-Type with parameters', () => {
    expect(parseManifest(json(ociImage), `${MediaType.OCI_MANIFEST}; charset=utf-8`).mediaType).toBe(
      MediaType.OCI_MANIFEST,
    );
  });
});

describe('parseManifest: media type resolution', () => {
  it('uses the body mediaType under a generic or missing Content-Type', () => {
    for (const ct of [undefined, 'application/json', 'application/octet-stream', '*/*']) {
      expect(parseManifest(json(dockerV2), ct).mediaType).toBe(MediaType.DOCKER_MANIFEST);
      expect(parseManifest(json(ociIndex), ct).mediaType).toBe(MediaType.OCI_INDEX);
    }
  });

  it('uses the Content-Type when the body has no mediaType', () => {
    const { mediaType: _m, ...body } = dockerV2;
    expect(parseManifest(json(body), MediaType.DOCKER_MANIFEST).mediaType).toBe(MediaType.DOCKER_MANIFEST);
  });

  it('infers the type when neither names it', () => {
    const strip = <T extends { mediaType: string }>({ mediaType: _m, ...rest }: T) => rest;
    expect(parseManifest(json(strip(ociImage))).mediaType).toBe(MediaType.OCI_MANIFEST);
    expect(parseManifest(json(strip(ociIndex))).mediaType).toBe(MediaType.OCI_INDEX);
    expect(parseManifest(json(strip(artifactManifest))).mediaType).toBe(MediaType.OCI_ARTIFACT_MANIFEST);
    expect(invalid({ schemaVersion: 2 })).toMatch(/cannot be inferred/);
  });

  it('refuses a body mediaType that differs from the Content-Type', () => {
    expect(invalid(ociImage, MediaType.DOCKER_MANIFEST)).toBe(
      `mediaType "${MediaType.OCI_MANIFEST}" in the manifest does not match Content-Type "${MediaType.DOCKER_MANIFEST}"`,
    );
    expect(invalid(ociIndex, MediaType.OCI_MANIFEST)).toMatch(/does not match Content-Type/);
  });

  it('refuses schema 1 in every form', () => {
    const schema1 = { schemaVersion: 1, name: 'library/x', tag: 'latest', architecture: 'amd64', fsLayers: [], history: [] };
    expect(invalid(schema1)).toBe('schema 1 manifests are not supported');
    expect(invalid(schema1, MediaType.DOCKER_SCHEMA1_SIGNED)).toBe('schema 1 manifests are not supported');
    expect(invalid(dockerV2, MediaType.DOCKER_SCHEMA1)).toBe('schema 1 manifests are not supported');
    expect(invalid({ ...schema1, mediaType: MediaType.DOCKER_SCHEMA1 })).toBe('schema 1 manifests are not supported');
  });

  it('names an unsupported Content-Type or body mediaType', () => {
    expect(invalid(ociImage, 'text/plain')).toBe('unsupported manifest media type "text/plain"');
    expect(invalid({ ...ociImage, mediaType: MediaType.OCI_CONFIG })).toBe(
      `unsupported manifest media type "${MediaType.OCI_CONFIG}"`,
    );
  });
});

describe('parseManifest: body rules', () => {
  it('refuses a body over MAX_MANIFEST_BYTES with MANIFEST_TOO_LARGE', () => {
    const err = catchOciError(() => parseManifest(Buffer.alloc(MAX_MANIFEST_BYTES + 1, 0x20), MediaType.OCI_MANIFEST));
    expect(err.code).toBe('MANIFEST_TOO_LARGE');
    expect(err.status).toBe(413);
  });

  it('accepts a body of exactly MAX_MANIFEST_BYTES', () => {
    const compact = Buffer.from(JSON.stringify(ociImage));
    const padded = Buffer.concat([compact, Buffer.alloc(MAX_MANIFEST_BYTES - compact.length, 0x20)]);
    expect(padded.length).toBe(MAX_MANIFEST_BYTES);
    expect(parseManifest(padded).kind).toBe('image');
  });

  it.each([
    ['empty body', Buffer.alloc(0), /not valid JSON/],
    ['truncated JSON', Buffer.from('{"schemaVersion": 2,'), /not valid JSON/],
    ['trailing garbage', Buffer.from(`${JSON.stringify(ociImage)}x`), /not valid JSON/],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), /not valid UTF-8/],
    ['a byte-order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json(ociImage)]), /not valid JSON/],
    ['an array', json([ociImage]), /must be a JSON object/],
    ['null', Buffer.from('null'), /must be a JSON object/],
    ['a number', Buffer.from('2'), /must be a JSON object/],
    ['a string', Buffer.from('"manifest"'), /must be a JSON object/],
  ])('refuses %s', (_label, body, message) => {
    expect(invalid(body, MediaType.OCI_MANIFEST)).toMatch(message);
  });

  it.each([
    ['missing', undefined],
    ['a string', '2'],
    ['3', 3],
    ['0', 0],
  ])('refuses schemaVersion %s on images and indexes', (_label, schemaVersion) => {
    expect(invalid({ ...ociImage, schemaVersion })).toBe('schemaVersion must be 2');
    expect(invalid({ ...dockerV2, schemaVersion })).toBe('schemaVersion must be 2');
    expect(invalid({ ...ociIndex, schemaVersion })).toBe('schemaVersion must be 2');
    expect(invalid({ ...dockerList, schemaVersion })).toBe('schemaVersion must be 2');
  });

  it('refuses a schemaVersion other than 2 on an artifact manifest', () => {
    expect(invalid({ ...artifactManifest, schemaVersion: 3 })).toBe('schemaVersion must be 2');
  });
});

describe('parseManifest: text PostgreSQL cannot store', () => {
  // JSON.stringify writes NUL and a lone surrogate as the escapes \u0000 and \ud800, as a client would send them.
  const withPlatform = (platform: Record<string, unknown>) => ({ ...ociIndex, manifests: [{ ...ociIndex.manifests[0], platform }] });
  const amd64 = { architecture: 'amd64', os: 'linux' };
  it.each([
    ['an annotation value', { ...ociImage, annotations: { a: 'x\u0000y' } }, 'annotations["a"] contains a NUL character (\\u0000)'],
    ['an annotation key', { ...ociImage, annotations: { 'a\u0000': 'x' } }, 'a key of annotations contains a NUL character (\\u0000)'],
    ['an annotation value with a lone high surrogate', { ...ociImage, annotations: { a: 'x\ud800' } }, 'annotations["a"] contains an unpaired UTF-16 surrogate (invalid Unicode)'],
    ['an annotation value with a lone low surrogate', { ...ociImage, annotations: { a: '\udc00x' } }, 'annotations["a"] contains an unpaired UTF-16 surrogate (invalid Unicode)'],
    ['artifactType', { ...ociArtifactImage, artifactType: 'application/x\u0000' }, 'artifactType contains a NUL character (\\u0000)'],
    ['artifactType of an artifact manifest', { ...artifactManifest, artifactType: 'application/\udfff' }, 'artifactType contains an unpaired UTF-16 surrogate (invalid Unicode)'],
    ['a layer annotation', { ...ociImage, layers: [{ ...ociImage.layers[0], annotations: { t: '\u0000' } }] }, 'layers[0].annotations["t"] contains a NUL character (\\u0000)'],
    ['a descriptor artifactType', { ...ociIndex, manifests: [{ ...ociIndex.manifests[0], artifactType: 'a/\ud800' }] }, 'manifests[0].artifactType contains an unpaired UTF-16 surrogate (invalid Unicode)'],
    ['a subject mediaType', { ...ociArtifactImage, subject: { ...subject, mediaType: 'application/x\u0000' } }, 'subject.mediaType contains a NUL character (\\u0000)'],
    ['platform.os', withPlatform({ ...amd64, os: 'linux\u0000' }), 'manifests[0].platform.os contains a NUL character (\\u0000)'],
    ['platform.architecture', withPlatform({ ...amd64, architecture: '\ud800' }), 'manifests[0].platform.architecture contains an unpaired UTF-16 surrogate (invalid Unicode)'],
    ['platform.variant', withPlatform({ ...amd64, variant: 'v8\u0000' }), 'manifests[0].platform.variant contains a NUL character (\\u0000)'],
    ['platform os.version', withPlatform({ ...amd64, 'os.version': '\udc00' }), 'manifests[0].platform.os.version contains an unpaired UTF-16 surrogate (invalid Unicode)'],
    ['platform os.features', withPlatform({ ...amd64, 'os.features': ['ok', 'win\u0000'] }), 'manifests[0].platform.os.features[1] contains a NUL character (\\u0000)'],
  ])('refuses %s with NUL or an unpaired surrogate, naming the field', (_what, body, message) => {
    expect(invalid(body)).toBe(message);
  });

  it('accepts characters outside the BMP (a proper surrogate pair) and other control characters', () => {
    const parsed = parseManifest(json({ ...ociImage, annotations: { a: 'ship \ud83d\udea2', b: 'tab\tbell\u0007' } }));
    expect(parsed.annotations).toEqual({ a: 'ship 🚢', b: 'tab\tbell\u0007' });
  });
});

describe('parseManifest: nesting depth', () => {
  const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
  const withExtra = (extra: string) => Buffer.from(`${JSON.stringify(ociImage).slice(0, -1)},"extra":${extra}}`);
  it('refuses a manifest nested deeper than the limit, even in an unknown field', () => {
    expect(invalid(withExtra(nested(50_000)))).toBe('manifest nests arrays and objects deeper than 64 levels');
    expect(invalid(withExtra(nested(64)))).toBe('manifest nests arrays and objects deeper than 64 levels');
  });

  it('accepts nesting up to the limit and does not count brackets inside strings', () => {
    expect(parseManifest(withExtra(nested(63))).kind).toBe('image');
    expect(parseManifest(withExtra(JSON.stringify('['.repeat(1000)))).kind).toBe('image');
    expect(parseManifest(withExtra(JSON.stringify('\\"['.repeat(1000)))).kind).toBe('image');
  });
});

describe('parseManifest: image manifests', () => {
  it('requires config', () => {
    const { config: _c, ...body } = ociImage;
    expect(invalid(body, MediaType.OCI_MANIFEST)).toBe('config is required');
    expect(invalid({ ...dockerV2, config: undefined })).toBe('config is required');
    expect(invalid({ ...ociImage, config: [] })).toBe('config must be an object');
  });

  it('requires layers to be an array', () => {
    expect(invalid({ ...ociImage, layers: undefined })).toBe('layers is required');
    expect(invalid({ ...dockerV2, layers: undefined })).toBe('layers is required');
    expect(invalid({ ...ociImage, layers: {} })).toBe('layers must be an array');
    expect(invalid({ ...ociImage, layers: [null] })).toBe('layers[0] must be an object');
  });

  it('names the layer with a bad digest', () => {
    const layers = [ociImage.layers[0], { ...ociImage.layers[1], digest: 'sha256:1234' }];
    expect(invalid({ ...ociImage, layers })).toMatch(/^layers\[1\]\.digest: /);
    const upper = [ociImage.layers[0], { ...ociImage.layers[1], digest: ociImage.layers[1].digest.toUpperCase() }];
    expect(invalid({ ...ociImage, layers: upper })).toMatch(/^layers\[1\]\.digest: /);
  });

  it('refuses a negative size', () => {
    expect(invalid({ ...ociImage, config: { ...ociImage.config, size: -1 } })).toBe(
      'config.size must be a non-negative integer',
    );
    const layers = [{ ...ociImage.layers[0], size: -5 }];
    expect(invalid({ ...dockerV2, layers })).toBe('layers[0].size must be a non-negative integer');
  });

  it('refuses a descriptor without a valid mediaType', () => {
    expect(invalid({ ...ociImage, config: { ...ociImage.config, mediaType: undefined } })).toBe(
      'config.mediaType is required',
    );
    expect(invalid({ ...ociImage, layers: [{ ...ociImage.layers[0], mediaType: 'gzip' }] })).toMatch(
      /^layers\[0\]\.mediaType "gzip" is not a valid media type/,
    );
  });

  it('checks embedded data against size and digest', () => {
    expect(invalid({ ...ociArtifactImage, config: { ...EMPTY_DESCRIPTOR, data: 'W10=' } })).toBe(
      'config.data does not match config.digest',
    );
    expect(invalid({ ...ociArtifactImage, config: { ...EMPTY_DESCRIPTOR, data: 'e30' } })).toMatch(/^config\.data /);
  });

  it('type-checks the OCI-only fields', () => {
    expect(invalid({ ...ociImage, subject: 'sha256:x' })).toBe('subject must be an object');
    expect(invalid({ ...ociImage, subject: { ...subject, size: '1' } })).toBe('subject.size must be a non-negative integer');
    expect(invalid({ ...ociImage, artifactType: 42 })).toBe('artifactType must be a string');
    expect(invalid({ ...ociImage, artifactType: '' })).toBe('artifactType must not be empty');
    expect(invalid({ ...ociImage, annotations: { created: 2024 } })).toBe('annotations["created"] must be a string');
    expect(invalid({ ...ociImage, annotations: 'x' })).toBe('annotations must be an object of strings');
  });

  it('refuses an image that also carries manifests (ambiguous, CVE-2021-41190)', () => {
    expect(invalid({ ...ociImage, manifests: [] })).toBe('an image manifest must not have a manifests field');
    expect(invalid({ ...dockerV2, manifests: dockerList.manifests })).toMatch(/must not have a manifests field/);
  });
});

describe('parseManifest: indexes', () => {
  it('requires manifests to be an array of descriptors', () => {
    expect(invalid({ ...ociIndex, manifests: undefined })).toBe('manifests is required');
    expect(invalid({ ...dockerList, manifests: undefined })).toBe('manifests is required');
    expect(invalid({ ...ociIndex, manifests: {} })).toBe('manifests must be an array');
    const manifests = [dockerList.manifests[0], { ...dockerList.manifests[1], digest: 'sha256:zz' }];
    expect(invalid({ ...dockerList, manifests })).toMatch(/^manifests\[1\]\.digest: /);
  });

  it('validates platforms', () => {
    const noArch = [dockerList.manifests[0], { ...dockerList.manifests[1], platform: { os: 'linux' } }];
    expect(invalid({ ...dockerList, manifests: noArch })).toBe('manifests[1].platform.architecture is required');
    const badOs = [{ ...ociIndex.manifests[0], platform: { architecture: 'amd64', os: 1 } }];
    expect(invalid({ ...ociIndex, manifests: badOs })).toBe('manifests[0].platform.os must be a string');
    const notObject = [{ ...ociIndex.manifests[0], platform: 'linux/amd64' }];
    expect(invalid({ ...ociIndex, manifests: notObject })).toBe('manifests[0].platform must be an object');
  });

  it('refuses an index that also carries config or layers (ambiguous, CVE-2021-41190)', () => {
    expect(invalid({ ...ociIndex, layers: [] })).toBe('an index must not have a layers field');
    expect(invalid({ ...dockerList, config: dockerV2.config })).toBe('an index must not have a config field');
    // Without a mediaType the body could be read either way.
    const { mediaType: _m, ...ambiguous } = { ...ociIndex, config: ociImage.config, layers: ociImage.layers };
    expect(invalid(ambiguous)).toMatch(/^an index must not have a (config|layers) field$/);
  });

  it('type-checks subject and annotations on OCI indexes', () => {
    expect(invalid({ ...ociIndex, subject: { ...subject, digest: 'sha256:abc' } })).toMatch(/^subject\.digest: /);
    expect(invalid({ ...ociIndex, annotations: { a: null } })).toBe('annotations["a"] must be a string');
  });
});

describe('parseManifest: artifact manifests', () => {
  it('requires a non-empty artifactType', () => {
    const { artifactType: _a, ...body } = artifactManifest;
    expect(invalid(body)).toBe('artifactType is required');
    expect(invalid({ ...artifactManifest, artifactType: '' })).toBe('artifactType must not be empty');
    expect(invalid({ ...artifactManifest, artifactType: ['x'] })).toBe('artifactType must be a string');
  });

  it('validates blobs', () => {
    expect(invalid({ ...artifactManifest, blobs: 'x' })).toBe('blobs must be an array');
    expect(invalid({ ...artifactManifest, blobs: [{ ...artifactManifest.blobs[0], size: -1 }] })).toBe(
      'blobs[0].size must be a non-negative integer',
    );
  });
});

describe('referencedBlobs', () => {
  it('is config then layers', () => {
    const m = parseManifest(json(dockerV2));
    expect(referencedBlobs(m)).toEqual([dockerV2.config, ...dockerV2.layers]);
  });

  it('lists each digest once', () => {
    const repeated = { ...ociImage, layers: [ociImage.layers[0], ociImage.layers[1], ociImage.layers[0]] };
    expect(referencedBlobs(parseManifest(json(repeated))).map((b) => b.digest)).toEqual([
      ociImage.config.digest,
      ociImage.layers[0].digest,
      ociImage.layers[1].digest,
    ]);
    // An artifact whose only layer is the empty blob, like its config.
    const sameAsConfig = { ...ociArtifactImage, layers: [EMPTY_DESCRIPTOR] };
    expect(referencedBlobs(parseManifest(json(sameAsConfig)))).toEqual([EMPTY_DESCRIPTOR]);
  });

  it('excludes the subject and index children', () => {
    expect(referencedBlobs(parseManifest(json(ociArtifactImage))).map((b) => b.digest)).not.toContain(subject.digest);
    expect(referencedBlobs(parseManifest(json(ociIndex)))).toEqual([]);
    expect(referencedBlobs(parseManifest(json(dockerList)))).toEqual([]);
  });

  it('is the blobs of an artifact manifest', () => {
    expect(referencedBlobs(parseManifest(json(artifactManifest)))).toEqual(artifactManifest.blobs);
  });
});

describe('effectiveArtifactType', () => {
  it('is the explicit artifactType when set', () => {
    expect(effectiveArtifactType(parseManifest(json(ociArtifactImage)))).toBe('application/spdx+json');
    expect(effectiveArtifactType(parseManifest(json(ociIndex)))).toBe('application/vnd.example.bundle');
    expect(effectiveArtifactType(parseManifest(json(artifactManifest)))).toBe('application/vnd.cncf.notary.signature');
  });

  it("falls back to an image's config mediaType", () => {
    expect(effectiveArtifactType(parseManifest(json(ociImage)))).toBe(MediaType.OCI_CONFIG);
    expect(effectiveArtifactType(parseManifest(json(dockerV2)))).toBe(MediaType.DOCKER_CONFIG);
  });

  it('is the empty type for an image with an empty config and no artifactType', () => {
    const { artifactType: _a, ...body } = ociArtifactImage;
    expect(effectiveArtifactType(parseManifest(json(body)))).toBe(MediaType.OCI_EMPTY);
  });

  it('is undefined for an index without artifactType', () => {
    const { artifactType: _a, ...body } = ociIndex;
    expect(effectiveArtifactType(parseManifest(json(body)))).toBeUndefined();
    expect(effectiveArtifactType(parseManifest(json(dockerList)))).toBeUndefined();
  });
});
