import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { createDigester, Digester, DigestAlgorithm, digestOf, OciError, parseDigest } from '@wharf/oci';
import { StorageDriver, StorageError } from '@wharf/storage';
import { StorageSpace } from '../infra/storage-space';
import { STORAGE } from '../infra/tokens';
import { BlobStore, BlobRow } from '../metadata/blob.store';
import { RepositoryStore } from '../metadata/repository.store';
import { UPLOAD_LEASE_RENEW_MS, UploadStore } from '../metadata/upload.store';
import { HasherCache } from './hasher-cache';
import { UploadIds } from './upload-ids';
import { parseContentRange, uploadRange } from './content-range';
import { ProjectQuotas, type QuotaAllowance } from '../quota/project-quotas';

/** A session's bytes passed what its project's quota has left (see write). */
class OverQuota extends Error {}

/** Monolithic uploads up to this size are read into memory and written in one step. */
const SMALL_BLOB_BYTES = 1024 * 1024;

/** The body of one PATCH/PUT/POST and what its headers promise about it. */
export interface UploadBody {
  stream: Readable;
  contentLength?: number;
  contentRange?: string;
}

/** A body that declares a length small enough to be held in memory, without a chunk range. */
function isSmall(body: UploadBody): body is UploadBody & { contentLength: number } {
  return body.contentLength !== undefined && body.contentLength <= SMALL_BLOB_BYTES && body.contentRange === undefined;
}

/**
 * The body's chunks. Stopping early (a failed write, a refusal) leaves the request open rather than
 * destroying it with its connection: the answer still has to reach the client, and what remains
 * of the body is drained after it (@wharf/http).
 */
function chunksOf(stream: Readable): AsyncIterable<unknown> {
  return stream.iterator({ destroyOnReturn: false });
}

/** Reads exactly `length` bytes; SIZE_INVALID when the body is shorter or longer than declared. */
async function readBounded(stream: Readable, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let received = 0;
  for await (const chunk of chunksOf(stream)) {
    const buf = chunk as Buffer;
    if (received + buf.length > length) throw new OciError('SIZE_INVALID', `body is longer than the declared ${length} bytes`);
    buf.copy(buffer, received);
    received += buf.length;
  }
  if (received !== length) throw new OciError('SIZE_INVALID', `received ${received} bytes, ${length} were declared`);
  return buffer;
}

/**
 * The upload state machine (distribution's POST/PATCH/PUT/GET/DELETE =
 * start/append/commit/status/cancel). State lives in the session id (see UploadIds), the `upload`
 * row (acknowledged offset, lease; created by the first write) and in storage (the bytes), never in
 * this process: any replica can continue any upload. Ids this registry did not issue, for this
 * repository and within the age limit, are BLOB_UPLOAD_UNKNOWN and never reach storage.
 */
@Injectable()
export class UploadService {
  constructor(
    @Inject(STORAGE) private readonly storage: StorageDriver,
    private readonly uploads: UploadStore,
    private readonly blobs: BlobStore,
    private readonly repositories: RepositoryStore,
    private readonly hashers: HasherCache,
    private readonly quotas: ProjectQuotas,
    private readonly ids: UploadIds,
    private readonly space: StorageSpace,
  ) {}

  /**
   * POST: a signed id and nothing else. The session's row and file are created by the first
   * request that writes bytes (see withLease), so the usual POST-then-PUT of a small blob records
   * the blob and closes the session in one statement and never touches the upload directory.
   */
  async start(repository: string): Promise<string> {
    await this.space.assertRoomFor();
    return this.ids.issue(repository);
  }

