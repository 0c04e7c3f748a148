import type Redis from 'ioredis';
import { REPOSITORY_CHANGED_CHANNEL, REPOSITORY_VERSION_KEY_PREFIX, type SqlRunner } from '@wharf/db';

/**
 * The registry cache contract (libs/db repository-change.ts) for jobs that change repositories:
 * notify inside the transaction, bump the shared versions after the commit.
 */
export class RepositoryChanges {
  constructor(private readonly redis: Redis) {}

  async notify(tx: SqlRunner, repositories: Iterable<string>): Promise<void> {
    const names = [...new Set(repositories)];
    if (names.length === 0) return;
    await tx.query('SELECT pg_notify($1, name) FROM unnest($2::text[]) AS name', [REPOSITORY_CHANGED_CHANNEL, names]);
  }

  async committed(repositories: Iterable<string>): Promise<void> {
    const names = [...new Set(repositories)];
    if (names.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const name of names) pipeline.incr(REPOSITORY_VERSION_KEY_PREFIX + name);
    // A lost bump is covered by the notification, which evicts every process's entries at commit.
    await pipeline.exec().catch(() => undefined);
  }
}
