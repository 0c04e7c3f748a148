import { anyObject, arrayOf, bool, int, type Models, modelRef, object, str } from '../openapi/schema';

/** A rule with its selectors, under the names `rule` and `selector` (immutability and retention share the shape). */
function ruleModels(rule: string, selector: string): Models {
  return {
    [rule]: object({
      id: int,
      priority: int,
      disabled: bool,
      action: str,
      template: str,
      params: anyObject,
      tag_selectors: arrayOf(modelRef(selector)),
      scope_selectors: object({ repository: arrayOf(modelRef(selector)) }),
    }),
    [selector]: object({ kind: str, decoration: str, pattern: str, extras: str }),
  };
}

export const IMMUTABLE_RULE_MODELS: Models = ruleModels('ImmutableRule', 'ImmutableSelector');
export const RETENTION_RULE_MODELS: Models = ruleModels('RetentionRule', 'RetentionSelector');
