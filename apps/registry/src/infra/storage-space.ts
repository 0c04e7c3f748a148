import { Inject, Injectable, Logger } from '@nestjs/common';
import { OciError } from '@wharf/oci';
import type { StorageDriver } from '@wharf/storage';
import type { RegistryConfig } from '../config';
import { CONFIG, STORAGE } from './tokens';

/** A probe of the file system is reused this long: uploads start by the hundred per second. */
const PROBE_TTL_MS = 1000;

export interface StorageStatus {
  status: 'healthy' | 'unhealthy';
  freeBytes?: number;
  totalBytes?: number;
  reserveBytes: number;
  error?: string;
}

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MiB`;
}

/** errno codes and PostgreSQL's disk_full: the storage (or the database's volume) has no room. */
export function isOutOfSpace(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' || code === '53100';
}

export function outOfSpace(detail: string): OciError {
  return new OciError('INSUFFICIENT_STORAGE', `the registry's storage is full (${detail}); ask its administrator to free space or run garbage collection`);
}

/**
 * Keeps blob uploads out of the last REGISTRY_STORAGE_RESERVE_MB of the storage: a registry whose
 * disk fills up entirely can no longer record manifests, delete anything or run garbage
 * collection, and a bundled PostgreSQL or Redis on the same volume stops too. New uploads are
 * refused while free space is below the reserve (or would fall below it with a declared length);
 * writes already under way that hit the end of the disk fail with the same answer.
 */
@Injectable()
export class StorageSpace {
  private readonly logger = new Logger('registry');
  private readonly reserve: number;
  private probe: { at: number; result: Promise<{ freeBytes: number; totalBytes: number } | null> } | undefined;

  constructor(
    @Inject(STORAGE) private readonly storage: StorageDriver,
    @Inject(CONFIG) config: RegistryConfig,
  ) {
    this.reserve = config.storageReserveBytes;
  }

  private capacity(): Promise<{ freeBytes: number; totalBytes: number } | null> {
    const now = Date.now();
    if (!this.probe || now - this.probe.at > PROBE_TTL_MS) {
      const result = this.storage.capacity ? this.storage.capacity() : Promise.resolve(null);
      this.probe = { at: now, result };
      result.catch(() => {
        if (this.probe?.result === result) this.probe = undefined;
      });
    }
    return this.probe.result;
  }

  /** Refuses an upload of `bytes` more (0 when unknown) that would eat into the reserve. */
  async assertRoomFor(bytes = 0): Promise<void> {
    if (this.reserve === 0 && bytes === 0) return;
    let capacity: { freeBytes: number; totalBytes: number } | null;
    try {
      capacity = await this.capacity();
    } catch (err) {
      // Cannot tell: the write itself will say whether there is room.
      this.logger.debug(`failed to probe the storage's free space: ${(err as Error).message}`);
      return;
    }
    if (!capacity || capacity.freeBytes - bytes >= this.reserve) return;
    const detail =
      bytes > 0
        ? `${mib(capacity.freeBytes)} free, ${mib(bytes)} to upload, ${mib(this.reserve)} kept in reserve`
        : `${mib(capacity.freeBytes)} free, ${mib(this.reserve)} kept in reserve`;
    // Logged once, by the exception filter, like every 5xx answer.
    throw outOfSpace(detail);
  }

  /** For health checks: unhealthy while free space is below the reserve or cannot be read. */
  async status(): Promise<StorageStatus> {
    try {
      const capacity = await this.capacity();
      if (!capacity) return { status: 'healthy', reserveBytes: this.reserve };
      const low = capacity.freeBytes < this.reserve || capacity.freeBytes === 0;
      return {
        status: low ? 'unhealthy' : 'healthy',
        ...capacity,
        reserveBytes: this.reserve,
        ...(low ? { error: `${mib(capacity.freeBytes)} free, below the ${mib(this.reserve)} reserve: uploads are refused` } : {}),
      };
    } catch (err) {
      return { status: 'unhealthy', reserveBytes: this.reserve, error: `failed to read the storage's free space: ${(err as Error).message}` };
    }
  }
}
