import type { Readable, Writable } from 'node:stream';

/**
 * The storage-driver contract. Drivers store opaque bytes; they never interpret or verify digests
 * (the registry hashes while streaming and commits with the digest it computed).
 *
 * Two namespaces:
 * - uploads: in-progress writes, addressed by an opaque upload id ([A-Za-z0-9_-]{1,128});
 * - blobs: committed, immutable, content-addressed bytes, addressed by a digest string
 *   "<algorithm>:<hex>" (sha256 or sha512).
 *
 * A committed blob is visible completely or not at all: a crash at any point of writeUpload or
 * commitUpload never makes a partial blob readable.
 */
export interface StorageDriver {
  readonly name: string;

  /** Creates an empty upload. Fails with StorageError('ALREADY_EXISTS') if the id exists. */
  createUpload(id: string): Promise<void>;

  /**
   * Writes `source` into the upload starting at byte `offset`, discarding anything previously
   * stored at or beyond `offset` (a crashed earlier append may have left bytes there).
   * Fails with 'NOT_FOUND' if the upload does not exist and 'INVALID_OFFSET' if `offset` is
   * greater than the bytes stored. Returns the upload's size after the write. Honours
   * backpressure; never buffers the whole source in memory. If the source or the write fails,
   * the error is rethrown and the upload keeps exactly the bytes before `offset`: nothing of the
   * failed call stays (on a full disk, that space is given back at once).
   */
  writeUpload(id: string, offset: number, source: Readable | AsyncIterable<Buffer>): Promise<number>;

  /** Size of the upload in bytes, or StorageError('NOT_FOUND'). */
  uploadSize(id: string): Promise<number>;

  /** Reads the upload's bytes [start, end) (end exclusive, default: to the end). */
  readUpload(id: string, start?: number, end?: number): Readable;

  /**
   * Makes the first `size` bytes of the upload durable and visible as blob `digest`, atomically,
   * and removes the upload. The blob is written even if it already exists (replacing identical
   * bytes), and its modification time is the time of this commit: garbage collection relies on both
   * (see deleteBlobIfStale), so a commit never trusts bytes that a concurrent delete may be removing.
   * 'NOT_FOUND' if the upload does not exist, 'INVALID_OFFSET' if it holds fewer than `size` bytes.
   */
  commitUpload(id: string, digest: string, size: number): Promise<void>;

  /** Removes an upload; no error if it does not exist. */
  deleteUpload(id: string): Promise<void>;

  /** Every upload with its last modification time (for purging abandoned uploads). */
  listUploads(): AsyncIterable<{ id: string; modifiedAt: Date }>;

  /**
   * Writes a small blob (e.g. a manifest) atomically and durably, replacing it if it exists, with
   * the time of this call as its modification time (same reasons as commitUpload).
   */
  putBlob(digest: string, content: Buffer): Promise<void>;

  /** Size and modification time of a committed blob, or null if absent. */
  stat(digest: string): Promise<BlobStat | null>;

  /**
   * Streams a committed blob, or the inclusive byte range [start, end] of it.
   * 'NOT_FOUND' if absent, 'INVALID_RANGE' if the range is outside the blob.
   */
  read(digest: string, range?: { start: number; end: number }): Promise<Readable>;

  /**
   * Optional fast path for serving: writes the blob (or the inclusive range) into `destination`.
   * The driver controls the writes, so it may reuse its buffers instead of allocating one per
   * chunk. 'NOT_FOUND'/'INVALID_RANGE' are thrown before `onOpen` is called; `onOpen` runs once
   * the bytes are known to exist (the caller sends response headers there). Resolves with the
   * bytes written, which is less than requested if storage holds fewer bytes or `destination`
   * closed early; the caller must treat a short count as a failed transfer.
   */
  sendTo?(digest: string, destination: Writable, onOpen: () => void, range?: { start: number; end: number }): Promise<number>;

  /** Reads a whole (small) blob into memory, or 'NOT_FOUND'. */
  readAll(digest: string): Promise<Buffer>;

  /** Deletes a committed blob; returns false if it did not exist. */
  delete(digest: string): Promise<boolean>;

  /**
   * Garbage collection's delete: removes the blob only if the bytes it removes were last written
   * before `writtenBefore`. A commitUpload or putBlob of the same digest that runs at the same time
   * is never lost: either its bytes are the ones checked (then they are recent and stay) or they
   * arrive after the removal (then they stay too). 'absent' if there was no such blob.
   * A crash in the middle may leave the blob set aside; restoreSetAside puts it back.
   */
  deleteBlobIfStale(digest: string, writtenBefore: Date): Promise<'deleted' | 'kept' | 'absent'>;

  /**
   * Puts back every blob that an interrupted deleteBlobIfStale set aside (GC runs this first).
   * Returns how many were restored.
   */
  restoreSetAside(): Promise<number>;

  /**
   * Removes what putBlob calls that never finished (a crash in the middle) left behind, if it was
   * last written before `writtenBefore`; with `dryRun`, only counts it. Never touches committed
   * blobs or uploads. Returns how many were (or would be) removed.
   */
  purgeInterruptedWrites(writtenBefore: Date, dryRun?: boolean): Promise<number>;

  /** Every committed blob's digest, in no particular order. */
  listBlobs(): AsyncIterable<string>;

  /**
   * Free and total bytes of the storage the driver writes to, for drivers that have such a limit
   * (a local file system); others return null. Errors of the probe itself are thrown.
   */
  capacity?(): Promise<{ freeBytes: number; totalBytes: number } | null>;

  /**
   * For drivers backed by a local file: the absolute path of a committed blob (lets a front proxy
   * or sendfile serve it directly). Other drivers return null.
   */
  localPath?(digest: string): string | null;
}

export interface BlobStat {
  size: number;
  modifiedAt: Date;
}

export type StorageErrorCode = 'NOT_FOUND' | 'ALREADY_EXISTS' | 'INVALID_OFFSET' | 'INVALID_RANGE' | 'INVALID_ARGUMENT';

export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}
