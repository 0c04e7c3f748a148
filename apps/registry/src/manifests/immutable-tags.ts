import { Inject, Injectable } from '@nestjs/common';
import type { Sql, SqlRunner } from '@wharf/db/plain';
import { OciError } from '@wharf/oci';
import { isTagImmutable } from '@wharf/policy';
import { SQL } from '../infra/tokens';
import { ProjectPolicies } from '../projects/project-policies';

/**
 * Immutable tag rules as the data plane enforces them: a push may create an immutable tag but never
 * move it to another manifest, and neither the tag nor an artifact carrying it may be deleted.
 * Answers 412 PRECONDITION (Harbor's status) with what was refused and why.
 */
@Injectable()
export class ImmutableTags {
  constructor(
    @Inject(SQL) private readonly sql: Sql,
    private readonly policies: ProjectPolicies,
  ) {}

  /** Whether `tag` of `repository` is immutable. */
  async isImmutable(repository: string, tag: string): Promise<boolean> {
    const { immutableRules } = await this.policies.of(repository);
    return immutableRules.length > 0 && isTagImmutable(immutableRules, repository, tag);
  }

  /**
   * Inside the push's transaction, before the tag is written: refuses moving an immutable tag.
   * Pushes of one immutable tag are serialised, so two first pushes with different manifests cannot
   * both find the tag free.
   */
  async checkPush(tx: SqlRunner, repository: string, repositoryId: string, tag: string, digest: string): Promise<void> {
    if (!(await this.isImmutable(repository, tag))) return;
    await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`immutable-tag:${repositoryId}:${tag}`]);
    const current = await tx.one<{ digest: string }>(
      'SELECT a.digest FROM tag t JOIN artifact a ON a.id = t.artifact_id WHERE t.repository_id = $1 AND t.name = $2',
      [repositoryId, tag],
    );
    if (current && current.digest !== digest) {
      throw new OciError('PRECONDITION', `tag ${tag} of ${repository} is immutable and already names ${current.digest}; push under a new tag`, { tag });
    }
  }

  /** Refuses deleting an immutable tag. */
  async checkTagDelete(repository: string, tag: string): Promise<void> {
    if (await this.isImmutable(repository, tag)) {
      throw new OciError('PRECONDITION', `tag ${tag} of ${repository} is immutable and cannot be deleted`, { tag });
    }
  }

  /** Refuses deleting an artifact that carries an immutable tag. */
  async checkArtifactDelete(repository: string, digest: string): Promise<void> {
    const { immutableRules: rules } = await this.policies.of(repository);
    if (rules.length === 0) return;
    const tags = await this.sql.query<{ name: string }>(
      'SELECT t.name FROM tag t JOIN artifact a ON a.id = t.artifact_id JOIN repository r ON r.id = a.repository_id WHERE r.name = $1 AND a.digest = $2',
      [repository, digest],
    );
    const immutable = tags.map((t) => t.name).filter((t) => isTagImmutable(rules, repository, t));
    if (immutable.length > 0) {
      throw new OciError('PRECONDITION', `manifest ${digest} carries immutable tag ${immutable.join(', ')} and cannot be deleted`, { digest });
    }
  }
}
