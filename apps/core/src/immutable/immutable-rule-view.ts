import { type RuleView, ruleView } from '../policies/rule-view';
import type { ImmutableRuleRecord } from './immutable-rule.store';

/** Harbor's ImmutableRule. */
export type ImmutableRuleView = RuleView;

export function immutableRuleView(row: ImmutableRuleRecord): ImmutableRuleView {
  return ruleView(row);
}