  /** Monolithic `POST ?digest=`: the whole blob in one request, no session row. `pusher` is named if a quota refuses it. */
  async putMonolithic(repository: string, digest: string, body: UploadBody, pusher: string): Promise<void> {
    const expected = parseDigest(digest);
    await this.space.assertRoomFor(body.contentLength);
    if (isSmall(body)) {
      return this.putSmall(repository, expected.digest, expected.algorithm, body.stream, body.contentLength, pusher);
    }
    const limit = await this.quotas.allowance(repository, pusher, expected.digest);
    const id = `mono-${randomUUID()}`;
    await this.storage.createUpload(id);
    try {
      const digester = createDigester(expected.algorithm);
      const size = await this.write(repository, id, 0, body, digester, limit);
      await this.commit(repository, id, expected.digest, digester, size, pusher);
    } catch (err) {
      await this.storage.deleteUpload(id).catch(() => undefined);
      throw err;
    }
  }

  /**
   * Small blobs (configs, small layers) skip the upload file: the declared length bounds what is
   * held in memory, and one atomic write publishes the bytes.
   */
  private async putSmall(repository: string, digest: string, algorithm: DigestAlgorithm, stream: Readable, length: number, pusher: string): Promise<void> {
    const buffer = await readBounded(stream, length);
    const actual = digestOf(buffer, algorithm);
    if (actual !== digest) throw new OciError('DIGEST_INVALID', `content digest ${actual} does not match ${digest}`);
    await this.quotas.checkBlob(repository, digest, length, pusher);
    await this.storage.putBlob(digest, buffer);
    await this.record(repository, digest, length, pusher);
  }

  /** Cross-repository mount; undefined when `from` does not hold the blob (caller falls back). */
  async mount(repository: string, from: string, digest: string, pusher: string): Promise<BlobRow | undefined> {
    return this.quotas.charging(repository, digest, pusher, () => this.repositories.withId(repository, (id) => this.blobs.mount(from, id, digest)));
  }

  async status(repository: string, id: string): Promise<number> {
    const offset = await this.uploads.offset(id, repository, this.ids.check(repository, id));
    if (offset === undefined) throw new OciError('BLOB_UPLOAD_UNKNOWN', `upload ${id} is unknown`);
    return offset;
  }

  /** PATCH: appends one chunk (with Content-Range) or a stream (without). Returns the new offset. */
  async append(repository: string, id: string, body: UploadBody, pusher: string): Promise<number> {
    await this.space.assertRoomFor(body.contentLength);
    return this.withLease(repository, id, async (offset) => {
      const limit = await this.quotas.allowance(repository, pusher);
      const digester = await this.hasherAt(id, offset);
      const size = await this.write(repository, id, offset, body, digester, limit);
      this.hashers.put(id, digester);
      return { offset: size, result: size };
    });
  }

  /** PUT: optional last chunk, then verification against `digest` and commit. */
  async complete(repository: string, id: string, digest: string | undefined, body: UploadBody | undefined, pusher: string): Promise<string> {
    if (!digest) throw new OciError('DIGEST_INVALID', 'the digest query parameter is required to complete an upload');
    const expected = parseDigest(digest);
    const kind = this.ids.check(repository, id);
    if (body) await this.space.assertRoomFor(body.contentLength);
    if (body && isSmall(body)) {
      // POST then PUT with the whole (small) blob, as clients push configs and small layers: verify
      // the bytes in memory, publish them, then claim the session and record the blob in one
      // statement. Anything else (earlier chunks, a mismatch, a busy session) takes the general path.
      const buffer = await readBounded(body.stream, body.contentLength);
      if (digestOf(buffer, expected.algorithm) === expected.digest) {
        await this.refuseOverQuota(repository, id, expected.digest, buffer.length, pusher);
        await this.storage.putBlob(expected.digest, buffer);
        const claimed = await this.quotas.charging(repository, expected.digest, pusher, () =>
          this.repositories.withId(repository, (repositoryId) =>
            this.uploads.completeWithBlob(id, repository, repositoryId, expected.digest, buffer.length, kind),
          ),
        );
        if (claimed) {
          this.hashers.drop(id);
          await this.storage.deleteUpload(id).catch(() => undefined);
          return expected.digest;
        }
      }
      body = { stream: Readable.from([buffer]), contentLength: buffer.length };
    }
    return this.withLease(repository, id, async (offset) => {
      let digester = await this.hasherAt(id, offset);
      let size = offset;
      if (body) size = await this.write(repository, id, offset, body, digester, await this.quotas.allowance(repository, pusher, expected.digest));
      if (digester.algorithm !== expected.algorithm) {
        digester = createDigester(expected.algorithm);
        await this.feed(id, digester, 0, size);
      }
      await this.commit(repository, id, expected.digest, digester, size, pusher);
      return { offset: undefined, result: expected.digest, done: true };
    });
  }

