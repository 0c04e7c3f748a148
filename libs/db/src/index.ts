export * from './entities';
export { createDataSource, ensureDatabase } from './database';
export type { DatabaseOptions } from './database';
export { findMigrationsDir, runMigrations } from './migrate';
export type { MigrationResult } from './migrate';
export { RecentRead } from './recent-read';
export { retryingConflicts, Sql } from './sql';
export type { SqlRunner } from './sql';
export { REPOSITORY_CHANGED_CHANNEL, REPOSITORY_VERSION_KEY_PREFIX } from './repository-change';
