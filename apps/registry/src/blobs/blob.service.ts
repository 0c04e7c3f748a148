import type { Readable } from 'node:stream';
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

  async open(blob: BlobRow, range?: { start: number; end: number }): Promise<Readable> {
    try {
      return await this.storage.read(blob.digest, range);
    } catch (err) {
      if (err instanceof StorageError && err.code === 'NOT_FOUND') {
        this.logger.error(`failed to read blob ${blob.digest}: recorded in the database but missing from storage`);
        throw new OciError('BLOB_UNKNOWN', `blob ${blob.digest} is unavailable`, { digest: blob.digest });
      }
      throw err;
    }
  }

  async delete(repository: string, digest: string): Promise<void> {
    const d = parseDigest(digest);
    if (!(await this.blobs.unlink(repository, d.digest))) {
      throw new OciError('BLOB_UNKNOWN', `blob ${d.digest} is unknown to repository ${repository}`, { digest: d.digest });
    }
  }
}