  /**
   * DELETE: the bytes go first, so that cancelling frees the space even when the bookkeeping that
   * follows fails (a full disk that also holds the database).
   */
  async cancel(repository: string, id: string): Promise<void> {
    const offset = await this.uploads.offset(id, repository, this.ids.check(repository, id));
    if (offset === undefined) throw new OciError('BLOB_UPLOAD_UNKNOWN', `upload ${id} is unknown`);
    this.hashers.drop(id);
    await this.storage.deleteUpload(id);
    await this.uploads.close(id);
  }

  /**
   * Runs `fn` holding the upload's lease. `fn` returns the offset to record (undefined keeps the
   * old one). Any failure keeps the acknowledged offset: the next append overwrites what a failed
   * one left beyond it.
   */
  private async withLease<T>(
    repository: string,
    id: string,
    fn: (offset: number) => Promise<{ offset: number | undefined; result: T; done?: boolean }>,
  ): Promise<T> {
    const lease = await this.uploads.acquire(id, repository, this.ids.check(repository, id));
    if (lease.state === 'unknown') throw new OciError('BLOB_UPLOAD_UNKNOWN', `upload ${id} is unknown`);
    if (lease.state === 'busy') {
      throw new OciError('RANGE_INVALID', `upload ${id} is being written by another request`, undefined, {
        Range: uploadRange(lease.offset),
        Location: `/v2/${repository}/blobs/uploads/${id}`,
      });
    }
    const renewal = setInterval(() => void this.uploads.renew(id).catch(() => undefined), UPLOAD_LEASE_RENEW_MS).unref();
    try {
      if (lease.offset === 0) await this.ensureUploadFile(id);
      const { offset, result, done } = await fn(lease.offset);
      if (!done) await this.uploads.release(id, offset);
      return result;
    } catch (err) {
      this.hashers.drop(id);
      await this.uploads.release(id).catch(() => undefined);
      if (err instanceof OciError && err.status === 416) {
        throw new OciError(err.code, err.message, err.detail, {
          Range: uploadRange(lease.offset),
          Location: `/v2/${repository}/blobs/uploads/${id}`,
        }, err.status);
      }
      throw err;
    } finally {
      clearInterval(renewal);
    }
  }

  /** The session's file, which a session holding no bytes may not have yet. */
  private async ensureUploadFile(id: string): Promise<void> {
    try {
      await this.storage.createUpload(id);
    } catch (err) {
      if (!(err instanceof StorageError && err.code === 'ALREADY_EXISTS')) throw err;
    }
  }

  /** A hasher that has seen exactly the first `offset` bytes of the upload. */
  private async hasherAt(id: string, offset: number, algorithm: DigestAlgorithm = 'sha256'): Promise<Digester> {
    let digester = this.hashers.take(id);
    if (!digester || digester.bytes > offset || digester.algorithm !== algorithm) digester = createDigester(algorithm);
    if (digester.bytes < offset) await this.feed(id, digester, digester.bytes, offset);
    return digester;
  }

  private async feed(id: string, digester: Digester, start: number, end: number): Promise<void> {
    if (end <= start) return;
    for await (const chunk of this.storage.readUpload(id, start, end)) digester.update(chunk as Buffer);
  }

