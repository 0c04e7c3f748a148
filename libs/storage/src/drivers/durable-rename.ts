import { mkdir, open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { hasErrno } from './errno';

/**
 * Flushes a directory's entries to disk. A rename or a new file is only durable once the directory
 * holding the new entry is synced; syncing the file alone does not persist its name.
 */
export async function fsyncDirectory(dir: string): Promise<void> {
  // Windows cannot open a directory for syncing, and NTFS journals renames itself.
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
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
  let renamed = true;
  try {
    await rename(from, to);
  } catch (err) {
    if (!hasErrno(err, 'ENOENT')) throw err;
    renamed = false;
  }
  if (renamed) {
    await fsyncDirectory(dir);
    return;
  }
  const firstCreated = await mkdir(dir, { recursive: true });
  await rename(from, to);
  // Every directory just created is a new entry in its parent: sync from the blob's directory up to
  // the parent of the topmost new directory.
  const stopAt = firstCreated === undefined ? dir : dirname(firstCreated);
  for (let current = dir; ; current = dirname(current)) {
    await fsyncDirectory(current);
    if (current === stopAt || current === dirname(current)) break;
  }
}
