import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { StorageDriver } from '@wharf/storage';

/**
 * The URI under which the gateway serves a blob's file itself (nginx `X-Accel-Redirect`). The
 * gateway's internal location `<prefix>/` aliases `<DATA_DIR>/blobs/`, so the URI is the prefix
 * plus the file's path below that directory: the filesystem driver's `<alg>/<2 hex>/<hex>`.
 * Drivers without local files (object storage) have no such path, and their blobs keep being
 * streamed by the registry. The driver validated the digest, so the path holds no `..` or
 * characters a header could not carry.
 */
export function accelUri(prefix: string, storage: StorageDriver, dataDir: string, digest: string): string | undefined {
  const file = storage.localPath?.(digest);
  if (!file) return undefined;
  const below = relative(join(resolve(dataDir), 'blobs'), file);
  if (below === '' || below.startsWith('..') || isAbsolute(below)) return undefined;
  return `${prefix}/${below.split(sep).join('/')}`;
}
