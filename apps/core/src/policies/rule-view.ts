import type { RuleRecord, Selector } from '@wharf/policy';

/** Harbor's ImmutableSelector / RetentionSelector as answered: `extras` always present. */
export interface SelectorView {
  kind: string;
  decoration: string;
  pattern: string;
  extras: string;
}

/** Harbor's ImmutableRule / RetentionRule as answered (one shape for both). */
export interface RuleView {
  id: number;
  priority: number;
  disabled: boolean;
  action: string;
  template: string;
  params: Record<string, unknown>;
  tag_selectors: SelectorView[];
  scope_selectors: { repository: SelectorView[] };
}

function selectorView(s: Selector): SelectorView {
  return { kind: s.kind, decoration: s.decoration, pattern: s.pattern, extras: s.extras ?? '' };
}

export function ruleView(r: RuleRecord): RuleView {
  return {
    id: r.id,
    priority: r.priority,
    disabled: r.disabled,
    action: r.action,
    template: r.template,
    params: r.params,
    tag_selectors: r.tag_selectors.map(selectorView),
    scope_selectors: { repository: (r.scope_selectors.repository ?? []).map(selectorView) },
  };
}
