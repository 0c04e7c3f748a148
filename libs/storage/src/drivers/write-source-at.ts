import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';

// Network sources deliver 16-64 KiB chunks; one write per chunk would cost a syscall (and a
// thread-pool round trip) per chunk. Chunks are gathered into batches of at least this size and
// each batch is written with a single pwritev.
const BATCH_BYTES = 1024 * 1024;

// Durability is paid at commit (fdatasync before rename). Asking the disk to start flushing while
// data still arrives overlaps that cost with the transfer instead of adding it at the end.
const SYNC_EVERY_BYTES = 32 * 1024 * 1024;

// Linux's IOV_MAX. Past it libuv splits a writev into several syscalls, so a batch of that many
// tiny chunks is cheaper copied into one buffer.
const MAX_IOVECS = 1024;

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk);
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError(`upload source yielded a ${typeof chunk}, expected Buffer`);
}

async function writeBatch(file: FileHandle, chunks: Buffer[], bytes: number, position: number): Promise<void> {
  // libuv loops over short writes itself; a short count here means the disk refused the rest.
  const { bytesWritten } =
    chunks.length === 1
      ? await file.write(chunks[0], 0, bytes, position)
      : chunks.length > MAX_IOVECS
        ? await file.write(Buffer.concat(chunks, bytes), 0, bytes, position)
        : await file.writev(chunks, position);
  if (bytesWritten !== bytes) throw new Error(`short write: ${bytesWritten} of ${bytes} bytes at ${position}`);
}

export interface WriteSourceOptions {
  /**
   * Starts flushing the file's data without being awaited, through a descriptor of its own (an
   * fdatasync on `file` would hold up closing it). Without it the flush runs on `file` and is
   * awaited before returning.
   */
  detachedSync?: () => void;
}

/**
 * Streams `source` into `file` starting at `position` and returns the number of bytes written.
 *
 * One batch is written while the next one is gathered, so disk and network overlap; at most two
 * batches (~2 MiB) are held in memory, and the source is not pulled while a full batch waits for
 * the previous write, which is how backpressure reaches it. Chunks are kept, not copied, so the
 * producer must not reuse a buffer after yielding it (Node streams never do).
 *
 * If the source fails, the bytes already received are still written before its error is rethrown.
 * No write is pending when this returns or throws, so the caller may close `file` right away.
 */
export async function writeSourceAt(
  file: FileHandle,
  position: number,
  source: Readable | AsyncIterable<Buffer>,
  options: WriteSourceOptions = {},
): Promise<number> {
  let batch: Buffer[] = [];
  let batchBytes = 0;
  let next = position;
  let inFlight: Promise<void> | undefined;
  let writeFailed = false;
  let syncedUpTo = position;
  let syncing: Promise<void> | undefined;

  const drain = async (): Promise<void> => {
    const pending = inFlight;
    inFlight = undefined;
    if (pending !== undefined) await pending;
    // Counted on file offsets, not per call: a chunked upload's 8 MB appends cross the same
    // 32 MiB boundaries a single stream does.
    if (syncing === undefined && Math.floor(next / SYNC_EVERY_BYTES) > Math.floor(syncedUpTo / SYNC_EVERY_BYTES)) {
      syncedUpTo = next;
      if (options.detachedSync) {
        // Not waited for: the next append (or the commit's fdatasync) overlaps with it.
        options.detachedSync();
        return;
      }
      // Best effort: a failure here is seen again by the commit's own fdatasync.
      syncing = file.datasync().then(
        () => {
          syncing = undefined;
        },
        () => {
          syncing = undefined;
        },
      );
    }
  };

  const settle = async (): Promise<void> => {
    await drain();
    if (syncing !== undefined) await syncing;
  };

  const flush = async (): Promise<void> => {
    await drain();
    if (batchBytes === 0) return;
    const pending = writeBatch(file, batch, batchBytes, next);
    // Awaited by the next drain; until then a rejection must not count as unhandled.
    pending.catch(() => {
      writeFailed = true;
    });
    inFlight = pending;
    next += batchBytes;
    batch = [];
    batchBytes = 0;
  };

  try {
    for await (const chunk of source) {
      const buffer = toBuffer(chunk);
      if (buffer.length === 0) continue;
      batch.push(buffer);
      batchBytes += buffer.length;
      if (batchBytes >= BATCH_BYTES) await flush();
    }
    await flush();
    await settle();
  } catch (err) {
    // Keep the bytes that arrived before a source error (a resumed upload may build on them), but
    // write nothing after a failed write: it would leave a hole. Either way no write may still be
    // running once we return.
    try {
      await drain();
      if (!writeFailed) {
        await flush();
      }
      await settle();
    } catch {
      // The first error is the one worth reporting.
    }
    throw err;
  }
  return next - position;
}
