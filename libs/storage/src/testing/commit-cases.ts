import type { StorageDriver } from '../driver';
import { chunksOf, expectStorageError, readUploadBytes, sha256Digest, toArray } from './suite-helpers';

export function commitCases(driver: () => StorageDriver): void {
  describe('commitUpload', () => {
    async function upload(id: string, content: Buffer): Promise<void> {
      await driver().createUpload(id);
      await driver().writeUpload(id, 0, chunksOf(content));
    }

    it('makes the bytes readable as the blob and removes the upload', async () => {
      const content = Buffer.from('layer bytes');
      const digest = sha256Digest(content);
      await upload('u1', content);
      expect(await driver().stat(digest)).toBeNull();
      await driver().commitUpload('u1', digest, content.length);
      expect(await driver().readAll(digest)).toEqual(content);
      expect(await driver().stat(digest)).toMatchObject({ size: content.length });
      await expectStorageError(() => driver().uploadSize('u1'), 'NOT_FOUND');
      expect(await toArray(driver().listUploads())).toEqual([]);
      expect(await toArray(driver().listBlobs())).toEqual([digest]);
    });

    it('only removes the upload when the blob already exists', async () => {
      const content = Buffer.from('same bytes');
      const digest = sha256Digest(content);
      await upload('first', content);
      await driver().commitUpload('first', digest, content.length);
      await upload('second', content);
      await driver().commitUpload('second', digest, content.length);
      expect(await driver().readAll(digest)).toEqual(content);
      await expectStorageError(() => driver().uploadSize('second'), 'NOT_FOUND');
      expect(await toArray(driver().listBlobs())).toEqual([digest]);
    });

    it('commits into a blob that putBlob wrote', async () => {
      const content = Buffer.from('{"schemaVersion":2}');
      const digest = sha256Digest(content);
      await driver().putBlob(digest, content);
      await upload('u1', content);
      await driver().commitUpload('u1', digest, content.length);
      expect(await driver().readAll(digest)).toEqual(content);
      expect(await toArray(driver().listUploads())).toEqual([]);
    });

    it('commits only the first `size` bytes when the upload holds more', async () => {
      const digest = sha256Digest(Buffer.from('hello'));
      await upload('u1', Buffer.from('hello world'));
      await driver().commitUpload('u1', digest, 5);
      expect((await driver().readAll(digest)).toString()).toBe('hello');
      expect(await driver().stat(digest)).toMatchObject({ size: 5 });
    });

    it('refuses a size larger than the upload with INVALID_OFFSET and keeps the upload', async () => {
      const digest = sha256Digest(Buffer.from('hello!'));
      await upload('u1', Buffer.from('hello'));
      await expectStorageError(() => driver().commitUpload('u1', digest, 6), 'INVALID_OFFSET');
      expect(await driver().stat(digest)).toBeNull();
      expect((await readUploadBytes(driver(), 'u1')).toString()).toBe('hello');
    });

    it('reports NOT_FOUND for a missing upload', async () => {
      await expectStorageError(() => driver().commitUpload('missing', sha256Digest(Buffer.alloc(0)), 0), 'NOT_FOUND');
    });

    it('commits an empty upload as an empty blob', async () => {
      const digest = sha256Digest(Buffer.alloc(0));
      await driver().createUpload('u1');
      await driver().commitUpload('u1', digest, 0);
      expect(await driver().readAll(digest)).toEqual(Buffer.alloc(0));
      expect(await driver().stat(digest)).toMatchObject({ size: 0 });
    });

    it('survives concurrent commits of the same digest from different uploads', async () => {
      const content = Buffer.alloc(256 * 1024, 7);
      const digest = sha256Digest(content);
      const ids = ['c0', 'c1', 'c2', 'c3', 'c4', 'c5'];
      for (const id of ids) await upload(id, content);
      await Promise.all(ids.map((id) => driver().commitUpload(id, digest, content.length)));
      expect((await driver().readAll(digest)).equals(content)).toBe(true);
      expect(await toArray(driver().listUploads())).toEqual([]);
      expect(await toArray(driver().listBlobs())).toEqual([digest]);
    });
  });
}
