// `@wharf/db/plain`: raw SQL on a pg pool, without TypeORM or the entities (which `@wharf/db`
// loads). The registry's workers import this: TypeORM alone costs a process about 20 MB of memory.
export { createPool } from './pool';
export type { PoolOptions } from './pool';
export { RecentRead } from './recent-read';
export { READ_ONLY_CACHE_MS, READ_ONLY_MESSAGE } from './read-only';
export { REPOSITORY_CHANGED_CHANNEL, REPOSITORY_DELETED_CHANNEL, REPOSITORY_VERSION_KEY_PREFIX } from './repository-change';
export { retryingConflicts, Sql } from './sql';
export { DEFAULT_DATABASE_TIMEOUTS } from './timeouts';
export type { DatabaseTimeouts } from './timeouts';
export type { SqlRunner } from './sql';
export {
  AUDIT_EVENT_TYPES,
  AUDIT_SETTINGS_CACHE_MS,
  AuditTrail,
  auditForwardMessage,
  eventTypeList,
  eventTypeOf,
  insertAuditLogExt,
} from './audit-log-ext';
export type { AuditExtRecord, AuditForwarder, AuditLogSettings, AuditLogSettingsReader, AuditTrailLog } from './audit-log-ext';
