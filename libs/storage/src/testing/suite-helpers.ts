import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { StorageError, type StorageDriver, type StorageErrorCode } from '../driver';

export function sha256Digest(content: Buffer): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

export function sha512Digest(content: Buffer): string {
  return `sha512:${createHash('sha512').update(content).digest('hex')}`;
}

export async function collect(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** The sha256 digest of everything a stream yields, without holding it in memory. */
export async function streamDigest(stream: AsyncIterable<Buffer>): Promise<{ digest: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { digest: `sha256:${hash.digest('hex')}`, size };
}

/**
 * Whether `value` is a Date from any realm: Node's fs hands jest tests Dates made outside the test
 * sandbox, which fail `toBeInstanceOf(Date)`.
 */
export function isDate(value: unknown): value is Date {
  return Object.prototype.toString.call(value) === '[object Date]';
}

export async function toArray<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** readUpload may fail synchronously (bad arguments) or through the stream (missing upload). */
export async function readUploadBytes(driver: StorageDriver, id: string, start?: number, end?: number): Promise<Buffer> {
  return collect(driver.readUpload(id, start, end));
}

export async function readBlobBytes(driver: StorageDriver, digest: string, range?: { start: number; end: number }) {
  return collect(await driver.read(digest, range));
}

/**
 * Asserts that `action` fails with StorageError(`code`), whether it throws synchronously or
 * returns a rejected promise.
 */
export async function expectStorageError(action: () => unknown, code: StorageErrorCode): Promise<void> {
  let failure: unknown;
  try {
    await action();
  } catch (err) {
    failure = err;
  }
  expect(failure).toBeInstanceOf(StorageError);
  expect(failure).toMatchObject({ code });
}

/**
 * A stream of `size` random bytes made on demand in `chunkSize` chunks, honouring backpressure;
 * `digest()` gives the sha256 of what it produced once it has ended.
 */
export function generatedStream(size: number, chunkSize: number): { stream: Readable; digest: () => string } {
  const hash = createHash('sha256');
  let remaining = size;
  let digest: string | undefined;
  const stream = new Readable({
    read() {
      if (remaining === 0) {
        digest = `sha256:${hash.digest('hex')}`;
        this.push(null);
        return;
      }
      // A fresh buffer per chunk: consumers may hold on to the chunks they were given.
      const chunk = randomBytes(Math.min(chunkSize, remaining));
      remaining -= chunk.length;
      hash.update(chunk);
      this.push(chunk);
    },
  });
  return {
    stream,
    digest: () => {
      if (digest === undefined) throw new Error('generated stream has not ended');
      return digest;
    },
  };
}

/** Yields `chunks`, then fails with `error`, as a client that disconnects mid-request does. */
export async function* failingSource(chunks: Buffer[], error: Error): AsyncIterable<Buffer> {
  for (const chunk of chunks) yield chunk;
  throw error;
}

export async function* chunksOf(...chunks: Buffer[]): AsyncIterable<Buffer> {
  yield* chunks;
}
