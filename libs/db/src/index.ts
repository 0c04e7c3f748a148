export * from './entities';
export { createDataSource, ensureDatabase } from './database';
export type { DatabaseOptions } from './database';
export { findMigrationsDir, runMigrations } from './migrate';
export type { MigrationResult } from './migrate';
// Raw SQL without TypeORM: also importable alone as `@wharf/db/plain`.
export * from './plain';
