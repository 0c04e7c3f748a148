import { read } from 'node:fs';
import type { Writable } from 'node:stream';
import { promisify } from 'node:util';

const readAsync = promisify(read);

const CHUNK_BYTES = 1024 * 1024;
const RING_SIZE = 4;

/**
 * Copies bytes [start, end) of an open file (end undefined: to EOF) into `destination`, reusing a
 * ring of four 1 MiB buffers. Allocating a fresh buffer per chunk, as a read stream does, makes
 * the kernel fault in and zero new pages and the garbage collector free them again: on a large
 * process heap that halves serving throughput. A buffer is reused only after the write that used
 * it has completed. Returns the bytes whose writes completed; that is less than asked for if the
 * file ends early or `destination` closes or fails.
 */
export async function sendFileRange(fd: number, start: number, end: number | undefined, destination: Writable): Promise<number> {
  const ring = Array.from({ length: RING_SIZE }, () => Buffer.allocUnsafeSlow(CHUNK_BYTES));
  const pending: Promise<void>[] = [];
  let gone = destination.destroyed || destination.writableEnded;
  let signalGone: () => void = () => undefined;
  const goneSignal = new Promise<void>((resolve) => (signalGone = resolve));
  const onGone = () => {
    gone = true;
    signalGone();
  };
  destination.once('close', onGone);
  destination.once('error', onGone);

  let position = start;
  let delivered = 0;
  let slot = 0;
  try {
    while (!gone && (end === undefined || position < end)) {
      // This buffer is free once its previous write completed (or the destination is gone).
      const previous = pending[slot] as Promise<void> | undefined;
      if (previous) await Promise.race([previous, goneSignal]);
      if (gone) break;
      const buffer = ring[slot];
      const want = end === undefined ? CHUNK_BYTES : Math.min(CHUNK_BYTES, end - position);
      const { bytesRead } = await readAsync(fd, buffer, 0, want, position);
      if (bytesRead === 0 || gone) break;
      position += bytesRead;
      const chunk = bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead);
      pending[slot] = new Promise<void>((resolve) =>
        destination.write(chunk, (err) => {
          if (err) onGone();
          else delivered += bytesRead;
          resolve();
        }),
      );
      slot = (slot + 1) % RING_SIZE;
    }
    await Promise.race([Promise.all(pending), goneSignal]);
  } finally {
    destination.off('close', onGone);
    destination.off('error', onGone);
  }
  return delivered;
}
