export { compilePattern, matches, PatternError, patternProblem } from './doublestar';
export { REPOSITORY_DECORATIONS, repositoryInProject, selectorProblem, selects, selectsAll, TAG_DECORATIONS } from './selector';
export type { RuleRecord, Selector } from './selector';
export { isTagImmutable } from './immutable';
export type { ImmutableRuleSpec } from './immutable';
export {
  describeRetentionRule,
  evaluateRetention,
  extrasProblem,
  RETAIN_ACTION,
  RETENTION_ALGORITHM,
  RETENTION_TEMPLATES,
  retentionParameter,
  retentionRuleProblem,
  retentionRuleSpec,
  retentionTemplate,
  rulesForRepository,
  selectsUntagged,
  tagSelectorSelects,
} from './retention';
export type { RetentionArtifact, RetentionEvaluation, RetentionInput, RetentionRuleRecord, RetentionRuleSpec, RetentionTemplate, RetentionTemplateInfo, RetentionVerdict } from './retention';
export { networkContains, networkWithin, parseAddress, parseNetwork } from './network';
export type { Network } from './network';
export {
  addressesWithoutDns,
  allowedNetworksProblem,
  DEFAULT_WEBHOOK_ALLOWED_NETWORKS,
  installationServices,
  parseServiceEndpoints,
  serviceEndpointOfUrl,
  targetOfUrl,
  WebhookTargetRules,
} from './webhook-targets';
export type { ServiceEndpoint, TargetAddresses } from './webhook-targets';
export { MAX_STORAGE_LIMIT, storageLimitProblem, UNLIMITED } from './storage-limit';
