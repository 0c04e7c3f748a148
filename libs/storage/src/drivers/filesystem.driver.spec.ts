import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { runDriverSuite } from '../testing';
import { chunksOf, generatedStream, sha256Digest, toArray } from '../testing/suite-helpers';
import { FilesystemDriver } from './filesystem.driver';

async function makeRoot(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'wharf-storage-'));
}

runDriverSuite('filesystem', async () => {
  const root = await makeRoot();
  return { driver: new FilesystemDriver(root), cleanup: () => rm(root, { recursive: true, force: true }) };
});

describe('FilesystemDriver', () => {
  let root: string;
  let driver: FilesystemDriver;

  beforeEach(async () => {
    root = await makeRoot();
    driver = new FilesystemDriver(root);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('shares uploads and blobs with another instance on the same root', async () => {
    const other = new FilesystemDriver(root);
    const content = Buffer.from('shared');
    const digest = sha256Digest(content);
    await driver.createUpload('u1');
    expect(await other.writeUpload('u1', 0, chunksOf(content))).toBe(content.length);
    expect(await driver.uploadSize('u1')).toBe(content.length);
    expect((await toArray(other.listUploads())).map((u) => u.id)).toEqual(['u1']);
    await other.commitUpload('u1', digest, content.length);
    expect(await driver.readAll(digest)).toEqual(content);
    expect(await toArray(driver.listBlobs())).toEqual([digest]);
    // The committed upload is gone for both, so its id is free again.
    await driver.createUpload('u1');
    expect(await other.uploadSize('u1')).toBe(0);
  });

  it('never shows a file at the blob path before the commit', async () => {
    const size = 6 * 1024 * 1024;
    const source = generatedStream(size, 64 * 1024);
    await driver.createUpload('u1');
    await driver.writeUpload('u1', 0, source.stream);
    const digest = source.digest();
    const blobPath = driver.localPath(digest);
    expect(existsSync(blobPath)).toBe(false);
    await driver.commitUpload('u1', digest, size);
    expect((await stat(blobPath)).size).toBe(size);
    expect(existsSync(join(root, 'uploads', 'u1'))).toBe(false);
  });

  it('lays blobs out as blobs/<algorithm>/<2 hex>/<hex> inside the root', async () => {
    const digest = sha256Digest(Buffer.from('x'));
    const hex = digest.slice('sha256:'.length);
    const path = driver.localPath(digest);
    expect(isAbsolute(path)).toBe(true);
    expect(relative(root, path)).toBe(join('blobs', 'sha256', hex.slice(0, 2), hex));
    await driver.putBlob(digest, Buffer.from('x'));
    expect((await stat(path)).size).toBe(1);
  });

  it('resolves a relative root to an absolute one', () => {
    const relativeDriver = new FilesystemDriver('relative-root');
    expect(isAbsolute(relativeDriver.localPath(sha256Digest(Buffer.from('x'))))).toBe(true);
  });

  it('lists neither temporary files nor junk as blobs or uploads', async () => {
    const content = Buffer.from('real');
    const digest = sha256Digest(content);
    await driver.putBlob(digest, content);
    const hex = digest.slice('sha256:'.length);
    const other = sha256Digest(Buffer.from('other')).slice('sha256:'.length);
    await mkdir(join(root, 'tmp'), { recursive: true });
    await writeFile(join(root, 'tmp', `${process.pid}-leftover`), 'partial');
    await writeFile(join(root, 'tmp', other), 'named like a blob');
    await writeFile(join(root, 'blobs', 'sha256', hex.slice(0, 2), `${hex}.tmp`), 'junk');
    // A well-formed name in the wrong fan-out directory was not written by the driver.
    await mkdir(join(root, 'blobs', 'sha256', 'zz'), { recursive: true });
    await writeFile(join(root, 'blobs', 'sha256', 'zz', other), 'misplaced');
    await mkdir(join(root, 'blobs', 'md5', 'ab'), { recursive: true });
    await writeFile(join(root, 'blobs', 'md5', 'ab', 'ab'.repeat(16)), 'foreign');
    await mkdir(join(root, 'uploads', 'a-directory'), { recursive: true });
    await writeFile(join(root, 'uploads', 'bad name'), 'junk');

    expect(await toArray(driver.listBlobs())).toEqual([digest]);
    expect(await toArray(driver.listUploads())).toEqual([]);
  });

  it('works on a root that does not exist yet', async () => {
    const nested = new FilesystemDriver(join(root, 'not', 'yet'));
    expect(await toArray(nested.listBlobs())).toEqual([]);
    expect(await toArray(nested.listUploads())).toEqual([]);
    const content = Buffer.from('first write');
    await nested.putBlob(sha256Digest(content), content);
    await nested.createUpload('u1');
    expect(await nested.readAll(sha256Digest(content))).toEqual(content);
  });

  it('cleans up its temporary files after putBlob', async () => {
    const content = Buffer.from('manifest');
    await driver.putBlob(sha256Digest(content), content);
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
  });
});
