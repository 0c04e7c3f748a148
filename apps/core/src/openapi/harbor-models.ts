import { ARTIFACT_MODELS } from '../artifacts/artifact-models';
import { AUDIT_MODELS } from '../audit/audit-models';
import { CONFIGURATION_MODELS } from '../configurations/configuration-models';
import { EXEC_HISTORY_MODELS } from '../gc/gc-models';
import { ICON_MODELS } from '../icons/icon-models';
import { JOBSERVICE_MODELS } from '../jobservice/jobservice-models';
import { LABEL_MODELS } from '../labels/label-models';
import { LDAP_MODELS } from '../ldap/ldap-models';
import { MEMBER_MODELS } from '../members/member-models';
import { IMMUTABLE_RULE_MODELS } from '../policies/rule-models';
import { PROJECT_MODELS } from '../projects/project-models';
import { QUOTA_MODELS } from '../quotas/quota-models';
import { REPOSITORY_MODELS } from '../repositories/repository-models';
import { RETENTION_MODELS } from '../retention/retention-models';
import { ROBOT_MODELS } from '../robots/robot-models';
import { SCHEDULE_MODELS } from '../schedules/schedule-models';
import { SEARCH_MODELS } from '../search/search-models';
import { STATISTIC_MODELS } from '../statistics/statistic-models';
import { SYSTEM_MODELS } from '../system/system-models';
import { TOKEN_MODELS } from '../token/token-models';
import { USER_GROUP_MODELS } from '../usergroups/user-group-models';
import { USER_MODELS } from '../users/user-models';
import { WEBHOOK_MODELS } from '../webhooks/webhook-models';
import type { Models } from './schema';

/** Merges the groups' models; a name two groups define is a mistake, not an override. */
export function gatherModels(groups: readonly Models[]): Models {
  const all: Record<string, Models[string]> = {};
  for (const group of groups) {
    for (const [name, schema] of Object.entries(group)) {
      if (Object.hasOwn(all, name)) throw new Error(`response model ${name} is defined twice`);
      all[name] = schema;
    }
  }
  return all;
}

/**
 * Every response model, under Harbor's model names (components.schemas). They take the place of
 * the schemas Nest derives from request DTOs of the same name: Harbor's requests and answers share
 * the model, and the answer has every field.
 */
export const HARBOR_MODELS: Models = gatherModels([
  ARTIFACT_MODELS,
  AUDIT_MODELS,
  CONFIGURATION_MODELS,
  EXEC_HISTORY_MODELS,
  ICON_MODELS,
  JOBSERVICE_MODELS,
  IMMUTABLE_RULE_MODELS,
  LABEL_MODELS,
  LDAP_MODELS,
  MEMBER_MODELS,
  PROJECT_MODELS,
  QUOTA_MODELS,
  REPOSITORY_MODELS,
  RETENTION_MODELS,
  ROBOT_MODELS,
  SCHEDULE_MODELS,
  SEARCH_MODELS,
  STATISTIC_MODELS,
  SYSTEM_MODELS,
  TOKEN_MODELS,
  USER_GROUP_MODELS,
  USER_MODELS,
  WEBHOOK_MODELS,
]);
