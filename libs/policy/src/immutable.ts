import { repositoryInProject, type Selector, selectsAll } from './selector';

/** The part of an immutable tag rule that decides which tags it protects. */
export interface ImmutableRuleSpec {
  disabled: boolean;
  tagSelectors: readonly Selector[];
  /** Harbor's scope_selectors: { repository: [...] }. */
  repositorySelectors: readonly Selector[];
}

/** Whether `tag` of `repository` (full name, project first) is protected by an enabled rule. */
export function isTagImmutable(rules: readonly ImmutableRuleSpec[], repository: string, tag: string): boolean {
  const repo = repositoryInProject(repository);
  return rules.some((r) => !r.disabled && selectsAll(r.repositorySelectors, repo) && selectsAll(r.tagSelectors, tag));
}
