import { StorageError } from './driver';

// Upload ids and digests become file names and object keys. Each has exactly one accepted spelling,
// checked before any I/O, so that no input can name a path outside a driver's namespace
// ("../x", "sha256:../../etc") or alias another entry (upper-case hex).
const UPLOAD_ID = /^[A-Za-z0-9_-]{1,128}$/;
const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

export type BlobAlgorithm = 'sha256' | 'sha512';

export interface BlobKey {
  algorithm: BlobAlgorithm;
  hex: string;
}

/** Shown in error messages: bounded, and quoted so that odd characters stay visible. */
function describe(value: unknown): string {
  if (typeof value !== 'string') return typeof value;
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}...` : value);
}

export function isUploadId(value: unknown): value is string {
  return typeof value === 'string' && UPLOAD_ID.test(value);
}

export function isBlobDigest(value: unknown): value is string {
  return typeof value === 'string' && DIGEST.test(value);
}

/** @throws StorageError('INVALID_ARGUMENT') unless `id` matches [A-Za-z0-9_-]{1,128}. */
export function assertUploadId(id: unknown): asserts id is string {
  if (!isUploadId(id)) throw new StorageError('INVALID_ARGUMENT', `invalid upload id ${describe(id)}`);
}

/** @throws StorageError('INVALID_ARGUMENT') unless `digest` is a canonical sha256/sha512 digest. */
export function parseBlobDigest(digest: unknown): BlobKey {
  if (!isBlobDigest(digest)) throw new StorageError('INVALID_ARGUMENT', `invalid digest ${describe(digest)}`);
  const colon = digest.indexOf(':');
  return { algorithm: digest.slice(0, colon) as BlobAlgorithm, hex: digest.slice(colon + 1) };
}

/** Offsets and sizes are byte counts: a non-negative safe integer, or INVALID_ARGUMENT. */
export function assertByteCount(name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new StorageError('INVALID_ARGUMENT', `${name} must be a non-negative integer, got ${String(value)}`);
  }
}
