import { parseDigest, verifyDigest } from './digest';
import { OciError } from './errors';
import {
  fieldPath,
  isJsonObject,
  manifestInvalid,
  optionalNonEmptyString,
  optionalString,
  optionalStringArray,
  optionalStringMap,
  requiredString,
} from './json-fields';

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
  features?: string[];
}

/** An OCI content descriptor: what a manifest says about a blob or another manifest. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  urls?: string[];
  annotations?: Record<string, string>;
  /** Base64 of the content itself, already checked against `size` and `digest`. */
  data?: string;
  artifactType?: string;
  platform?: Platform;
}

// RFC 6838 restricted-name on each side of the '/'. The image-spec's own pattern has a stray
// character range (`&-^`) that admits more than the RFC does; this is the RFC's set.
const MEDIA_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;
const BASE64_CHARS = /^[A-Za-z0-9+/]*={0,2}$/;

export function isValidMediaType(value: unknown): value is string {
  return typeof value === 'string' && MEDIA_TYPE.test(value);
}

/**
 * Validates one descriptor of untrusted JSON found at `path` (e.g. `layers[2]`) and returns a clean
 * copy holding only the known fields.
 * @throws OciError('MANIFEST_INVALID') naming the offending field.
 */
export function parseDescriptor(value: unknown, path: string): Descriptor {
  if (!isJsonObject(value)) throw manifestInvalid(`${path} must be an object`);

  const mediaType = requiredString(value, 'mediaType', path);
  if (!isValidMediaType(mediaType)) {
    throw manifestInvalid(`${path}.mediaType ${JSON.stringify(mediaType)} is not a valid media type`);
  }

  const digest = requiredString(value, 'digest', path);
  try {
    parseDigest(digest);
  } catch (err) {
    // Inside a manifest a bad digest makes the manifest invalid; keep the digest parser's reason.
    if (err instanceof OciError) throw manifestInvalid(`${path}.digest: ${err.message}`);
    throw err;
  }

  const size = value['size'];
  if (size === undefined) throw manifestInvalid(`${path}.size is required`);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw manifestInvalid(`${path}.size must be a non-negative integer`);
  }

  const descriptor: Descriptor = { mediaType, digest, size };

  const urls = optionalStringArray(value, 'urls', path);
  if (urls !== undefined) descriptor.urls = urls;
  const annotations = optionalStringMap(value, 'annotations', path);
  if (annotations !== undefined) descriptor.annotations = annotations;
  const artifactType = optionalNonEmptyString(value, 'artifactType', path);
  if (artifactType !== undefined) descriptor.artifactType = artifactType;
  if (value['platform'] !== undefined) descriptor.platform = parsePlatform(value['platform'], fieldPath(path, 'platform'));

  const data = optionalString(value, 'data', path);
  if (data !== undefined) {
    checkEmbeddedData(data, descriptor, path);
    descriptor.data = data;
  }
  return descriptor;
}

// Embedded data is served in place of the blob, so it has to be exactly the bytes the descriptor
// promises; otherwise clients that use `data` and clients that fetch the blob see different content.
function checkEmbeddedData(data: string, descriptor: Descriptor, path: string): void {
  if (data.length % 4 !== 0 || !BASE64_CHARS.test(data)) {
    throw manifestInvalid(`${path}.data must be standard padded base64`);
  }
  const bytes = Buffer.from(data, 'base64');
  // Buffer's decoder forgives junk such as non-zero padding bits; the round trip does not.
  if (bytes.toString('base64') !== data) throw manifestInvalid(`${path}.data is not canonical base64`);
  if (bytes.length !== descriptor.size) {
    throw manifestInvalid(`${path}.data decodes to ${bytes.length} bytes but ${path}.size is ${descriptor.size}`);
  }
  if (!verifyDigest(bytes, descriptor.digest)) {
    throw manifestInvalid(`${path}.data does not match ${path}.digest`);
  }
}

/** @throws OciError('MANIFEST_INVALID') naming the offending field. */
export function parsePlatform(value: unknown, path: string): Platform {
  if (!isJsonObject(value)) throw manifestInvalid(`${path} must be an object`);
  const platform: Platform = {
    architecture: requiredString(value, 'architecture', path),
    os: requiredString(value, 'os', path),
  };
  const variant = optionalString(value, 'variant', path);
  if (variant !== undefined) platform.variant = variant;
  const osVersion = optionalString(value, 'os.version', path);
  if (osVersion !== undefined) platform['os.version'] = osVersion;
  const osFeatures = optionalStringArray(value, 'os.features', path);
  if (osFeatures !== undefined) platform['os.features'] = osFeatures;
  const features = optionalStringArray(value, 'features', path);
  if (features !== undefined) platform.features = features;
  return platform;
}
