import type { StorageDriver } from '../driver';
import { chunksOf, expectStorageError, isDate, readBlobBytes, sha256Digest, sha512Digest, toArray } from './suite-helpers';

export function blobCases(driver: () => StorageDriver): void {
  describe('blobs', () => {
    it('stores a blob with putBlob and reads it back whole', async () => {
      const content = Buffer.from('{"mediaType":"application/vnd.oci.image.manifest.v1+json"}');
      const digest = sha256Digest(content);
      const before = Date.now() - 5_000;
      await driver().putBlob(digest, content);
      expect(await driver().readAll(digest)).toEqual(content);
      expect(await readBlobBytes(driver(), digest)).toEqual(content);
      const stat = await driver().stat(digest);
      expect(stat?.size).toBe(content.length);
      expect(isDate(stat?.modifiedAt)).toBe(true);
      expect(stat?.modifiedAt.getTime()).toBeGreaterThanOrEqual(before);
    });

    it('writes an existing digest again with the same bytes', async () => {
      const content = Buffer.from('manifest');
      const digest = sha256Digest(content);
      await driver().putBlob(digest, content);
      await driver().putBlob(digest, content);
      expect(await driver().readAll(digest)).toEqual(content);
      expect(await toArray(driver().listBlobs())).toEqual([digest]);
    });

    it('survives concurrent putBlob of the same digest', async () => {
      const content = Buffer.alloc(512 * 1024, 'wharf');
      const digest = sha256Digest(content);
      await Promise.all(Array.from({ length: 8 }, () => driver().putBlob(digest, content)));
      expect((await driver().readAll(digest)).equals(content)).toBe(true);
      expect(await toArray(driver().listBlobs())).toEqual([digest]);
    });

    it('stores empty blobs and sha512 blobs', async () => {
      const empty = Buffer.alloc(0);
      const content = Buffer.from('sha512 content');
      await driver().putBlob(sha256Digest(empty), empty);
      await driver().putBlob(sha512Digest(content), content);
      expect(await driver().readAll(sha256Digest(empty))).toEqual(empty);
      expect(await readBlobBytes(driver(), sha256Digest(empty))).toEqual(empty);
      expect(await driver().stat(sha256Digest(empty))).toMatchObject({ size: 0 });
      expect(await driver().readAll(sha512Digest(content))).toEqual(content);
      expect((await toArray(driver().listBlobs())).sort()).toEqual([sha256Digest(empty), sha512Digest(content)].sort());
    });

    it('reports a missing blob: stat null, read and readAll NOT_FOUND, delete false', async () => {
      const digest = sha256Digest(Buffer.from('never stored'));
      expect(await driver().stat(digest)).toBeNull();
      // read must reject its promise, not hand back a stream that fails later.
      await expectStorageError(() => driver().read(digest), 'NOT_FOUND');
      await expectStorageError(() => driver().read(digest, { start: 0, end: 0 }), 'NOT_FOUND');
      await expectStorageError(() => driver().readAll(digest), 'NOT_FOUND');
      expect(await driver().delete(digest)).toBe(false);
    });

    it('deletes a blob', async () => {
      const content = Buffer.from('to delete');
      const digest = sha256Digest(content);
      await driver().putBlob(digest, content);
      expect(await driver().delete(digest)).toBe(true);
      expect(await driver().stat(digest)).toBeNull();
      await expectStorageError(() => driver().readAll(digest), 'NOT_FOUND');
      expect(await toArray(driver().listBlobs())).toEqual([]);
      expect(await driver().delete(digest)).toBe(false);
      // A deleted digest can be stored again.
      await driver().putBlob(digest, content);
      expect(await driver().readAll(digest)).toEqual(content);
    });

    it('reads inclusive byte ranges', async () => {
      const content = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      const digest = sha256Digest(content);
      await driver().putBlob(digest, content);
      const read = (start: number, end: number) => readBlobBytes(driver(), digest, { start, end });
      expect(await read(0, 0)).toEqual(content.subarray(0, 1));
      expect(await read(255, 255)).toEqual(content.subarray(255));
      expect(await read(10, 19)).toEqual(content.subarray(10, 20));
      expect(await read(0, 255)).toEqual(content);
      expect(await read(100, 255)).toEqual(content.subarray(100));
    });

    it('refuses ranges outside the blob with INVALID_RANGE', async () => {
      const content = Buffer.alloc(256, 1);
      const digest = sha256Digest(content);
      await driver().putBlob(digest, content);
      for (const [start, end] of [
        [5, 4],
        [256, 256],
        [0, 256],
        [300, 400],
        [-1, 3],
      ]) {
        await expectStorageError(() => driver().read(digest, { start, end }), 'INVALID_RANGE');
      }
      const empty = Buffer.alloc(0);
      await driver().putBlob(sha256Digest(empty), empty);
      await expectStorageError(() => driver().read(sha256Digest(empty), { start: 0, end: 0 }), 'INVALID_RANGE');
    });

    it('lists exactly the committed blobs', async () => {
      expect(await toArray(driver().listBlobs())).toEqual([]);
      const stored = ['one', 'two', 'three'].map((s) => Buffer.from(s));
      await driver().putBlob(sha256Digest(stored[0]), stored[0]);
      await driver().putBlob(sha256Digest(stored[1]), stored[1]);
      await driver().createUpload('u1');
      await driver().writeUpload('u1', 0, chunksOf(stored[2]));
      await driver().commitUpload('u1', sha256Digest(stored[2]), stored[2].length);
      // An upload is not a blob until committed.
      await driver().createUpload('pending');
      expect((await toArray(driver().listBlobs())).sort()).toEqual(stored.map(sha256Digest).sort());
    });
  });
}
