import { pipeline, Readable, Transform } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { OciError, parseDigest } from '@wharf/oci';
import { StorageDriver, StorageError } from '@wharf/storage';
import { STORAGE } from '../infra/tokens';
import { BlobRow, BlobStore } from '../metadata/blob.store';

@Injectable()
export class BlobService {
  private readonly logger = new Logger('blobs');

  constructor(
    @Inject(STORAGE) private readonly storage: StorageDriver,
    private readonly blobs: BlobStore,
  ) {}

  async stat(repository: string, digest: string): Promise<BlobRow> {
    const d = parseDigest(digest);
    const blob = await this.blobs.findInRepository(repository, d.digest);
    if (!blob) throw new OciError('BLOB_UNKNOWN', `blob ${d.digest} is unknown to repository ${repository}`, { digest: d.digest });
    return blob;
  }

  /**
   * Streams the blob (or range). If storage delivers a different number of bytes than the
   * database recorded (damaged or truncated file), the stream fails, which cuts the connection:
   * a client must never wait on a Content-Length that will not arrive, nor get silent short data.
   */
  async open(blob: BlobRow, range?: { start: number; end: number }): Promise<Readable> {
    const expected = range ? range.end - range.start + 1 : blob.size;
    let source: Readable;
    try {
      source = await this.storage.read(blob.digest, range);
    } catch (err) {
      if (err instanceof StorageError && err.code === 'NOT_FOUND') {
        this.logger.error(`failed to read blob ${blob.digest}: recorded in the database but missing from storage`);
        throw new OciError('BLOB_UNKNOWN', `blob ${blob.digest} is unavailable`, { digest: blob.digest });
      }
      throw err;
    }
    let seen = 0;
    const logger = this.logger;
    const counted = new Transform({
      transform(chunk: Buffer, _enc, done) {
        seen += chunk.length;
        done(null, chunk);
      },
      flush(done) {
        if (seen === expected) return done();
        logger.error(`failed to read blob ${blob.digest}: storage returned ${seen} of ${expected} bytes`);
        done(new Error(`short read of blob ${blob.digest}`));
      },
    });
    return pipeline(source, counted, () => undefined);
  }

  async delete(repository: string, digest: string): Promise<void> {
    const d = parseDigest(digest);
    if (!(await this.blobs.unlink(repository, d.digest))) {
      throw new OciError('BLOB_UNKNOWN', `blob ${d.digest} is unknown to repository ${repository}`, { digest: d.digest });
    }
  }
}
