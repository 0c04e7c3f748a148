import { Readable } from 'node:stream';
import type { StorageDriver } from '../driver';
import { chunksOf, expectStorageError, isDate, readUploadBytes, toArray } from './suite-helpers';

const text = (s: string): Buffer => Buffer.from(s);

export function uploadCases(driver: () => StorageDriver): void {
  describe('uploads', () => {
    it('creates an empty upload', async () => {
      await driver().createUpload('u1');
      expect(await driver().uploadSize('u1')).toBe(0);
      expect(await readUploadBytes(driver(), 'u1')).toEqual(Buffer.alloc(0));
    });

    it('refuses to create an existing upload and keeps its bytes', async () => {
      await driver().createUpload('u1');
      await driver().writeUpload('u1', 0, chunksOf(text('kept')));
      await expectStorageError(() => driver().createUpload('u1'), 'ALREADY_EXISTS');
      expect((await readUploadBytes(driver(), 'u1')).toString()).toBe('kept');
    });

    it('reports NOT_FOUND for an upload that does not exist', async () => {
      await expectStorageError(() => driver().uploadSize('missing'), 'NOT_FOUND');
      await expectStorageError(() => driver().writeUpload('missing', 0, chunksOf(text('x'))), 'NOT_FOUND');
      await expectStorageError(() => readUploadBytes(driver(), 'missing'), 'NOT_FOUND');
      await expectStorageError(() => readUploadBytes(driver(), 'missing', 0, 0), 'NOT_FOUND');
    });

    it('writes from offset 0 and returns the new size', async () => {
      await driver().createUpload('u1');
      expect(await driver().writeUpload('u1', 0, chunksOf(text('hello '), text('world')))).toBe(11);
      expect(await driver().uploadSize('u1')).toBe(11);
      expect((await readUploadBytes(driver(), 'u1')).toString()).toBe('hello world');
    });

    it('appends at the current size, from a Readable or an async iterable', async () => {
      await driver().createUpload('u1');
      expect(await driver().writeUpload('u1', 0, Readable.from([text('ab'), text('cd')]))).toBe(4);
      expect(await driver().writeUpload('u1', 4, chunksOf(text('ef')))).toBe(6);
      expect(await driver().writeUpload('u1', 6, Readable.from([text('g')]))).toBe(7);
      expect((await readUploadBytes(driver(), 'u1')).toString()).toBe('abcdefg');
    });

    it('discards the bytes at and beyond the offset it writes at', async () => {
      await driver().createUpload('u1');
      await driver().writeUpload('u1', 0, chunksOf(text('abcdef')));
      expect(await driver().writeUpload('u1', 2, chunksOf(text('XY')))).toBe(4);
      expect((await readUploadBytes(driver(), 'u1')).toString()).toBe('abXY');
    });

    it('truncates to the offset when the source is empty', async () => {
      await driver().createUpload('u1');
      await driver().writeUpload('u1', 0, chunksOf(text('abcdef')));
      expect(await driver().writeUpload('u1', 2, chunksOf())).toBe(2);
      expect(await driver().uploadSize('u1')).toBe(2);
      expect(await driver().writeUpload('u1', 2, chunksOf())).toBe(2);
    });

    it('refuses an offset past the stored bytes with INVALID_OFFSET and leaves the upload alone', async () => {
      await driver().createUpload('u1');
      await expectStorageError(() => driver().writeUpload('u1', 1, chunksOf(text('x'))), 'INVALID_OFFSET');
      await driver().writeUpload('u1', 0, chunksOf(text('abc')));
      await expectStorageError(() => driver().writeUpload('u1', 4, chunksOf(text('x'))), 'INVALID_OFFSET');
      expect((await readUploadBytes(driver(), 'u1')).toString()).toBe('abc');
    });

    it('reads byte ranges [start, end) of an upload', async () => {
      await driver().createUpload('u1');
      await driver().writeUpload('u1', 0, chunksOf(text('0123456789')));
      const read = async (start?: number, end?: number) => (await readUploadBytes(driver(), 'u1', start, end)).toString();
      expect(await read()).toBe('0123456789');
      expect(await read(3)).toBe('3456789');
      expect(await read(2, 5)).toBe('234');
      expect(await read(0, 1)).toBe('0');
      expect(await read(9, 10)).toBe('9');
      expect(await read(0, 10)).toBe('0123456789');
      expect(await read(4, 4)).toBe('');
    });

    it('deletes an upload; deleting a missing upload is not an error', async () => {
      await driver().createUpload('u1');
      await driver().writeUpload('u1', 0, chunksOf(text('abc')));
      await driver().deleteUpload('u1');
      await expectStorageError(() => driver().uploadSize('u1'), 'NOT_FOUND');
      await driver().deleteUpload('u1');
      await driver().deleteUpload('never-created');
      // The id is free again.
      await driver().createUpload('u1');
      expect(await driver().uploadSize('u1')).toBe(0);
    });

    it('lists uploads with their modification times', async () => {
      expect(await toArray(driver().listUploads())).toEqual([]);
      // File systems and object stores keep coarse timestamps; allow for it.
      const before = Date.now() - 5_000;
      await driver().createUpload('a');
      await driver().createUpload('b-2_C');
      await driver().createUpload('gone');
      await driver().deleteUpload('gone');
      const after = Date.now() + 5_000;
      const listed = await toArray(driver().listUploads());
      expect(listed.map((u) => u.id).sort()).toEqual(['a', 'b-2_C']);
      for (const { modifiedAt } of listed) {
        expect(isDate(modifiedAt)).toBe(true);
        expect(modifiedAt.getTime()).toBeGreaterThanOrEqual(before);
        expect(modifiedAt.getTime()).toBeLessThanOrEqual(after);
      }
    });

    it('accepts the longest and the oddest valid ids', async () => {
      for (const id of ['x'.repeat(128), '-', '_', 'A-z_09']) {
        await driver().createUpload(id);
        expect(await driver().writeUpload(id, 0, chunksOf(text(id)))).toBe(id.length);
      }
      expect((await toArray(driver().listUploads())).length).toBe(4);
    });
  });
}
