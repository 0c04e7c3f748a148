import type { TFunction } from 'i18next';
import type { PolicyRule, Selector } from './policy-types';
import { selectsUntagged } from './rule-form';

/**
 * Rules read as one sentence in the reader's language, e.g. "In repositories matching **, retain
 * the 10 most recently pushed artifacts with tags matching ** (untagged artifacts included)".
 * Patterns are shown as typed; the sentence is rendered as text. Both kinds of rule share the
 * selector phrases ("matching **"), kept in the retention namespace.
 */

function selectorText(s: Selector, t: TFunction): string {
  const excluding = s.decoration === 'excludes' || s.decoration === 'repoExcludes';
  return excluding ? t('retention:selector.excluding', { pattern: s.pattern }) : t('retention:selector.matching', { pattern: s.pattern });
}

function selectorsText(selectors: readonly Selector[], t: TFunction): string {
  if (selectors.length === 0) return t('retention:selector.any');
  return selectors.map((s) => selectorText(s, t)).join(t('retention:selector.and'));
}

/** What the rule keeps, by its template and parameter. */
export function retentionWhat(rule: Pick<PolicyRule, 'template' | 'params'>, t: TFunction): string {
  const raw = rule.params?.[rule.template];
  const n = typeof raw === 'number' ? raw : Number(raw);
  // A rule being typed may have no number yet.
  const count = Number.isFinite(n) ? n : 0;
  switch (rule.template) {
    case 'latestPushedK':
      return t('retention:what.latestPushedK', { count });
    case 'latestPulledN':
      return t('retention:what.latestPulledN', { count });
    case 'nDaysSinceLastPush':
      return t('retention:what.nDaysSinceLastPush', { count });
    case 'nDaysSinceLastPull':
      return t('retention:what.nDaysSinceLastPull', { count });
    case 'always':
      return t('retention:what.always');
    default:
      return t('retention:what.unknown', { template: rule.template });
  }
}

export function retentionRuleSentence(rule: PolicyRule, t: TFunction): string {
  const tags = rule.tag_selectors ?? [];
  // The rule takes untagged artifacts only if every one of its tag selectors does.
  const untagged = tags.every(selectsUntagged);
  return t('retention:sentence', {
    repositories: selectorsText(rule.scope_selectors?.repository ?? [], t),
    what: retentionWhat(rule, t),
    tags: selectorsText(tags, t),
    untagged: untagged ? t('retention:untaggedIncluded') : t('retention:untaggedExcluded'),
  });
}

export function immutableRuleSentence(rule: PolicyRule, t: TFunction): string {
  return t('immutable:sentence', {
    repositories: selectorsText(rule.scope_selectors?.repository ?? [], t),
    tags: selectorsText(rule.tag_selectors ?? [], t),
  });
}
