import { Injectable } from '@nestjs/common';
import type { SqlRunner } from '@wharf/db';
import { type ImmutableRuleSpec, isTagImmutable } from '@wharf/policy';
import { ImmutableRuleStore } from './immutable-rule.store';

/** A project's immutable tag rules at one moment, asked about tags of its repositories. */
export class ProjectImmutability {
  constructor(private readonly rules: readonly ImmutableRuleSpec[]) {}

  /** Whether `tag` of `repository` (full name, project first) is protected. */
  isImmutable(repository: string, tag: string): boolean {
    return this.rules.length > 0 && isTagImmutable(this.rules, repository, tag);
  }

  /** The protected ones among `tags`, in their order. */
  among(repository: string, tags: readonly string[]): string[] {
    return this.rules.length === 0 ? [] : tags.filter((tag) => isTagImmutable(this.rules, repository, tag));
  }
}

/**
 * What core's own deletes of tags and artifacts consult (the registry enforces the same rules on
 * pushes and /v2/ deletes). Rules are read per request, inside the caller's transaction when given:
 * a rule saved a moment ago already applies.
 */
@Injectable()
export class ImmutableTags {
  constructor(private readonly store: ImmutableRuleStore) {}

  async ofProject(projectId: number, runner?: SqlRunner): Promise<ProjectImmutability> {
    return new ProjectImmutability(await this.store.enabledRules(projectId, runner));
  }
}
