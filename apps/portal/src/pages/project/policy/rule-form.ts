import { DOUBLESTAR, IMMUTABLE_ACTION, IMMUTABLE_TEMPLATE, type PolicyRule, RETAIN_ACTION, type RetentionTemplateMetadata, type Selector } from './policy-types';

/**
 * The rule dialogs edit one repository selector and one tag selector, as Harbor's console does.
 * Rules made through the API may carry more: those are kept as they are (`moreRepositories`,
 * `moreTags`) so that editing a rule in the console never drops what it did not show.
 */
export type RepositoryDecoration = 'repoMatches' | 'repoExcludes';
export type TagDecoration = 'matches' | 'excludes';

interface SelectorFields {
  repoDecoration: RepositoryDecoration;
  repoPattern: string;
  tagDecoration: TagDecoration;
  tagPattern: string;
  disabled: boolean;
  /** Selectors after the first of each kind, kept unchanged. */
  moreRepositories: Selector[];
  moreTags: Selector[];
}

export interface RetentionRuleForm extends SelectorFields {
  template: string;
  /** The template's count or number of days; absent for templates without a parameter. */
  param?: number;
  /** Whether artifacts without tags are among those the rule considers. */
  untagged: boolean;
  priority: number;
}

export type ImmutableRuleForm = SelectorFields & { priority: number };

export const NEW_RETENTION_RULE: RetentionRuleForm = {
  template: 'latestPushedK',
  param: 10,
  repoDecoration: 'repoMatches',
  repoPattern: '**',
  tagDecoration: 'matches',
  tagPattern: '**',
  untagged: true,
  disabled: false,
  priority: 0,
  moreRepositories: [],
  moreTags: [],
};

export const NEW_IMMUTABLE_RULE: ImmutableRuleForm = {
  repoDecoration: 'repoMatches',
  repoPattern: '**',
  tagDecoration: 'matches',
  tagPattern: '**',
  disabled: false,
  priority: 0,
  moreRepositories: [],
  moreTags: [],
};

/**
 * Whether a tag selector takes artifacts without tags, read as the server reads `extras`: no
 * extras (or extras it cannot read) take them; `{"untagged": b}` takes them when b for "matches"
 * and when not b for "excludes" (an object without the key means false).
 */
export function selectsUntagged(s: Selector): boolean {
  if (!s.extras) return true;
  let parsed: unknown;
  try {
    parsed = JSON.parse(s.extras);
  } catch {
    return true;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return true;
  const untagged = (parsed as { untagged?: unknown }).untagged ?? false;
  if (typeof untagged !== 'boolean') return true;
  return s.decoration === 'excludes' ? !untagged : untagged;
}

/** The `extras` that make a tag selector take (or leave) untagged artifacts. */
export function untaggedExtras(decoration: string, include: boolean): string {
  return JSON.stringify({ untagged: decoration === 'excludes' ? !include : include });
}

function repoDecorationOf(s: Selector | undefined): RepositoryDecoration {
  return s?.decoration === 'repoExcludes' ? 'repoExcludes' : 'repoMatches';
}

function tagDecorationOf(s: Selector | undefined): TagDecoration {
  return s?.decoration === 'excludes' ? 'excludes' : 'matches';
}

function selectorFields(rule: PolicyRule): SelectorFields {
  const [repo, ...moreRepositories] = rule.scope_selectors?.repository ?? [];
  const [tag, ...moreTags] = rule.tag_selectors ?? [];
  return {
    repoDecoration: repoDecorationOf(repo),
    repoPattern: repo?.pattern ?? '',
    tagDecoration: tagDecorationOf(tag),
    tagPattern: tag?.pattern ?? '',
    disabled: rule.disabled,
    moreRepositories,
    moreTags,
  };
}

/** The number a template's parameter holds (the API answers numbers; older clients sent strings). */
function paramOf(rule: PolicyRule): number | undefined {
  const raw = rule.params?.[rule.template];
  const n = typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : raw;
  return typeof n === 'number' && Number.isInteger(n) ? n : undefined;
}

export function retentionRuleToForm(rule: PolicyRule): RetentionRuleForm {
  const tag = rule.tag_selectors?.[0];
  return {
    ...selectorFields(rule),
    template: rule.template,
    param: paramOf(rule),
    untagged: tag ? selectsUntagged(tag) : true,
    priority: rule.priority ?? 0,
  };
}

/** Whether the template takes a parameter (a count or days), as GET /retentions/metadatas says. */
export function templateHasParam(template: RetentionTemplateMetadata | undefined): boolean {
  return !!template && template.params.length > 0;
}

/** The rule the API takes; `template` is the metadata of the chosen template. */
export function retentionFormToRule(form: RetentionRuleForm, template: RetentionTemplateMetadata | undefined): PolicyRule {
  return {
    priority: form.priority,
    disabled: form.disabled,
    action: template?.action ?? RETAIN_ACTION,
    template: form.template,
    params: templateHasParam(template) && form.param !== undefined ? { [form.template]: form.param } : {},
    tag_selectors: [
      { kind: DOUBLESTAR, decoration: form.tagDecoration, pattern: form.tagPattern.trim(), extras: untaggedExtras(form.tagDecoration, form.untagged) },
      ...form.moreTags,
    ],
    scope_selectors: { repository: [{ kind: DOUBLESTAR, decoration: form.repoDecoration, pattern: form.repoPattern.trim() }, ...form.moreRepositories] },
  };
}

export function immutableRuleToForm(rule: PolicyRule): ImmutableRuleForm {
  return { ...selectorFields(rule), priority: rule.priority ?? 0 };
}

export function immutableFormToRule(form: ImmutableRuleForm): PolicyRule {
  return {
    priority: form.priority,
    disabled: form.disabled,
    action: IMMUTABLE_ACTION,
    template: IMMUTABLE_TEMPLATE,
    params: {},
    tag_selectors: [{ kind: DOUBLESTAR, decoration: form.tagDecoration, pattern: form.tagPattern.trim() }, ...form.moreTags],
    scope_selectors: { repository: [{ kind: DOUBLESTAR, decoration: form.repoDecoration, pattern: form.repoPattern.trim() }, ...form.moreRepositories] },
  };
}

/** The rules of a policy with one replaced (`index`), added (`index` undefined) or removed (`rule` null). */
export function withRule(rules: readonly PolicyRule[], index: number | undefined, rule: PolicyRule | null): PolicyRule[] {
  if (index === undefined) return rule ? [...rules, rule] : [...rules];
  if (rule === null) return rules.filter((_, i) => i !== index);
  return rules.map((r, i) => (i === index ? rule : r));
}
