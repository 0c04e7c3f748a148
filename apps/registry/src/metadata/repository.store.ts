import { Inject, Injectable } from '@nestjs/common';
import type { Sql, SqlRunner } from '@wharf/db/plain';
import { OciError } from '@wharf/oci';
import { RegistryCache } from '../cache/registry-cache';
import type { RegistryConfig } from '../config';
import { CONFIG, SQL } from '../infra/tokens';

/** The project that owns a repository: its first path component (`team` of `team/app`). */
export function projectOf(repository: string): string | null {
  const slash = repository.indexOf('/');
  return slash === -1 ? null : repository.slice(0, slash);
}

/** foreign_key_violation: a cached repository id whose repository has since been deleted, or a blob GC deleted. */
export function isForeignKeyViolation(err: unknown): boolean {
  return (err as { code?: string })?.code === '23503';
}

/** A foreign-key violation on a `repository_id` column: the repository, not a blob, is gone. */
export function isMissingRepository(err: unknown): boolean {
  return isForeignKeyViolation(err) && /_repository_id_fkey$/.test((err as { constraint?: string }).constraint ?? '');
}

@Injectable()
export class RepositoryStore {
  /** Repository ids by name, kept by the cache's feed (RegistryCache.repositoryIds). */
  private readonly ids: Map<string, string>;
  /**
   * An open registry creates a project for the first path component of a pushed name; with
   * authentication, projects are made through the API only (they carry owners, members, quotas).
   */
  private readonly createsProjects: boolean;

  constructor(@Inject(SQL) private readonly sql: Sql, @Inject(CONFIG) config: RegistryConfig, cache: RegistryCache) {
    this.createsProjects = config.auth.mode === 'none';
    this.ids = cache.repositoryIds;
  }

  async findId(name: string, runner: SqlRunner = this.sql): Promise<string | undefined> {
    const row = await runner.one<{ id: string }>('SELECT id FROM repository WHERE name = $1', [name], 'repo_find');
    return row?.id;
  }

  private forget(name: string): void {
    this.ids.delete(name);
  }

  /**
   * The repository's id, creating it (and, in an open registry, its project) on first push. Outside
   * a transaction the id is remembered. A transaction always reads it afresh: a remembered id may
   * be that of a repository deleted since, and one created inside a transaction vanishes if that
   * rolls back.
   */
  async ensure(name: string, runner: SqlRunner = this.sql): Promise<string> {
    if (runner !== this.sql) return this.create(name, runner);
    const cached = this.ids.get(name);
    if (cached) return cached;
    const id = await this.create(name, runner);
    if (this.ids.size > 100_000) this.ids.clear();
    this.ids.set(name, id);
    return id;
  }

  /** Runs `fn` with the repository's id, once more with a fresh id if the cached one was stale. */
  withId<T>(name: string, fn: (id: string) => Promise<T>): Promise<T> {
    return this.retryingStaleId(name, async () => fn(await this.ensure(name)));
  }

  /**
   * Runs `work` (which looks the id up itself, e.g. inside its own transaction) once more if it
   * failed on a cached id whose repository has been deleted meanwhile.
   */
  async retryingStaleId<T>(name: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (!isForeignKeyViolation(err)) throw err;
      this.forget(name);
      return work();
    }
  }

  private async create(name: string, runner: SqlRunner): Promise<string> {
    const existing = await this.findId(name, runner);
    if (existing) return existing;
    const project = projectOf(name);
    if (!this.createsProjects) return this.createInExistingProject(name, project, runner);
    // A concurrent creator makes ON CONFLICT DO NOTHING return no row while this statement's
    // snapshot cannot see theirs yet: the retry runs with a fresh snapshot.
    for (let attempt = 0; attempt < 3; attempt++) {
      const row = await runner.one<{ id: string }>(
        `WITH p AS (
           INSERT INTO project (name) SELECT $2::text WHERE $2::text IS NOT NULL
           ON CONFLICT (name) DO NOTHING RETURNING id
         ), pid AS (
           SELECT id FROM p UNION ALL SELECT id FROM project WHERE name = $2::text
         ), r AS (
           INSERT INTO repository (name, project_id) VALUES ($1, (SELECT id FROM pid LIMIT 1))
           ON CONFLICT (name) DO NOTHING RETURNING id
         )
         SELECT id FROM r UNION ALL SELECT id FROM repository WHERE name = $1 LIMIT 1`,
        [name, project],
      );
      if (row) return row.id;
    }
    const id = await this.findId(name, runner);
    if (!id) throw new Error(`failed to create repository ${name}`);
    return id;
  }

  /**
   * The authorizer refused pushes outside existing projects already; this holds the line when a
   * project is deleted between the check and the push.
   */
  private async createInExistingProject(name: string, project: string | null, runner: SqlRunner): Promise<string> {
    if (project === null) throw new OciError('DENIED', `repository name "${name}" has no project part: push to <project>/${name}`);
    const row = await runner.one<{ id: string }>(
      `WITH r AS (
         INSERT INTO repository (name, project_id) SELECT $1, p.id FROM project p WHERE p.name = $2
         ON CONFLICT (name) DO NOTHING RETURNING id
       )
       SELECT id FROM r UNION ALL SELECT id FROM repository WHERE name = $1 LIMIT 1`,
      [name, project],
    );
    if (row) return row.id;
    const id = await this.findId(name, runner);
    if (id) return id;
    throw new OciError('DENIED', `project "${project}" does not exist: create it before pushing (the registry does not create projects)`);
  }

  /**
   * Repositories holding at least one artifact, in lexical order, after `last`; only those of
   * `projectIds` when given (what the caller may see).
   */
  async catalog(limit: number, last: string | undefined, projectIds?: readonly number[]): Promise<string[]> {
    const rows = await this.sql.query<{ name: string }>(
      `SELECT r.name FROM repository r
        WHERE ($1::text IS NULL OR r.name > $1::text)
          AND ($3::int[] IS NULL OR r.project_id = ANY($3::int[]))
          AND EXISTS (SELECT 1 FROM artifact a WHERE a.repository_id = r.id)
        ORDER BY r.name LIMIT $2`,
      [last ?? null, limit, projectIds ?? null],
      'repo_catalog',
    );
    return rows.map((r) => r.name);
  }
}
