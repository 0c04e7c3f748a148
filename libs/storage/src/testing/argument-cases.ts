import type { StorageDriver } from '../driver';
import { chunksOf, expectStorageError, readUploadBytes, sha256Digest } from './suite-helpers';

// Each would either escape the driver's namespace or alias another entry if it were let through.
const BAD_UPLOAD_IDS = ['../x', '..', '.', '', 'a/b', 'a\\b', '/abs', 'x'.repeat(129), 'has space', 'nul\0', 'é'];
const BAD_DIGESTS = [
  'sha256:../../etc',
  `sha256:${'A'.repeat(64)}`,
  `sha256:${'a'.repeat(63)}`,
  `sha256:${'a'.repeat(65)}`,
  `sha256:${'a'.repeat(62)}/a`,
  `sha512:${'a'.repeat(64)}`,
  `md5:${'a'.repeat(32)}`,
  `SHA256:${'a'.repeat(64)}`,
  `sha256:${'a'.repeat(64)}\n`,
  'a'.repeat(64),
  'sha256:',
  '',
];

export function argumentCases(driver: () => StorageDriver): void {
  describe('argument validation', () => {
    it.each(BAD_UPLOAD_IDS)('refuses upload id %j with INVALID_ARGUMENT', async (id) => {
      const digest = sha256Digest(Buffer.alloc(0));
      await expectStorageError(() => driver().createUpload(id), 'INVALID_ARGUMENT');
      await expectStorageError(() => driver().writeUpload(id, 0, chunksOf(Buffer.from('x'))), 'INVALID_ARGUMENT');
      await expectStorageError(() => driver().uploadSize(id), 'INVALID_ARGUMENT');
      await expectStorageError(() => readUploadBytes(driver(), id), 'INVALID_ARGUMENT');
      await expectStorageError(() => driver().commitUpload(id, digest, 0), 'INVALID_ARGUMENT');
      await expectStorageError(() => driver().deleteUpload(id), 'INVALID_ARGUMENT');
    });

    it.each(BAD_DIGESTS)('refuses digest %j with INVALID_ARGUMENT', async (digest) => {
      await driver().createUpload('u1');
      await expectStorageError(() => driver().putBlob(digest, Buffer.from('x')), 'INVALID_ARGUMENT');
      await expectStorageError(() => driver().stat(digest), 'INVALID_ARGUMENT');
      await expectStorageError(() => driver().read(digest), 'INVALID_ARGUMENT');
      await expectStorageError(() => driver().readAll(digest), 'INVALID_ARGUMENT');
      await expectStorageError(() => driver().delete(digest), 'INVALID_ARGUMENT');
      await expectStorageError(() => driver().commitUpload('u1', digest, 0), 'INVALID_ARGUMENT');
      const d = driver();
      if (d.localPath) await expectStorageError(() => d.localPath?.(digest), 'INVALID_ARGUMENT');
      // The upload survives a refused commit.
      expect(await driver().uploadSize('u1')).toBe(0);
    });

    it('refuses negative and fractional offsets and sizes with INVALID_ARGUMENT', async () => {
      await driver().createUpload('u1');
      const digest = sha256Digest(Buffer.alloc(0));
      for (const bad of [-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY]) {
        await expectStorageError(() => driver().writeUpload('u1', bad, chunksOf()), 'INVALID_ARGUMENT');
        await expectStorageError(() => driver().commitUpload('u1', digest, bad), 'INVALID_ARGUMENT');
      }
      expect(await driver().uploadSize('u1')).toBe(0);
    });
  });
}
