export { StorageError } from './driver';
export type { BlobStat, StorageDriver, StorageErrorCode } from './driver';
export { FilesystemDriver } from './drivers/filesystem.driver';
export { createStorageDriver } from './create-storage-driver';
export type { StorageConfig } from './create-storage-driver';
