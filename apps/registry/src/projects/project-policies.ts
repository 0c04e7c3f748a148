import { Inject, Injectable } from '@nestjs/common';
import type { Sql } from '@wharf/db/plain';
import type { ImmutableRuleSpec, Selector } from '@wharf/policy';
import { SQL } from '../infra/tokens';
import { projectOf } from '../metadata/repository.store';

/** What the data plane enforces per project on pushes and deletes. */
export interface ProjectPolicy {
  /** project.storage_limit in bytes; -1 for none. */
  storageLimit: number;
  immutableRules: ImmutableRuleSpec[];
}

const NONE: ProjectPolicy = { storageLimit: -1, immutableRules: [] };

/** How long a project's policy is reused: a limit or rule changed in core applies everywhere within this. */
const TTL_MS = 3000;
const MAX_PROJECTS = 10_000;

/**
 * A project's storage limit and immutable tag rules, read together (one statement per project
 * per TTL) and shared by the quota and immutable-tag checks of every push and delete.
 */
@Injectable()
export class ProjectPolicies {
  private readonly cache = new Map<string, { policy: ProjectPolicy; expires: number }>();

  constructor(@Inject(SQL) private readonly sql: Sql) {}

  /** The policy of `repository`'s project (none for a repository outside any project). */
  async of(repository: string): Promise<ProjectPolicy> {
    const project = projectOf(repository);
    if (project === null) return NONE;
    const hit = this.cache.get(project);
    if (hit && hit.expires > Date.now()) return hit.policy;
    const row = await this.sql.one<{ storage_limit: string; rules: { disabled: boolean; tag_selectors: Selector[]; scope_selectors: { repository?: Selector[] } }[] }>(
      `SELECT p.storage_limit,
              COALESCE((SELECT json_agg(json_build_object('disabled', r.disabled, 'tag_selectors', r.tag_selectors, 'scope_selectors', r.scope_selectors))
                          FROM immutable_tag_rule r WHERE r.project_id = p.id), '[]') AS rules
         FROM project p WHERE p.name = $1`,
      [project],
      'project_policy',
    );
    const policy: ProjectPolicy = row
      ? {
          storageLimit: Number(row.storage_limit),
          immutableRules: row.rules.map((r) => ({ disabled: r.disabled, tagSelectors: r.tag_selectors, repositorySelectors: r.scope_selectors.repository ?? [] })),
        }
      : NONE;
    if (this.cache.size >= MAX_PROJECTS) this.cache.clear();
    this.cache.set(project, { policy, expires: Date.now() + TTL_MS });
    return policy;
  }
}
