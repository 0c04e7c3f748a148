import { closeSync, fdatasync, fsync, openSync, renameSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { hasErrno } from './errno';

/*
 * Opening, closing, renaming and unlinking existing files on a local file system finish in
 * microseconds, while each trip through libuv's thread pool costs two thread wake-ups; on virtual
 * machines, where a wake-up is an interrupt between virtual CPUs, that is 100-200 µs of CPU per
 * operation, far more than the operation itself. This driver therefore makes those calls
 * synchronously and sends to the pool only what may wait for the device: fsync, fdatasync, bulk
 * reads and writes, and creating files and directories (which can wait for another file's flush,
 * see FilesystemDriver.openCreating). On a network file system the synchronous calls hold the
 * event loop for a network round trip each; that is the trade-off.
 */

const fsyncAsync = promisify(fsync);
export const fdatasyncAsync = promisify(fdatasync);

/**
 * Flushes a directory's entries to disk. A rename or a new file is only durable once the directory
 * holding the new entry is synced; syncing the file alone does not persist its name.
 */
export async function fsyncDirectory(dir: string): Promise<void> {
  // Windows cannot open a directory for syncing, and NTFS journals renames itself.
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    await fsyncAsync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Renames `from` to `to` (replacing `to` if present, which is atomic on POSIX) and makes the new
 * name durable. `to`'s missing parent directories are created; the rename is tried first because
 * they almost always exist already, which saves a mkdir and a stat on the common path.
 * `from`'s data must already have been synced by the caller.
 * @throws the rename's error; ENOENT if `from` does not exist.
 */
export async function renameDurably(from: string, to: string): Promise<void> {
  const dir = dirname(to);
  try {
    renameSync(from, to);
  } catch (err) {
    if (!hasErrno(err, 'ENOENT')) throw err;
    return renameIntoNewDirectories(from, to);
  }
  await fsyncDirectory(dir);
}

/** The rare path of renameDurably: `to`'s directory does not exist yet (or `from` is gone). */
async function renameIntoNewDirectories(from: string, to: string): Promise<void> {
  const dir = dirname(to);
  const firstCreated = await mkdir(dir, { recursive: true });
  renameSync(from, to);
  // Every directory just created is a new entry in its parent: sync from the blob's directory up to
  // the parent of the topmost new directory.
  const stopAt = firstCreated === undefined ? dir : dirname(firstCreated);
  for (let current = dir; ; current = dirname(current)) {
    await fsyncDirectory(current);
    if (current === stopAt || current === dirname(current)) break;
  }
}
