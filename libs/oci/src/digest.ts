import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { OciError } from './errors';

/** The registered algorithms of the OCI image-spec; anything else is refused outright. */
export type DigestAlgorithm = 'sha256' | 'sha512';

export interface ParsedDigest {
  algorithm: DigestAlgorithm;
  /** The encoded part: lowercase hex, of the exact length the algorithm produces. */
  hex: string;
  /** The whole digest string, `<algorithm>:<hex>`. */
  digest: string;
}

const HEX_LENGTH: Readonly<Record<DigestAlgorithm, number>> = { sha256: 64, sha512: 128 };

// The image-spec grammar. It is checked before the per-algorithm rules so that a malformed string
// is reported as malformed rather than as an "unsupported algorithm".
const DIGEST_GRAMMAR = /^([a-z0-9]+(?:[.+_-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/;
const LOWER_HEX = /^[0-9a-f]*$/;

// The longest valid digest is sha512 (7 + 128 characters). Refusing long input before any regex
// keeps the work, and the error message, bounded whatever a client sends.
const MAX_DIGEST_LENGTH = 256;

function quote(s: string): string {
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}...` : s);
}

function isDigestAlgorithm(s: string): s is DigestAlgorithm {
  return Object.prototype.hasOwnProperty.call(HEX_LENGTH, s);
}

/**
 * Parses `<algorithm>:<encoded>` and requires a registered algorithm with its exact canonical
 * encoding. Digests become storage paths and database keys, so only one spelling of each is let
 * through (no upper-case hex, no padding, nothing that could be a path).
 * @throws OciError('DIGEST_INVALID') with the reason.
 */
export function parseDigest(s: string): ParsedDigest {
  if (typeof s !== 'string') throw new OciError('DIGEST_INVALID', 'digest must be a string');
  if (s === '') throw new OciError('DIGEST_INVALID', 'digest is empty');
  if (s.length > MAX_DIGEST_LENGTH) {
    throw new OciError('DIGEST_INVALID', `digest is too long (${s.length} characters)`);
  }
  const match = DIGEST_GRAMMAR.exec(s);
  if (match === null) {
    throw new OciError('DIGEST_INVALID', `digest ${quote(s)} is not of the form <algorithm>:<encoded>`);
  }
  const [, algorithm, hex] = match;
  if (!isDigestAlgorithm(algorithm)) {
    throw new OciError(
      'DIGEST_INVALID',
      `unsupported digest algorithm ${quote(algorithm)} (supported: sha256, sha512)`,
    );
  }
  const length = HEX_LENGTH[algorithm];
  if (hex.length !== length || !LOWER_HEX.test(hex)) {
    throw new OciError('DIGEST_INVALID', `${algorithm} digest must be exactly ${length} lowercase hex characters`);
  }
  return { algorithm, hex, digest: s };
}

export function isValidDigest(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  try {
    parseDigest(s);
    return true;
  } catch {
    return false;
  }
}

// Guards the runtime value: node:crypto would happily hash with md5 if a caller cast one in.
function assertAlgorithm(algorithm: string): asserts algorithm is DigestAlgorithm {
  if (!isDigestAlgorithm(algorithm)) {
    throw new OciError('DIGEST_INVALID', `unsupported digest algorithm ${quote(algorithm)} (supported: sha256, sha512)`);
  }
}

/** `<algorithm>:<hex>` of `data` (a string is hashed as UTF-8). */
export function digestOf(data: Buffer | string, algorithm: DigestAlgorithm = 'sha256'): string {
  assertAlgorithm(algorithm);
  return `${algorithm}:${createHash(algorithm).update(data).digest('hex')}`;
}

/** True if `data` hashes to `expected`; false also when `expected` is not a valid digest. */
export function verifyDigest(data: Buffer, expected: string): boolean {
  let parsed: ParsedDigest;
  try {
    parsed = parseDigest(expected);
  } catch {
    return false;
  }
  return createHash(parsed.algorithm).update(data).digest('hex') === parsed.hex;
}

/** An incremental hash that can report its digest so far and keep going (chunked uploads). */
export interface Digester {
  readonly algorithm: DigestAlgorithm;
  /** Bytes hashed so far. */
  readonly bytes: number;
  update(chunk: Buffer): void;
  /** Digest of everything hashed so far; may be called repeatedly, and `update` may follow. */
  digest(): string;
}

class HashDigester implements Digester {
  private readonly hash: Hash;
  private count = 0;

  constructor(readonly algorithm: DigestAlgorithm) {
    this.hash = createHash(algorithm);
  }

  get bytes(): number {
    return this.count;
  }

  update(chunk: Buffer): void {
    this.hash.update(chunk);
    this.count += chunk.length;
  }

  digest(): string {
    // Hash.digest() finalises the hash; digesting a copy leaves this one open for more updates.
    return `${this.algorithm}:${this.hash.copy().digest('hex')}`;
  }
}

export function createDigester(algorithm: DigestAlgorithm = 'sha256'): Digester {
  assertAlgorithm(algorithm);
  return new HashDigester(algorithm);
}

export interface DigestingTransformOptions {
  /** Fail the stream with SIZE_INVALID once more than this many bytes have passed. */
  maxBytes?: number;
  /** Buffering on each side; defaults to 1 MiB so blob uploads move in few, large chunks. */
  highWaterMark?: number;
}

const DEFAULT_HIGH_WATER_MARK = 1024 * 1024;

/**
 * Passes bytes through unchanged (the same Buffer objects, never copied) while hashing and
 * counting them, so a blob is verified in the same pass that stores it.
 */
export class DigestingTransform extends Transform {
  readonly algorithm: DigestAlgorithm;
  private readonly hash: Hash;
  private readonly maxBytes: number;
  private count = 0;
  private hex: string | undefined;

  constructor(algorithm: DigestAlgorithm = 'sha256', opts: DigestingTransformOptions = {}) {
    super({ highWaterMark: opts.highWaterMark ?? DEFAULT_HIGH_WATER_MARK });
    assertAlgorithm(algorithm);
    const maxBytes = opts.maxBytes ?? Number.POSITIVE_INFINITY;
    if (maxBytes !== Number.POSITIVE_INFINITY && !(Number.isSafeInteger(maxBytes) && maxBytes >= 0)) {
      throw new RangeError(`maxBytes must be a non-negative integer, got ${maxBytes}`);
    }
    this.algorithm = algorithm;
    this.hash = createHash(algorithm);
    this.maxBytes = maxBytes;
  }

  /** Bytes that have passed through so far. */
  get bytes(): number {
    return this.count;
  }

  /**
   * `<algorithm>:<hex>` of everything that passed through. Only available once the writable side
   * has finished: a digest of part of a blob is never what a caller wants.
   */
  digest(): string {
    if (this.hex === undefined) {
      throw new Error('DigestingTransform.digest() is only available after the stream has ended');
    }
    return `${this.algorithm}:${this.hex}`;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.count + chunk.length > this.maxBytes) {
      callback(new OciError('SIZE_INVALID', `content exceeds the limit of ${this.maxBytes} bytes`));
      return;
    }
    this.hash.update(chunk);
    this.count += chunk.length;
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.hex = this.hash.digest('hex');
    callback();
  }
}
