import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { StorageDriver } from '../driver';
import { expectStorageError, sha256Digest } from './suite-helpers';

/** Collects what is written, optionally failing after `failAfter` bytes like a client hanging up. */
class Sink extends Writable {
  readonly chunks: Buffer[] = [];
  received = 0;

  constructor(private readonly failAfter = Infinity) {
    super({ highWaterMark: 64 * 1024 });
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error) => void): void {
    // Copy: the driver may reuse its buffer once this write completes.
    this.chunks.push(Buffer.from(chunk));
    this.received += chunk.length;
    setImmediate(() => (this.received > this.failAfter ? done(new Error('client went away')) : done()));
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** The optional `sendTo` fast path: only for drivers that implement it. */
export function sendCases(driver: () => StorageDriver): void {
  describe('sendTo (optional)', () => {
    const send = (d: StorageDriver) => d.sendTo?.bind(d);

    it('writes the whole blob, byte for byte, across many reused buffers', async () => {
      const d = driver();
      const fn = send(d);
      if (!fn) return;
      const content = randomBytes(5 * 1024 * 1024 + 123);
      const digest = sha256Digest(content);
      await d.putBlob(digest, content);
      const sink = new Sink();
      let opened = 0;
      const n = await fn(digest, sink, () => opened++);
      expect(opened).toBe(1);
      expect(n).toBe(content.length);
      expect(sink.bytes().equals(content)).toBe(true);
    });

    it('writes an inclusive range', async () => {
      const d = driver();
      const fn = send(d);
      if (!fn) return;
      const content = randomBytes(3 * 1024 * 1024);
      const digest = sha256Digest(content);
      await d.putBlob(digest, content);
      const sink = new Sink();
      const n = await fn(digest, sink, () => undefined, { start: 1000, end: 2 * 1024 * 1024 + 5 });
      expect(n).toBe(2 * 1024 * 1024 + 5 - 1000 + 1);
      expect(sink.bytes().equals(content.subarray(1000, 2 * 1024 * 1024 + 6))).toBe(true);
    });

    it('fails before onOpen for a missing blob or a range outside it', async () => {
      const d = driver();
      const fn = send(d);
      if (!fn) return;
      const content = Buffer.from('small');
      const digest = sha256Digest(content);
      await d.putBlob(digest, content);
      let opened = false;
      await expectStorageError(() => fn(sha256Digest(Buffer.from('absent')), new Sink(), () => (opened = true)), 'NOT_FOUND');
      await expectStorageError(() => fn(digest, new Sink(), () => (opened = true), { start: 2, end: 5 }), 'INVALID_RANGE');
      expect(opened).toBe(false);
    });

    it('reports fewer bytes when the destination fails midway', async () => {
      const d = driver();
      const fn = send(d);
      if (!fn) return;
      const content = randomBytes(6 * 1024 * 1024);
      const digest = sha256Digest(content);
      await d.putBlob(digest, content);
      const sink = new Sink(2 * 1024 * 1024);
      sink.on('error', () => undefined);
      const n = await fn(digest, sink, () => undefined);
      expect(n).toBeLessThan(content.length);
    });
  });
}
