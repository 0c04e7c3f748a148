import { arrayOf, bool, int, int64, type Models, modelRef, object, str } from '../openapi/schema';
import { RETENTION_RULE_MODELS } from '../policies/rule-models';

/** Response models of /retentions. */
export const RETENTION_MODELS: Models = {
  ...RETENTION_RULE_MODELS,
  RetentionPolicy: object({
    id: int64,
    algorithm: { type: 'string', enum: ['or'] },
    rules: arrayOf(modelRef('RetentionRule')),
    trigger: modelRef('RetentionRuleTrigger'),
    scope: modelRef('RetentionPolicyScope'),
  }),
  RetentionRuleTrigger: object({
    kind: { type: 'string', enum: ['Schedule'] },
    settings: object({ cron: { type: 'string', description: '6 fields, seconds first, UTC; "" for no schedule' } }),
    references: { type: 'object' },
  }),
  RetentionPolicyScope: object({ level: { type: 'string', enum: ['project'] }, ref: { type: 'integer', description: 'project id' } }),
  RetentionExecution: object({ id: int64, policy_id: int64, start_time: str, end_time: str, status: str, trigger: str, dry_run: bool }, ['end_time']),
  RetentionExecutionTask: object(
    {
      id: int64,
      execution_id: int64,
      repository: str,
      job_id: str,
      status: str,
      status_code: int,
      status_revision: int64,
      start_time: str,
      end_time: str,
      total: int,
      retained: int,
    },
    ['start_time', 'end_time'],
  ),
  RetentionMetadata: object({
    templates: arrayOf(modelRef('RetentionRuleMetadata')),
    scope_selectors: arrayOf(modelRef('RetentionSelectorMetadata')),
    tag_selectors: arrayOf(modelRef('RetentionSelectorMetadata')),
  }),
  RetentionRuleMetadata: object({ rule_template: str, display_text: str, action: str, params: arrayOf(modelRef('RetentionRuleParamMetadata')) }),
  RetentionRuleParamMetadata: object({ type: str, unit: str, required: bool }),
  RetentionSelectorMetadata: object({ display_text: str, kind: str, decorations: arrayOf(str) }),
};
