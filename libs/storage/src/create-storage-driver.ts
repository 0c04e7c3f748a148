import type { StorageDriver } from './driver';
import { FilesystemDriver } from './drivers/filesystem.driver';

/** The storage section of the configuration; one member per driver (s3 will join this union). */
export type StorageConfig = { driver: 'filesystem'; rootDirectory: string };

export function createStorageDriver(config: StorageConfig): StorageDriver {
  switch (config.driver) {
    case 'filesystem':
      return new FilesystemDriver(config.rootDirectory);
    default: {
      // Unreachable for typed callers; config parsed from YAML may still carry an unknown name.
      const unknown: never = config.driver;
      throw new Error(`unknown storage driver ${JSON.stringify(unknown)}`);
    }
  }
}
