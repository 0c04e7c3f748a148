import { statfs } from 'node:fs/promises';

/** Harbor's Storage: the size of a volume and what is left of it, in bytes. */
export interface VolumeCapacity {
  total: number;
  free: number;
}

/**
 * The volume holding `dir`, as Harbor's filesystem driver measures it: all blocks for the total,
 * the blocks unprivileged processes may still use (not those reserved for root) for the free.
 */
export async function volumeCapacity(dir: string): Promise<VolumeCapacity> {
  const fs = await statfs(dir);
  return { total: fs.blocks * fs.bsize, free: fs.bavail * fs.bsize };
}
