import type { StorageDriver } from '../driver';
import { chunksOf, sha256Digest, toArray } from './suite-helpers';

const HOUR_MS = 3600_000;

/** deleteBlobIfStale and the write-over semantics of commits that garbage collection relies on. */
export function gcCases(driver: () => StorageDriver): void {
  describe('purgeInterruptedWrites', () => {
    it('leaves committed blobs and uploads alone, in a dry run and a real one', async () => {
      const content = Buffer.from('committed');
      const digest = sha256Digest(content);
      await driver().putBlob(digest, content);
      await driver().createUpload('open-upload');
      await driver().writeUpload('open-upload', 0, chunksOf(Buffer.from('partial')));
      const future = new Date(Date.now() + HOUR_MS);
      expect(await driver().purgeInterruptedWrites(future, true)).toBe(0);
      expect(await driver().purgeInterruptedWrites(future)).toBe(0);
      expect(await driver().readAll(digest)).toEqual(content);
      expect(await driver().uploadSize('open-upload')).toBe(7);
      expect(await toArray(driver().listBlobs())).toEqual([digest]);
    });
  });

  describe('deleteBlobIfStale', () => {
    const content = Buffer.from('garbage candidate');
    const digest = sha256Digest(content);
    const inAnHour = () => new Date(Date.now() + HOUR_MS);
    const anHourAgo = () => new Date(Date.now() - HOUR_MS);

    it('deletes a blob written before the limit', async () => {
      await driver().putBlob(digest, content);
      expect(await driver().deleteBlobIfStale(digest, inAnHour())).toBe('deleted');
      expect(await driver().stat(digest)).toBeNull();
      expect(await toArray(driver().listBlobs())).toEqual([]);
      expect(await driver().restoreSetAside()).toBe(0);
      expect(await driver().stat(digest)).toBeNull();
    });

    it('keeps a blob written after the limit, readable and listed', async () => {
      await driver().putBlob(digest, content);
      expect(await driver().deleteBlobIfStale(digest, anHourAgo())).toBe('kept');
      expect(await driver().readAll(digest)).toEqual(content);
      expect(await toArray(driver().listBlobs())).toEqual([digest]);
    });

    it('answers absent for a blob that does not exist', async () => {
      expect(await driver().deleteBlobIfStale(digest, inAnHour())).toBe('absent');
    });

    it('lets a later commit of the same digest write it again', async () => {
      await driver().putBlob(digest, content);
      expect(await driver().deleteBlobIfStale(digest, inAnHour())).toBe('deleted');
      await driver().createUpload('again');
      await driver().writeUpload('again', 0, chunksOf(content));
      await driver().commitUpload('again', digest, content.length);
      expect(await driver().readAll(digest)).toEqual(content);
    });

    it('gives a blob committed over an existing one the time of that commit', async () => {
      await driver().putBlob(digest, content);
      const before = new Date(Date.now() - 1000);
      await driver().createUpload('over');
      await driver().writeUpload('over', 0, chunksOf(content));
      await driver().commitUpload('over', digest, content.length);
      const stat = await driver().stat(digest);
      expect(stat?.modifiedAt.getTime()).toBeGreaterThanOrEqual(before.getTime());
      expect(await driver().deleteBlobIfStale(digest, before)).toBe('kept');
      expect(await driver().readAll(digest)).toEqual(content);
    });
  });
}
