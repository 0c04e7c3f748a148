import { pipeline, Readable, Transform } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { OciError, parseDigest } from '@wharf/oci';
import { StorageDriver, StorageError } from '@wharf/storage';
import type { FastifyReply } from 'fastify';
import type { RegistryConfig } from '../config';
import { CONFIG, STORAGE } from '../infra/tokens';
import { BlobRow, BlobStore } from '../metadata/blob.store';
import { accelUri } from './accel-uri';

@Injectable()
export class BlobService {
  private readonly logger = new Logger('blobs');

  constructor(
    @Inject(STORAGE) private readonly storage: StorageDriver,
    private readonly blobs: BlobStore,
    @Inject(CONFIG) private readonly config: RegistryConfig,
  ) {}

  async stat(repository: string, digest: string): Promise<BlobRow> {
    const d = parseDigest(digest);
    const blob = await this.blobs.findInRepository(repository, d.digest);
    if (!blob) throw new OciError('BLOB_UNKNOWN', `blob ${d.digest} is unknown to repository ${repository}`, { digest: d.digest });
    return blob;
  }

  /**
   * Where the gateway can serve the blob's file itself (`X-Accel-Redirect`), or undefined when the
   * registry must stream it: offload not configured, a driver without local files, or a file whose
   * size is not the recorded one (streaming then reports the damage and cuts the transfer instead
   * of letting the gateway send wrong bytes). A file missing altogether is BLOB_UNKNOWN, as when
   * streaming. One stat per pull: the file's bytes never pass through this process.
   */
  async offloadUri(blob: BlobRow): Promise<string | undefined> {
    const prefix = this.config.accelPrefix;
    if (prefix === undefined) return undefined;
    const uri = accelUri(prefix, this.storage, this.config.dataDir, blob.digest);
    if (uri === undefined) return undefined;
    const stat = await this.storage.stat(blob.digest);
    if (!stat) throw this.missing(new StorageError('NOT_FOUND', `blob ${blob.digest} not found`), blob);
    return stat.size === blob.size ? uri : undefined;
  }

  /**
   * Sends the blob (or range) as the response body with `status` and the headers already set on
   * `reply`. Uses the driver's buffer-reusing `sendTo` where it has one, else a stream. A transfer
   * that ends short (damaged storage, client gone) cuts the connection rather than leaving a
   * client waiting on a Content-Length that will not arrive.
   */
  async send(blob: BlobRow, reply: FastifyReply, status: number, range?: { start: number; end: number }): Promise<void> {
    const expected = range ? range.end - range.start + 1 : blob.size;
    reply.header('Content-Length', expected);
    if (!this.storage.sendTo) {
      reply.status(status).send(await this.open(blob, range));
      return;
    }
    const res = reply.raw;
    let sent: number;
    try {
      sent = await this.storage.sendTo(
        blob.digest,
        res,
        () => {
          reply.hijack();
          res.writeHead(status, reply.getHeaders() as Record<string, string | number>);
        },
        range,
      );
    } catch (err) {
      throw this.missing(err, blob);
    }
    if (sent === expected) {
      res.end();
      return;
    }
    if (!res.destroyed) this.logger.error(`failed to read blob ${blob.digest}: storage returned ${sent} of ${expected} bytes`);
    res.destroy();
  }

  private missing(err: unknown, blob: BlobRow): unknown {
    if (err instanceof StorageError && err.code === 'NOT_FOUND') {
      this.logger.error(`failed to read blob ${blob.digest}: recorded in the database but missing from storage`);
      return new OciError('BLOB_UNKNOWN', `blob ${blob.digest} is unavailable`, { digest: blob.digest });
    }
    return err;
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
      throw this.missing(err, blob);
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
