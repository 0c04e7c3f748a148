import { isValidMediaType, parseDescriptor, parsePlatform } from './descriptor';
import { digestOf } from './digest';
import { MediaType } from './media-types';
import { catchOciError } from './testing/catch-oci-error';

// The image-spec's canonical empty descriptor, byte for byte.
const EMPTY = {
  mediaType: MediaType.OCI_EMPTY,
  digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
  size: 2,
  data: 'e30=',
};

const layer = { mediaType: MediaType.OCI_LAYER_TAR_GZIP, digest: digestOf('layer'), size: 1234 };

function messageOf(value: unknown, path = 'layers[0]'): string {
  const err = catchOciError(() => parseDescriptor(value, path));
  expect(err.code).toBe('MANIFEST_INVALID');
  return err.message;
}

describe('isValidMediaType', () => {
  it.each([
    'application/json',
    'text/plain',
    'a/b',
    MediaType.OCI_LAYER_TAR_GZIP,
    MediaType.DOCKER_LAYER,
    'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
    'application/vnd.dev.cosign.simplesigning.v1+json',
  ])('accepts %p', (t) => expect(isValidMediaType(t)).toBe(true));

  it.each([
    '',
    'application',
    'application/',
    '/json',
    'application/json; charset=utf-8',
    'app lication/json',
    'application/json/extra',
    '.application/json',
    'application/json\n',
    `application/${'x'.repeat(128)}`,
    42,
    undefined,
  ])('rejects %p', (t) => expect(isValidMediaType(t)).toBe(false));
});

