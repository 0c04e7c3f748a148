import { matches, patternProblem } from './doublestar';

/** A Harbor selector (ImmutableSelector / RetentionSelector in the API). */
export interface Selector {
  kind: string;
  decoration: string;
  pattern: string;
  extras?: string;
}

export const TAG_DECORATIONS = ['matches', 'excludes'] as const;
export const REPOSITORY_DECORATIONS = ['repoMatches', 'repoExcludes'] as const;

/** Why the selector is unusable for `what`, or null. */
export function selectorProblem(s: Selector, what: 'tag' | 'repository'): string | null {
  if (s.kind !== 'doublestar') return `${what} selector kind "${s.kind}" is not supported (use "doublestar")`;
  const allowed: readonly string[] = what === 'tag' ? TAG_DECORATIONS : REPOSITORY_DECORATIONS;
  if (!allowed.includes(s.decoration)) return `${what} selector decoration "${s.decoration}" must be one of ${allowed.join(', ')}`;
  const problem = patternProblem(s.pattern);
  return problem && `${what} selector: ${problem}`;
}

/** Whether `value` is selected: a "matches" selector selects what matches, an "excludes" one the rest. */
export function selects(s: Selector, value: string): boolean {
  const hit = matches(s.pattern, value);
  return s.decoration === 'excludes' || s.decoration === 'repoExcludes' ? !hit : hit;
}

/** Every selector selects the value (no selectors: everything is selected). */
export function selectsAll(selectors: readonly Selector[], value: string): boolean {
  return selectors.every((s) => selects(s, value));
}

/**
 * A rule as Harbor's API takes and shows it and as Wharf stores it: ImmutableRule and RetentionRule
 * have this one shape.
 */
export interface RuleRecord {
  id: number;
  priority: number;
  disabled: boolean;
  action: string;
  template: string;
  params: Record<string, unknown>;
  tag_selectors: Selector[];
  scope_selectors: { repository?: Selector[] };
}

/** The repository's name as selectors see it: without its project. */
export function repositoryInProject(repository: string): string {
  const slash = repository.indexOf('/');
  return slash < 0 ? repository : repository.slice(slash + 1);
}
