export { compilePattern, matches, PatternError, patternProblem } from './doublestar';
export { REPOSITORY_DECORATIONS, repositoryInProject, selectorProblem, selects, selectsAll, TAG_DECORATIONS } from './selector';
export type { Selector } from './selector';
export { isTagImmutable } from './immutable';
export type { ImmutableRuleSpec } from './immutable';
