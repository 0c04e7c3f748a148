import type { Selector } from '@wharf/policy';
import type { ImmutableRuleRecord } from './immutable-rule.store';

/** Harbor's ImmutableSelector as answered: `extras` always present. */
export interface ImmutableSelectorView {
  kind: string;
  decoration: string;
  pattern: string;
  extras: string;
}

/** Harbor's ImmutableRule. */
export interface ImmutableRuleView {
  id: number;
  priority: number;
  disabled: boolean;
  action: string;
  template: string;
  params: Record<string, unknown>;
  tag_selectors: ImmutableSelectorView[];
  scope_selectors: { repository: ImmutableSelectorView[] };
}

function selectorView(s: Selector): ImmutableSelectorView {
  return { kind: s.kind, decoration: s.decoration, pattern: s.pattern, extras: s.extras ?? '' };
}

export function immutableRuleView(row: ImmutableRuleRecord): ImmutableRuleView {
  return {
    id: row.id,
    priority: row.priority,
    disabled: row.disabled,
    action: row.action,
    template: row.template,
    params: row.params,
    tag_selectors: row.tag_selectors.map(selectorView),
    scope_selectors: { repository: (row.scope_selectors.repository ?? []).map(selectorView) },
  };
}
