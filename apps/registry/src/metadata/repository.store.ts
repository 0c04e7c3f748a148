import { Inject, Injectable } from '@nestjs/common';
import type { Sql, SqlRunner } from '@wharf/db';
import { SQL } from '../infra/tokens';

/** The project that owns a repository: its first path component (`team` of `team/app`). */
export function projectOf(repository: string): string | null {
  const slash = repository.indexOf('/');
  return slash === -1 ? null : repository.slice(0, slash);
}

@Injectable()
export class RepositoryStore {
  constructor(@Inject(SQL) private readonly sql: Sql) {}

  async findId(name: string, runner: SqlRunner = this.sql): Promise<string | undefined> {
    const row = await runner.one<{ id: string }>('SELECT id FROM repository WHERE name = $1', [name], 'repo_find');
    return row?.id;
  }

  /** The repository's id, creating it (and its project) on first push. */
  async ensure(name: string, runner: SqlRunner = this.sql): Promise<string> {
    const existing = await this.findId(name, runner);
    if (existing) return existing;
    const project = projectOf(name);
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

  /** Repositories holding at least one artifact, in lexical order, after `last`. */
  async catalog(limit: number, last: string | undefined): Promise<string[]> {
    const rows = await this.sql.query<{ name: string }>(
      `SELECT r.name FROM repository r
        WHERE ($1::text IS NULL OR r.name > $1::text)
          AND EXISTS (SELECT 1 FROM artifact a WHERE a.repository_id = r.id)
        ORDER BY r.name LIMIT $2`,
      [last ?? null, limit],
      'repo_catalog',
    );
    return rows.map((r) => r.name);
  }
}
