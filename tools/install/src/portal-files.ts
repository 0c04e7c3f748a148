import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';

/**
 * The web console's files as the gateway serves them. `<run>/portal` is a symbolic link to a copy
 * of the build named by a digest of its content (`<run>/portal-<digest>`). A new build is copied
 * beside it under a temporary name, renamed, and the link replaced by renaming a new link over
 * it: a running gateway, which opens files by path on every request, serves either the whole old
 * build or the whole new one, never a mix. Earlier copies are removed afterwards.
 */

export class PortalFilesError extends Error {}

/** Every file under `dir`, as paths relative to it, sorted. */
function filesUnder(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) out.push(...filesUnder(dir, path));
    else if (entry.isFile()) out.push(path);
  }
  return out.sort();
}

/** A digest of the build's file names and contents. */
export function buildDigest(dir: string): string {
  const hash = createHash('sha256');
  for (const file of filesUnder(dir)) {
    const bytes = readFileSync(join(dir, file));
    hash.update(`${file}\0${bytes.length}\0`).update(bytes);
  }
  return hash.digest('hex').slice(0, 16);
}

/** Readable by nginx's workers whatever the umask the build or the copy ran under. */
function makeReadable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) makeReadable(path);
    else chmodSync(path, 0o644);
  }
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Puts the build in `build` (tools/build-portal.mjs's output) behind the link `served`. Returns
 * whether the served files changed.
 */
export function installPortalFiles(build: string, served: string): boolean {
  if (!existsSync(join(build, 'index.html'))) {
    throw new PortalFilesError(`the web console is not built (${join(build, 'index.html')} is missing); run: node tools/build-portal.mjs`);
  }
  const parent = dirname(served);
  const name = `${basename(served)}-${buildDigest(build)}`;
  const target = join(parent, name);
  const current = isLink(served) ? readlinkSync(served) : undefined;
  if (current === name && existsSync(join(target, 'index.html'))) return false;

  // Left behind by an interrupted run: never the served copy, which the link names.
  if (existsSync(target)) rmSync(target, { recursive: true, force: true });
  const temp = `${target}.tmp-${process.pid}`;
  rmSync(temp, { recursive: true, force: true });
  cpSync(build, temp, { recursive: true });
  makeReadable(temp);
  renameSync(temp, target);

  // rename() replaces a link in one step, but cannot replace a directory.
  if (existsSync(served) && !isLink(served)) rmSync(served, { recursive: true, force: true });
  const link = `${served}.tmp-${process.pid}`;
  rmSync(link, { force: true });
  symlinkSync(relative(parent, target), link);
  renameSync(link, served);

  const prefix = `${basename(served)}-`;
  for (const entry of readdirSync(parent)) {
    if (entry.startsWith(prefix) && entry !== name) rmSync(join(parent, entry), { recursive: true, force: true });
  }
  return true;
}
