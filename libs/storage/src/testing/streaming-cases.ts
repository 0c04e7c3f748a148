import { Readable } from 'node:stream';
import type { StorageDriver } from '../driver';
import {
  chunksOf,
  collect,
  failingSource,
  generatedStream,
  readUploadBytes,
  sha256Digest,
  streamDigest,
} from './suite-helpers';

const MiB = 1024 * 1024;

// Large enough to exercise batching and backpressure; generous for slow CI disks and remote stores.
const LARGE_TIMEOUT_MS = 120_000;

export function streamingCases(driver: () => StorageDriver): void {
  describe('streaming', () => {
    it(
      'streams a multi-megabyte upload in and a blob out with matching sha256',
      async () => {
        const size = 20 * MiB;
        const source = generatedStream(size, 64 * 1024);
        await driver().createUpload('big');
        expect(await driver().writeUpload('big', 0, source.stream)).toBe(size);
        const digest = source.digest();
        expect(await driver().uploadSize('big')).toBe(size);
        expect(await streamDigest(driver().readUpload('big'))).toEqual({ digest, size });

        await driver().commitUpload('big', digest, size);
        expect(await driver().stat(digest)).toMatchObject({ size });
        expect(await streamDigest(await driver().read(digest))).toEqual({ digest, size });

        // A range spanning several read chunks.
        const tail = await collect(await driver().read(digest, { start: size - 3 * MiB - 5, end: size - 1 }));
        expect(tail.length).toBe(3 * MiB + 5);
      },
      LARGE_TIMEOUT_MS,
    );

    it(
      'appends large writes at odd offsets, as chunked PATCH requests do',
      async () => {
        const first = generatedStream(3 * MiB + 7, 64 * 1024);
        const second = generatedStream(5 * MiB + 13, 16 * 1024 + 3);
        await driver().createUpload('chunked');
        const afterFirst = await driver().writeUpload('chunked', 0, first.stream);
        expect(afterFirst).toBe(3 * MiB + 7);
        expect(await driver().writeUpload('chunked', afterFirst, second.stream)).toBe(8 * MiB + 20);

        const whole = await readUploadBytes(driver(), 'chunked');
        expect(sha256Digest(whole.subarray(0, afterFirst))).toBe(first.digest());
        expect(sha256Digest(whole.subarray(afterFirst))).toBe(second.digest());
        const middle = await readUploadBytes(driver(), 'chunked', afterFirst - 10, afterFirst + 10);
        expect(middle).toEqual(whole.subarray(afterFirst - 10, afterFirst + 10));
      },
      LARGE_TIMEOUT_MS,
    );

    it('writes a stream of many tiny chunks intact', async () => {
      const chunks = Array.from({ length: 5000 }, (_, i) => Buffer.from(String(i % 97).repeat((i % 5) + 1)));
      const expected = Buffer.concat(chunks);
      await driver().createUpload('tiny');
      expect(await driver().writeUpload('tiny', 0, Readable.from(chunks))).toBe(expected.length);
      expect(await readUploadBytes(driver(), 'tiny')).toEqual(expected);
    });

    it('rethrows a source error, keeps the bytes before the offset and holds none past it', async () => {
      await driver().createUpload('u1');
      await driver().writeUpload('u1', 0, chunksOf(Buffer.from('hello')));
      const boom = new Error('client went away');
      await expect(
        driver().writeUpload('u1', 5, failingSource([Buffer.from(' wor'), Buffer.alloc(2 * MiB, 'l')], boom)),
      ).rejects.toBe(boom);
      // Nobody acknowledged the failed write's bytes: on a full disk they are space to give back.
      expect(await driver().uploadSize('u1')).toBe(5);
      expect((await readUploadBytes(driver(), 'u1', 0, 5)).toString()).toBe('hello');

      // The upload stays usable: the client resumes from the offset the registry recorded.
      expect(await driver().writeUpload('u1', 5, chunksOf(Buffer.from(' world')))).toBe(11);
      expect((await readUploadBytes(driver(), 'u1')).toString()).toBe('hello world');
    });

    it('rethrows the error of a Readable that is destroyed midway', async () => {
      await driver().createUpload('u1');
      await driver().writeUpload('u1', 0, chunksOf(Buffer.from('abc')));
      const boom = new Error('socket reset');
      let sent = 0;
      const source = new Readable({
        read() {
          if (sent++ < 3) this.push(Buffer.alloc(64 * 1024, sent));
          else this.destroy(boom);
        },
      });
      await expect(driver().writeUpload('u1', 3, source)).rejects.toBe(boom);
      expect((await readUploadBytes(driver(), 'u1')).toString()).toBe('abc');
    });
  });
}
