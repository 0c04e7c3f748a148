import { createHash, Hash, randomFillSync } from 'node:crypto';

/**
 * A large blob described by a small random piece repeated up to `size` bytes, with its last bytes
 * replaced by `suffix`. The piece lives in shared memory so every load thread streams the same
 * bytes without a copy, and a 256 MB blob costs 16 MB of RAM.
 */
export interface BlobSpec {
  piece: SharedArrayBuffer;
  size: number;
  suffix: Uint8Array;
  digest: string;
}

export const PIECE_BYTES = 16 * 1024 * 1024;
const SUFFIX_BYTES = 8;

/** The bytes [start, end) of the blob as views of its piece and suffix (no copies). */
export function* slices(blob: BlobSpec, start: number, end: number): Generator<Buffer> {
  const pieceLen = blob.piece.byteLength;
  const suffixAt = blob.size - blob.suffix.length;
  let at = start;
  while (at < end) {
    if (at >= suffixAt) {
      yield Buffer.from(blob.suffix.buffer, blob.suffix.byteOffset + (at - suffixAt), end - at);
      return;
    }
    const offset = at % pieceLen;
    const len = Math.min(pieceLen - offset, end - at, suffixAt - at);
    yield Buffer.from(blob.piece, offset, len);
    at += len;
  }
}

/**
 * Distinct blobs of one size that differ only in their last 8 bytes: each push in a benchmark is a
 * new blob (a registry may skip work for bytes it already holds), yet the shared prefix is hashed
 * once and every variant's digest costs a copy of that hash state.
 */
export class BlobFamily {
  readonly piece: SharedArrayBuffer;
  private readonly prefix: Hash;

  constructor(
    readonly size: number,
    /** Mixed into every suffix so that two benchmark runs never push the same bytes. */
    private readonly salt: number,
    pieceBytes = PIECE_BYTES,
  ) {
    if (size <= SUFFIX_BYTES) throw new RangeError(`blob size must exceed ${SUFFIX_BYTES} bytes`);
    this.piece = new SharedArrayBuffer(Math.min(pieceBytes, size));
    randomFillSync(new Uint8Array(this.piece));
    this.prefix = createHash('sha256');
    const probe: BlobSpec = { piece: this.piece, size, suffix: new Uint8Array(SUFFIX_BYTES), digest: '' };
    for (const s of slices(probe, 0, size - SUFFIX_BYTES)) this.prefix.update(s);
  }

  variant(n: number): BlobSpec {
    const suffix = new Uint8Array(SUFFIX_BYTES);
    const view = new DataView(suffix.buffer);
    view.setUint32(0, this.salt >>> 0);
    view.setUint32(4, n >>> 0);
    const digest = `sha256:${this.prefix.copy().update(suffix).digest('hex')}`;
    return { piece: this.piece, size: this.size, suffix, digest };
  }
}
