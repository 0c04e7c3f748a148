/**
 * How a change to a repository's tags, manifests or blob links reaches every registry process's
 * cache (apps/registry/src/cache/registry-cache.ts); any writer (the registry, core's API, jobs)
 * must do both: NOTIFY on this channel inside its transaction with the repository name as payload
 * (delivered at commit), then INCR the repository's version key in Redis before it answers.
 */
export const REPOSITORY_CHANGED_CHANNEL = 'wharf_repository_changed';
export const REPOSITORY_VERSION_KEY_PREFIX = 'wharf:registry:repo-version:';

/**
 * Whoever deletes a repository row must also NOTIFY this channel with the repository's name inside
 * the deleting transaction: registry processes cache repository ids for their writes and forget
 * the deleted one on this notice, so that a push under the same name creates the repository afresh
 * instead of writing under the dead id (which fails on a foreign key and is retried).
 */
export const REPOSITORY_DELETED_CHANNEL = 'wharf_repository_deleted';
