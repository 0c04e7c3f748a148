/*
 * On-disk layout under the root directory:
 *
 *   <root>/blobs/<algorithm>/<first 2 hex>/<hex>   committed blobs, content-addressed, immutable;
 *                                                  e.g. blobs/sha256/ab/ab12...ef
 *   <root>/uploads/<id>                            in-progress upload data, one file per upload
 *   <root>/blobs/<algorithm>/<2 hex>/.<pid>-<uuid>.tmp   putBlob's files while they are being
 *                                                  written, beside the blob they become
 *   <root>/gc/<algorithm>-<hex>.<random>           blobs GC has set aside while it checks them
 *
 * A blob path only ever appears through rename(2) of a fully written and fsynced file (an upload
 * or a temporary file), so a reader sees a whole blob or none. The 2-hex fan-out keeps directories small.
 * All three trees are on one file system, which rename requires. The driver keeps no state in
 * memory: any number of instances and processes may share one root.
 */
import {
  close,
  closeSync,
  type Dirent,
  createReadStream,
  fstat,
  fstatSync,
  ftruncateSync,
  futimesSync,
  open as openFd,
  openSync,
  read as readFd,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { access, type FileHandle, mkdir, open, readdir, readFile, rename, stat, statfs, unlink } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { promisify } from 'node:util';
import { type BlobStat, type StorageDriver, StorageError } from '../driver';
import { assertByteCount, assertUploadId, isBlobDigest, isUploadId, parseBlobDigest } from '../identifiers';
import { fdatasyncAsync, renameDurably } from './durable-rename';
import { sendFileRange } from './send-file';
import { hasErrno } from './errno';
import { writeSourceAt } from './write-source-at';

// Large reads: blobs are usually megabytes to gigabytes, and each read is a thread-pool round trip.
const READ_CHUNK_BYTES = 1024 * 1024;

// An upload last written longer ago than this gets its modification time set at commit.
const MTIME_SLACK_MS = 1000;

// Number-fd variants: a stream over a plain fd reads through the callback API, with none of the
// per-read promise overhead of a FileHandle.
const openFdAsync = promisify(openFd);
const fstatAsync = promisify(fstat);

/** Flushes a file's data through a descriptor of its own; best effort (the commit syncs again). */
async function syncDetached(file: string): Promise<void> {
  try {
    const handle = await open(file, 'r');
    try {
      await handle.datasync();
    } finally {
      await handle.close();
    }
  } catch {
    // The upload may have been committed or cancelled meanwhile; the commit's own fdatasync
    // reports real disk errors.
  }
}

function notFound(what: string): StorageError {
  return new StorageError('NOT_FOUND', `${what} not found`);
}

/** Maps ENOENT to StorageError('NOT_FOUND'); other errors pass through. */
function mapNotFound(err: unknown, what: string): unknown {
  return hasErrno(err, 'ENOENT') ? notFound(what) : err;
}

/** putBlob's temporary files: `.<pid>-<uuid>.tmp` beside the blob they become. */
const TEMPORARY_FILE = /^\.\d+-[0-9a-f-]{36}\.tmp$/;

/** Unlinks `file`; a file already gone is not an error. */
function removeIfPresent(file: string): void {
  try {
    unlinkSync(file);
  } catch (err) {
    if (!hasErrno(err, 'ENOENT')) throw err;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch (err) {
    if (hasErrno(err, 'ENOENT')) return false;
    throw err;
  }
}

export class FilesystemDriver implements StorageDriver {
  readonly name = 'filesystem';
  private readonly root: string;
  private readonly blobsDir: string;
  private readonly uploadsDir: string;
  private readonly gcDir: string;

  /** `rootDir` need not exist yet; directories are created on first write. */
  constructor(rootDir: string) {
    this.root = resolve(rootDir);
    this.blobsDir = join(this.root, 'blobs');
    this.uploadsDir = join(this.root, 'uploads');
    this.gcDir = join(this.root, 'gc');
  }

  async createUpload(id: string): Promise<void> {
    const file = this.uploadPath(id);
    try {
      closeSync(await this.openCreating(file, this.uploadsDir));
    } catch (err) {
      if (hasErrno(err, 'EEXIST')) throw new StorageError('ALREADY_EXISTS', `upload ${id} already exists`);
      throw err;
    }
  }

  async writeUpload(id: string, offset: number, source: Readable | AsyncIterable<Buffer>): Promise<number> {
    const file = this.uploadPath(id);
    assertByteCount('offset', offset);
    let handle: FileHandle;
    try {
      handle = await open(file, 'r+');
    } catch (err) {
      throw mapNotFound(err, `upload ${id}`);
    }
    try {
      const { size } = await handle.stat();
      if (offset > size) {
        throw new StorageError('INVALID_OFFSET', `offset ${offset} is past the ${size} bytes of upload ${id}`);
      }
      // Bytes past `offset` are what a failed earlier append left behind; the client resends them.
      if (size > offset) await handle.truncate(offset);
      // A chunked upload answers each append without waiting for the disk: durability is the
      // commit's job (fdatasync before rename), so an early flush only needs to be under way.
      try {
        return offset + (await writeSourceAt(handle, offset, source, { detachedSync: () => void syncDetached(file) }));
      } catch (err) {
        // Nobody acknowledged these bytes, and on a full disk they are the space to give back.
        await handle.truncate(offset).catch(() => undefined);
        throw err;
      }
    } finally {
      await handle.close();
    }
  }

  async uploadSize(id: string): Promise<number> {
    const file = this.uploadPath(id);
    try {
      return (await stat(file)).size;
    } catch (err) {
      throw mapNotFound(err, `upload ${id}`);
    }
  }

  readUpload(id: string, start = 0, end?: number): Readable {
    const file = this.uploadPath(id);
    assertByteCount('start', start);
    if (end !== undefined) assertByteCount('end', end);
    if (end !== undefined && end < start) throw new StorageError('INVALID_RANGE', `invalid range [${start}, ${end})`);
    if (end === start) {
      // fs read streams cannot express an empty range; still report a missing upload.
      return new Readable({
        construct: (callback) => {
          access(file).then(
            () => callback(),
            (err: unknown) => callback(mapNotFound(err, `upload ${id}`) as Error),
          );
        },
        read() {
          this.push(null);
        },
      });
    }
    return createReadStream(file, {
      start,
      end: end === undefined ? undefined : end - 1,
      highWaterMark: READ_CHUNK_BYTES,
      // The stream opens the file itself, later; this is where a missing upload becomes NOT_FOUND.
      fs: {
        open: (path, flags, mode, callback) =>
          openFd(path, flags, mode, (err, fd) =>
            callback(err === null ? null : (mapNotFound(err, `upload ${id}`) as NodeJS.ErrnoException), fd),
          ),
        read: readFd,
        close,
      },
    });
  }

  async commitUpload(id: string, digest: string, size: number): Promise<void> {
    const file = this.uploadPath(id);
    const target = this.blobPath(digest);
    assertByteCount('size', size);
    let fd: number;
    try {
      fd = openSync(file, 'r+');
    } catch (err) {
      throw mapNotFound(err, `upload ${id}`);
    }
    try {
      const { size: stored, mtimeMs } = fstatSync(fd);
      if (stored < size) {
        throw new StorageError('INVALID_OFFSET', `upload ${id} holds ${stored} bytes, fewer than ${size}`);
      }
      if (stored > size) ftruncateSync(fd, size);
      // The blob's modification time must be this commit's (GC keeps recently written bytes); the
      // last write of a resumed upload may be much older than its final PUT.
      else if (Date.now() - mtimeMs > MTIME_SLACK_MS) futimesSync(fd, new Date(), new Date());
      // Data before name: the rename must never publish a blob whose bytes are not yet on disk.
      await fdatasyncAsync(fd);
    } finally {
      closeSync(fd);
    }
    // Even when the blob exists: an existing file may be on its way out (GC), so these bytes are
    // published over it rather than trusted to it.
    try {
      // Another process committing the same digest at the same time renames identical bytes over
      // ours, which readers cannot tell apart.
      await renameDurably(file, target);
    } catch (err) {
      // The upload vanished after we opened it: a concurrent commit or delete of the same id.
      throw mapNotFound(err, `upload ${id}`);
    }
  }

  async deleteUpload(id: string): Promise<void> {
    removeIfPresent(this.uploadPath(id));
  }

  async *listUploads(): AsyncIterable<{ id: string; modifiedAt: Date }> {
    for (const entry of await this.readDirEntries(this.uploadsDir)) {
      if (!entry.isFile() || !isUploadId(entry.name)) continue;
      try {
        const { mtime } = await stat(join(this.uploadsDir, entry.name));
        yield { id: entry.name, modifiedAt: mtime };
      } catch (err) {
        // Committed or deleted since the directory was read.
        if (!hasErrno(err, 'ENOENT')) throw err;
      }
    }
  }

  async putBlob(digest: string, content: Buffer): Promise<void> {
    const target = this.blobPath(digest);
    const dir = dirname(target);
    // Written even when present, for the same reason as commitUpload. A unique name per call:
    // concurrent writers of the same digest each publish a whole file and the last rename wins
    // with identical bytes. The temporary file sits beside its target, not in one shared
    // directory: flushing a new file also flushes its directory, and a file created in a
    // directory whose block is being written waits for that write, so one directory for every
    // concurrent writer serialises them all. The leading dot keeps it out of listBlobs.
    const temp = join(dir, `.${process.pid}-${randomUUID()}.tmp`);
    try {
      const fd = await this.openCreating(temp, dir);
      try {
        // Callers hand over manifests and small blobs (at most a few MiB): one write into the
        // page cache, done before the flush that waits for the disk.
        let written = 0;
        while (written < content.length) written += writeSync(fd, content, written, content.length - written, written);
        await fdatasyncAsync(fd);
      } finally {
        closeSync(fd);
      }
      await renameDurably(temp, target);
    } catch (err) {
      // The write's error is the one to report, not a failure to clean up after it.
      try {
        removeIfPresent(temp);
      } catch {
        // Nothing more to do: a leftover temporary file is never listed as a blob.
      }
      throw err;
    }
  }

  async stat(digest: string): Promise<BlobStat | null> {
    const file = this.blobPath(digest);
    try {
      const { size, mtime } = await stat(file);
      return { size, modifiedAt: mtime };
    } catch (err) {
      if (hasErrno(err, 'ENOENT')) return null;
      throw err;
    }
  }

  async sendTo(digest: string, destination: Writable, onOpen: () => void, range?: { start: number; end: number }): Promise<number> {
    const file = this.blobPath(digest);
    let fd: number;
    try {
      fd = await openFdAsync(file, 'r');
    } catch (err) {
      throw mapNotFound(err, `blob ${digest}`);
    }
    try {
      if (range !== undefined) {
        if (range.start < 0 || range.end < range.start) throw new StorageError('INVALID_RANGE', `invalid range ${range.start}-${range.end}`);
        const { size } = await fstatAsync(fd);
        if (range.end >= size) throw new StorageError('INVALID_RANGE', `range ${range.start}-${range.end} is outside blob of ${size} bytes`);
      }
      onOpen();
      return await sendFileRange(fd, range?.start ?? 0, range === undefined ? undefined : range.end + 1, destination);
    } finally {
      close(fd, () => undefined);
    }
  }

  async read(digest: string, range?: { start: number; end: number }): Promise<Readable> {
    const file = this.blobPath(digest);
    if (range !== undefined) {
      const { start, end } = range;
      if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || start > end) {
        throw new StorageError('INVALID_RANGE', `invalid range ${start}-${end}`);
      }
    }
    // Opened here, not by the stream, so that a missing blob rejects this promise instead of
    // surfacing later as a stream error after the caller has sent response headers.
    let fd: number;
    try {
      fd = await openFdAsync(file, 'r');
    } catch (err) {
      throw mapNotFound(err, `blob ${digest}`);
    }
    if (range !== undefined) {
      // Only a range needs the size; a whole-blob read streams to EOF without a stat.
      try {
        const { size } = await fstatAsync(fd);
        if (range.end >= size) {
          throw new StorageError('INVALID_RANGE', `range ${range.start}-${range.end} is outside blob of ${size} bytes`);
        }
      } catch (err) {
        close(fd, () => undefined);
        throw err;
      }
    }
    return createReadStream(file, { fd, start: range?.start, end: range?.end, highWaterMark: READ_CHUNK_BYTES });
  }

  async readAll(digest: string): Promise<Buffer> {
    const file = this.blobPath(digest);
    try {
      return await readFile(file);
    } catch (err) {
      throw mapNotFound(err, `blob ${digest}`);
    }
  }

  // Empty fan-out directories are left in place: removing one could race with a commit renaming
  // into it, and there are at most 256 per algorithm.
  async delete(digest: string): Promise<boolean> {
    const file = this.blobPath(digest);
    try {
      await unlink(file);
      return true;
    } catch (err) {
      if (hasErrno(err, 'ENOENT')) return false;
      throw err;
    }
  }

  /*
   * The blob is renamed aside first: rename(2) moves exactly one inode, so the modification time
   * read afterwards belongs to the bytes actually removed from the blob path. A commit that renamed
   * its fresh bytes in just before is seen as recent and put back; one that renames after finds the
   * path free and stays. Restoring renames over whatever is there: same digest, same bytes.
   */
  async deleteBlobIfStale(digest: string, writtenBefore: Date): Promise<'deleted' | 'kept' | 'absent'> {
    const file = this.blobPath(digest);
    const { algorithm, hex } = parseBlobDigest(digest);
    const aside = join(this.gcDir, `${algorithm}-${hex}.${randomUUID()}`);
    try {
      await rename(file, aside);
    } catch (err) {
      if (!hasErrno(err, 'ENOENT')) throw err;
      // The set-aside directory is created on first use.
      if (!(await exists(file))) return 'absent';
      await mkdir(this.gcDir, { recursive: true });
      try {
        await rename(file, aside);
      } catch (retryErr) {
        if (hasErrno(retryErr, 'ENOENT')) return 'absent';
        throw retryErr;
      }
    }
    let recent: boolean;
    try {
      recent = (await stat(aside)).mtimeMs >= writtenBefore.getTime();
    } catch (err) {
      await renameDurably(aside, file).catch(() => undefined);
      throw err;
    }
    if (recent) {
      await renameDurably(aside, file);
      return 'kept';
    }
    await unlink(aside);
    return 'deleted';
  }

  async restoreSetAside(): Promise<number> {
    let restored = 0;
    for (const entry of await this.readDirEntries(this.gcDir)) {
      const match = /^([a-z0-9]+)-([0-9a-f]+)\.[0-9a-f-]+$/.exec(entry.name);
      if (!entry.isFile() || !match) continue;
      const digest = `${match[1]}:${match[2]}`;
      if (!isBlobDigest(digest)) continue;
      try {
        await renameDurably(join(this.gcDir, entry.name), this.blobPath(digest));
        restored++;
      } catch (err) {
        if (!hasErrno(err, 'ENOENT')) throw err;
      }
    }
    return restored;
  }

  async purgeInterruptedWrites(writtenBefore: Date, dryRun = false): Promise<number> {
    let purged = 0;
    const purge = async (file: string) => {
      try {
        if ((await stat(file)).mtimeMs >= writtenBefore.getTime()) return;
        if (!dryRun) await unlink(file);
        purged++;
      } catch (err) {
        // Renamed into place or removed since the directory was read.
        if (!hasErrno(err, 'ENOENT')) throw err;
      }
    };
    for await (const { dir, entry } of this.fanOutFiles()) {
      if (TEMPORARY_FILE.test(entry.name)) await purge(join(dir, entry.name));
    }
    // Where putBlob wrote its temporary files before they moved beside their blobs.
    const legacy = join(this.root, 'tmp');
    for (const entry of await this.readDirEntries(legacy)) if (entry.isFile()) await purge(join(legacy, entry.name));
    return purged;
  }

  async *listBlobs(): AsyncIterable<string> {
    for await (const { algorithm, prefix, entry } of this.fanOutFiles()) {
      const digest = `${algorithm}:${entry.name}`;
      // Anything else (stray or foreign files) is not a blob this driver wrote.
      const inItsFanOut = prefix.length === 2 && entry.name.startsWith(prefix);
      if (inItsFanOut && isBlobDigest(digest)) yield digest;
    }
  }

  /** Every file in the fan-out directories under blobs/ (blobs and putBlob's temporary files). */
  private async *fanOutFiles(): AsyncIterable<{ algorithm: string; prefix: string; dir: string; entry: Dirent }> {
    for (const algorithm of await this.readDirEntries(this.blobsDir)) {
      if (!algorithm.isDirectory()) continue;
      const algorithmDir = join(this.blobsDir, algorithm.name);
      for (const prefix of await this.readDirEntries(algorithmDir)) {
        if (!prefix.isDirectory()) continue;
        const dir = join(algorithmDir, prefix.name);
        for (const entry of await this.readDirEntries(dir)) {
          if (entry.isFile()) yield { algorithm: algorithm.name, prefix: prefix.name, dir, entry };
        }
      }
    }
  }

  /** What an unprivileged writer has left on the file system holding the root (its nearest existing folder). */
  async capacity(): Promise<{ freeBytes: number; totalBytes: number }> {
    for (let dir = this.root; ; dir = dirname(dir)) {
      try {
        const fs = await statfs(dir);
        return { freeBytes: fs.bavail * fs.bsize, totalBytes: fs.blocks * fs.bsize };
      } catch (err) {
        if (!hasErrno(err, 'ENOENT') || dirname(dir) === dir) throw err;
      }
    }
  }

  /** The absolute path where blob `digest` lives (or would live); does not check that it exists. */
  localPath(digest: string): string {
    return this.blobPath(digest);
  }

  private blobPath(digest: string): string {
    const { algorithm, hex } = parseBlobDigest(digest);
    return join(this.blobsDir, algorithm, hex.slice(0, 2), hex);
  }

  private uploadPath(id: string): string {
    assertUploadId(id);
    return join(this.uploadsDir, id);
  }

  /**
   * Creates `file` exclusively (EEXIST if present), creating `dir` on first use; returns its fd.
   * Asynchronous, unlike the other namespace calls: a new inode shares its inode-table block with
   * its neighbours, and a creation waits while another file's flush is writing that block, which
   * would hold the event loop for a disk write.
   */
  private async openCreating(file: string, dir: string): Promise<number> {
    try {
      return await openFdAsync(file, 'wx');
    } catch (err) {
      if (!hasErrno(err, 'ENOENT')) throw err;
    }
    await mkdir(dir, { recursive: true });
    return openFdAsync(file, 'wx');
  }

  /** A directory's entries, or none if it does not exist (nothing has been written there yet). */
  private async readDirEntries(dir: string) {
    try {
      return await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (hasErrno(err, 'ENOENT')) return [];
      throw err;
    }
  }
}