  /**
   * Streams the body into storage at `offset`, hashing on the way. Returns the new size. With
   * `limit` (what the project's quota has left), a session that would hold more is refused and
   * discarded: before reading when the body declares its length, else when its bytes pass it.
   */
  private async write(repository: string, id: string, offset: number, body: UploadBody, digester: Digester, limit?: QuotaAllowance): Promise<number> {
    let expected: number | undefined = body.contentLength;
    if (body.contentRange !== undefined) {
      const range = parseContentRange(body.contentRange);
      if (range.start !== offset) {
        throw new OciError('RANGE_INVALID', `chunk starts at ${range.start} but the upload has ${offset} bytes`);
      }
      const length = range.end - range.start + 1;
      if (expected !== undefined && expected !== length) {
        throw new OciError('SIZE_INVALID', `Content-Length ${expected} does not match Content-Range ${body.contentRange}`);
      }
      expected = length;
    }
    const room = limit ? limit.left - offset : Infinity;
    if (limit && expected !== undefined && expected > room) {
      await this.discard(id);
      throw this.quotas.sessionRefusal(repository, limit, offset + expected);
    }
    let received = 0;
    async function* hashed(source: Readable): AsyncGenerator<Buffer> {
      for await (const chunk of chunksOf(source)) {
        const buf = chunk as Buffer;
        received += buf.length;
        if (expected !== undefined && received > expected) {
          throw new OciError('SIZE_INVALID', `body is longer than the declared ${expected} bytes`);
        }
        if (received > room) throw new OverQuota();
        digester.update(buf);
        yield buf;
      }
    }
    try {
      await this.storage.writeUpload(id, offset, hashed(body.stream));
    } catch (err) {
      if (err instanceof StorageError && err.code === 'NOT_FOUND') throw new OciError('BLOB_UPLOAD_UNKNOWN', `upload ${id} is unknown`);
      if (err instanceof OverQuota && limit) {
        await this.discard(id);
        throw this.quotas.sessionRefusal(repository, limit, offset + received);
      }
      throw err;
    }
    if (expected !== undefined && received !== expected) {
      throw new OciError('SIZE_INVALID', `received ${received} bytes, ${expected} were declared`);
    }
    return offset + received;
  }

  /** Ends a session that can never complete and gives its bytes back. */
  private async discard(id: string): Promise<void> {
    this.hashers.drop(id);
    await this.uploads.close(id).catch(() => undefined);
    await this.storage.deleteUpload(id).catch(() => undefined);
  }

  /** Verifies the digest, makes the bytes durable and visible, then records them. */
  private async commit(repository: string, id: string, digest: string, digester: Digester, size: number, pusher: string): Promise<void> {
    const actual = digester.digest();
    if (actual !== digest) {
      // Nothing of a mismatched upload is kept: the client must start again.
      await this.discard(id);
      throw new OciError('DIGEST_INVALID', `content digest ${actual} does not match ${digest}`);
    }
    await this.refuseOverQuota(repository, id, digest, size, pusher);
    await this.storage.commitUpload(id, digest, size);
    await this.record(repository, digest, size, pusher, id);
    this.hashers.drop(id);
  }

  /** A blob the project cannot hold: the upload is discarded (nothing kept) and the push refused. */
  private async refuseOverQuota(repository: string, id: string, digest: string, size: number, pusher: string): Promise<void> {
    try {
      await this.quotas.checkBlob(repository, digest, size, pusher);
    } catch (err) {
      await this.discard(id);
      throw err;
    }
  }

  /**
   * Storage first, metadata second: a crash in between leaves bytes no row points at (invisible,
   * collected later), never a row without bytes.
   */
  private async record(repository: string, digest: string, size: number, pusher: string, uploadId?: string): Promise<void> {
    // One autocommit statement: the link is what makes the blob visible (and charges the
    // project), and closing the session afterwards is harmless if it fails (it is then merely stale).
    try {
      await this.quotas.charging(repository, digest, pusher, () => this.repositories.withId(repository, (id) => this.blobs.record(id, digest, size, null)));
    } catch (err) {
      // Refused by the quota after the bytes were committed (another push took the room meanwhile):
      // the session is over; the unrecorded bytes are garbage collection's.
      if (uploadId && err instanceof OciError) await this.uploads.close(uploadId).catch(() => undefined);
      throw err;
    }
    if (uploadId) await this.uploads.close(uploadId);
  }
}
