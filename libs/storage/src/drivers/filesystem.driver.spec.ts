import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join, relative } from 'node:path';
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

  it("reports the free and total bytes of the file system holding its root, as df does, before the root exists", async () => {
    const df = (dir: string) => {
      const lines = execFileSync('df', ['--output=avail,size', '-B1', dir], { encoding: 'utf8' }).trim().split('\n');
      const [avail, size] = lines[lines.length - 1]!.trim().split(/\s+/).map(Number);
      return { avail: avail!, size: size! };
    };
    const later = new FilesystemDriver(join(root, 'not', 'yet'));
    const capacity = await later.capacity();
    const expected = df(root);
    expect(capacity.totalBytes).toBe(expected.size);
    // Other writers on the machine move free space between the two readings.
    expect(Math.abs(capacity.freeBytes - expected.avail)).toBeLessThan(64 * 1024 * 1024);
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
    // What an interrupted putBlob leaves beside the blob it was writing.
    await writeFile(join(root, 'blobs', 'sha256', hex.slice(0, 2), `.${process.pid}-leftover.tmp`), 'partial');
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
    const digest = sha256Digest(content);
    await driver.putBlob(digest, content);
    await driver.putBlob(digest, content);
    const hex = digest.slice('sha256:'.length);
    expect(await readdir(join(root, 'blobs', 'sha256', hex.slice(0, 2)))).toEqual([hex]);
  });

  it('purges what interrupted putBlob calls left, once old enough, and nothing else', async () => {
    const content = Buffer.from('kept');
    const digest = sha256Digest(content);
    await driver.putBlob(digest, content);
    const hex = digest.slice('sha256:'.length);
    const fanOut = join(root, 'blobs', 'sha256', hex.slice(0, 2));
    const old = join(fanOut, `.${process.pid}-0b6a4f52-8f7e-4c1e-9a57-3c2d1e0f9a8b.tmp`);
    const fresh = join(fanOut, `.${process.pid}-1c7b5063-9a8f-4d2f-8b68-4d3e2f1a0b9c.tmp`);
    const legacy = join(root, 'tmp', `${process.pid}-leftover`);
    // Not the driver's temporary name: someone else's file, left alone.
    const foreign = join(fanOut, '.keep.tmp');
    await writeFile(old, 'interrupted');
    await writeFile(fresh, 'being written');
    await mkdir(join(root, 'tmp'), { recursive: true });
    await writeFile(legacy, 'interrupted before the move');
    await writeFile(foreign, 'not ours');
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    await utimes(old, twoHoursAgo, twoHoursAgo);
    await utimes(legacy, twoHoursAgo, twoHoursAgo);
    await utimes(foreign, twoHoursAgo, twoHoursAgo);
    const anHourAgo = new Date(Date.now() - 3600_000);
    expect(await driver.purgeInterruptedWrites(anHourAgo, true)).toBe(2);
    expect((await readdir(fanOut)).sort()).toEqual([basename(old), basename(fresh), '.keep.tmp', hex].sort());
    expect(await driver.purgeInterruptedWrites(anHourAgo)).toBe(2);
    expect((await readdir(fanOut)).sort()).toEqual([basename(fresh), '.keep.tmp', hex].sort());
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
    expect(await driver.readAll(digest)).toEqual(content);
  });

  describe('garbage collection races', () => {
    const blobFile = (digest: string) => join(root, 'blobs', 'sha256', digest.slice(7, 9), digest.slice(7));

    it('never loses a commit that races a delete of the same digest', async () => {
      const content = Buffer.alloc(64 * 1024, 'race');
      const digest = sha256Digest(content);
      const old = new Date(Date.now() - 3600_000);
      const outcomes = new Set<string>();
      for (let round = 0; round < 100; round++) {
        // An old copy GC is about to remove, and a client committing the same bytes right now.
        await driver.putBlob(digest, content);
        await utimes(blobFile(digest), old, old);
        const id = `r${round}`;
        await driver.createUpload(id);
        await driver.writeUpload(id, 0, chunksOf(content));
        const writtenBefore = new Date(Date.now() - 60_000);
        // Random head starts move the delete across every step of the commit.
        const [outcome] = await Promise.all([
          jitter(round).then(() => driver.deleteBlobIfStale(digest, writtenBefore)),
          jitter(round + 1).then(() => driver.commitUpload(id, digest, content.length)),
        ]);
        outcomes.add(outcome);
        expect((await driver.readAll(digest)).equals(content)).toBe(true);
      }
      // Both orders happened, or the test proved nothing about the race.
      expect([...outcomes].sort()).toEqual(['deleted', 'kept']);
    }, 60_000);

    it('deletes an old copy that no commit touches', async () => {
      const content = Buffer.from('old garbage');
      const digest = sha256Digest(content);
      await driver.putBlob(digest, content);
      const old = new Date(Date.now() - 3600_000);
      await utimes(blobFile(digest), old, old);
      expect(await driver.deleteBlobIfStale(digest, new Date(Date.now() - 60_000))).toBe('deleted');
      expect(existsSync(blobFile(digest))).toBe(false);
    });

    it('refreshes the modification time of an upload resumed long after its last write', async () => {
      const content = Buffer.from('paused upload');
      const digest = sha256Digest(content);
      await driver.createUpload('paused');
      await driver.writeUpload('paused', 0, chunksOf(content));
      const old = new Date(Date.now() - 3600_000);
      await utimes(join(root, 'uploads', 'paused'), old, old);
      await driver.commitUpload('paused', digest, content.length);
      expect((await stat(blobFile(digest))).mtimeMs).toBeGreaterThan(Date.now() - 60_000);
    });

    it('puts back blobs an interrupted delete left aside', async () => {
      const content = Buffer.from('set aside by a crashed gc');
      const digest = sha256Digest(content);
      await mkdir(join(root, 'gc'), { recursive: true });
      await writeFile(join(root, 'gc', `sha256-${digest.slice(7)}.0b5c7a1e-0000-4000-8000-000000000000`), content);
      await writeFile(join(root, 'gc', 'stray-file'), 'not ours');
      expect(await driver.restoreSetAside()).toBe(1);
      expect(await driver.readAll(digest)).toEqual(content);
      expect(await readdir(join(root, 'gc'))).toEqual(['stray-file']);
    });
  });
});

/** Waits a varying number of event-loop turns (0-3 ms of thread-pool work in between). */
async function jitter(seed: number): Promise<void> {
  const turns = (seed * 7919) % 6;
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
  if (seed % 3 === 0) await new Promise((resolve) => setTimeout(resolve, seed % 4));
}