describe('parseDescriptor', () => {
  it('returns the three required fields', () => {
    expect(parseDescriptor(layer, 'layers[0]')).toEqual(layer);
  });

  it('keeps the optional fields and drops unknown ones', () => {
    const full = {
      ...layer,
      urls: ['https://mirror.example.com/blob'],
      annotations: { 'org.opencontainers.image.title': 'rootfs.tar.gz' },
      artifactType: 'application/vnd.example+type',
      'x-vendor-field': { anything: true },
    };
    expect(parseDescriptor(full, 'layers[0]')).toEqual({
      mediaType: layer.mediaType,
      digest: layer.digest,
      size: layer.size,
      urls: full.urls,
      annotations: full.annotations,
      artifactType: full.artifactType,
    });
  });

  it('accepts the canonical empty descriptor with embedded data', () => {
    expect(digestOf('{}')).toBe(EMPTY.digest);
    expect(parseDescriptor(EMPTY, 'config')).toEqual(EMPTY);
  });

  it('accepts size 0 and the largest safe integer', () => {
    expect(parseDescriptor({ ...layer, size: 0 }, 'x').size).toBe(0);
    expect(parseDescriptor({ ...layer, size: Number.MAX_SAFE_INTEGER }, 'x').size).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('requires an object', () => {
    expect(messageOf(null)).toBe('layers[0] must be an object');
    expect(messageOf([layer])).toBe('layers[0] must be an object');
    expect(messageOf('sha256:abc')).toBe('layers[0] must be an object');
  });

  it('checks mediaType', () => {
    expect(messageOf({ ...layer, mediaType: undefined })).toBe('layers[0].mediaType is required');
    expect(messageOf({ ...layer, mediaType: 7 })).toBe('layers[0].mediaType must be a string');
    expect(messageOf({ ...layer, mediaType: 'tarball' })).toMatch(/^layers\[0\]\.mediaType "tarball" is not a valid media type/);
  });

  it('checks digest and keeps the digest parser reason', () => {
    expect(messageOf({ ...layer, digest: undefined })).toBe('layers[0].digest is required');
    expect(messageOf({ ...layer, digest: 'sha256:abc' }, 'layers[1]')).toMatch(
      /^layers\[1\]\.digest: sha256 digest must be exactly 64 lowercase hex characters/,
    );
    expect(messageOf({ ...layer, digest: 'md5:abc' })).toMatch(/^layers\[0\]\.digest: unsupported digest algorithm/);
  });

  it.each([
    ['missing', undefined, 'is required'],
    ['negative', -1, 'must be a non-negative integer'],
    ['fractional', 1.5, 'must be a non-negative integer'],
    ['a string', '12', 'must be a non-negative integer'],
    ['beyond safe integers', 2 ** 53, 'must be a non-negative integer'],
    ['NaN', Number.NaN, 'must be a non-negative integer'],
  ])('rejects size %s', (_label, size, reason) => {
    expect(messageOf({ ...layer, size }, 'config')).toBe(`config.size ${reason}`);
  });

  it('type-checks the optional fields', () => {
    expect(messageOf({ ...layer, urls: 'https://x' })).toBe('layers[0].urls must be an array of strings');
    expect(messageOf({ ...layer, urls: ['https://x', 1] })).toBe('layers[0].urls[1] must be a string');
    expect(messageOf({ ...layer, annotations: { a: 1 } })).toBe('layers[0].annotations["a"] must be a string');
    expect(messageOf({ ...layer, annotations: ['a'] })).toBe('layers[0].annotations must be an object of strings');
    expect(messageOf({ ...layer, artifactType: 3 })).toBe('layers[0].artifactType must be a string');
    expect(messageOf({ ...layer, artifactType: '' })).toBe('layers[0].artifactType must not be empty');
    expect(messageOf({ ...layer, data: 12 })).toBe('layers[0].data must be a string');
  });

  describe('data', () => {
    it('must be padded standard base64', () => {
      expect(messageOf({ ...EMPTY, data: 'e30' }, 'config')).toBe('config.data must be standard padded base64');
      expect(messageOf({ ...EMPTY, data: 'e3-=' }, 'config')).toBe('config.data must be standard padded base64');
      expect(messageOf({ ...EMPTY, data: 'e30=\n' }, 'config')).toBe('config.data must be standard padded base64');
    });

    it('must be canonical (no stray padding bits)', () => {
      expect(Buffer.from('e31=', 'base64').toString()).toBe('{}');
      expect(messageOf({ ...EMPTY, data: 'e31=' }, 'config')).toBe('config.data is not canonical base64');
    });

    it('must decode to size bytes', () => {
      expect(messageOf({ ...EMPTY, size: 3 }, 'config')).toBe('config.data decodes to 2 bytes but config.size is 3');
    });

    it('must hash to digest', () => {
      const data = Buffer.from('[]').toString('base64');
      expect(messageOf({ ...EMPTY, data }, 'config')).toBe('config.data does not match config.digest');
    });

    it('is checked with the digest algorithm of the descriptor', () => {
      const d = { ...EMPTY, digest: digestOf('{}', 'sha512') };
      expect(parseDescriptor(d, 'config').digest).toBe(d.digest);
    });
  });

  it('validates and keeps platform', () => {
    const d = parseDescriptor({ ...layer, platform: { architecture: 'arm64', os: 'linux', variant: 'v8' } }, 'manifests[0]');
    expect(d.platform).toEqual({ architecture: 'arm64', os: 'linux', variant: 'v8' });
    expect(messageOf({ ...layer, platform: { os: 'linux' } }, 'manifests[3]')).toBe(
      'manifests[3].platform.architecture is required',
    );
  });
});

describe('parsePlatform', () => {
  it('keeps all the platform fields', () => {
    const p = {
      architecture: 'amd64',
      os: 'windows',
      'os.version': '10.0.17763.1040',
      'os.features': ['win32k'],
      variant: 'v3',
      features: ['sse4'],
      extra: 'ignored',
    };
    expect(parsePlatform(p, 'p')).toEqual({
      architecture: 'amd64',
      os: 'windows',
      'os.version': '10.0.17763.1040',
      'os.features': ['win32k'],
      variant: 'v3',
      features: ['sse4'],
    });
  });

  it.each([
    [null, 'p must be an object'],
    [{ os: 'linux' }, 'p.architecture is required'],
    [{ architecture: 'amd64' }, 'p.os is required'],
    [{ architecture: 1, os: 'linux' }, 'p.architecture must be a string'],
    [{ architecture: 'amd64', os: ['linux'] }, 'p.os must be a string'],
    [{ architecture: 'amd64', os: 'linux', variant: 8 }, 'p.variant must be a string'],
    [{ architecture: 'amd64', os: 'windows', 'os.version': 10 }, 'p.os.version must be a string'],
    [{ architecture: 'amd64', os: 'windows', 'os.features': 'win32k' }, 'p.os.features must be an array of strings'],
    [{ architecture: 'amd64', os: 'linux', features: [1] }, 'p.features[0] must be a string'],
  ])('rejects %p', (value, message) => {
    const err = catchOciError(() => parsePlatform(value, 'p'));
    expect(err.code).toBe('MANIFEST_INVALID');
    expect(err.message).toBe(message);
  });
});
