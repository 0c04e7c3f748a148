import { type ImmutableRuleSpec, isTagImmutable } from './immutable';
import { matches } from './doublestar';
import { repositoryInProject, type RuleRecord, type Selector, selectorProblem, selects } from './selector';

/**
 * Tag retention as Harbor defines it. A policy is a list of rules joined by OR; each rule:
 *   1. applies to the repositories its scope selectors select (all of them must select it);
 *   2. among that repository's artifacts, considers those its tag selectors select;
 *   3. retains, among those, what its template says (the K most recently pushed, ...).
 * In a repository at least one enabled rule applies to, every artifact no rule retains is deleted
 * (untagged ones included); repositories no rule applies to are left alone. An artifact carrying
 * an immutable tag is always retained. Nothing here does I/O.
 */

/** The only action a retention rule has. */
export const RETAIN_ACTION = 'retain';
/** The only algorithm: a rule retains what it retains whatever the other rules say. */
export const RETENTION_ALGORITHM = 'or';

export type RetentionTemplate = 'latestPushedK' | 'latestPulledN' | 'nDaysSinceLastPush' | 'nDaysSinceLastPull' | 'always';

export interface RetentionTemplateInfo {
  template: RetentionTemplate;
  /** Harbor's display text ("#" stands for the parameter). */
  displayText: string;
  /** The unit of the one parameter (named like the template), or null when there is none. */
  unit: 'COUNT' | 'DAYS' | null;
  /** The largest value the parameter may take. */
  max: number;
}

/** Harbor's limits: counts below 2^15 - 1, days up to 20190904 (sic). */
const MAX_COUNT = 32_766;
const MAX_DAYS = 20_190_904;

/** The templates in the order Harbor's metadata lists them. */
export const RETENTION_TEMPLATES: readonly RetentionTemplateInfo[] = [
  { template: 'latestPushedK', displayText: 'the most recently pushed # artifacts', unit: 'COUNT', max: MAX_COUNT },
  { template: 'latestPulledN', displayText: 'the most recently pulled # artifacts', unit: 'COUNT', max: MAX_COUNT },
  { template: 'nDaysSinceLastPush', displayText: 'pushed within the last # days', unit: 'DAYS', max: MAX_DAYS },
  { template: 'nDaysSinceLastPull', displayText: 'pulled within the last # days', unit: 'DAYS', max: MAX_DAYS },
  { template: 'always', displayText: 'always', unit: null, max: 0 },
];

export function retentionTemplate(name: string): RetentionTemplateInfo | undefined {
  return RETENTION_TEMPLATES.find((t) => t.template === name);
}

/** One rule of a policy, as stored (selectors carry `extras`, "" when none was given). */
export interface RetentionRuleSpec {
  /** The rule's number in its policy (from 1), for logs. */
  id?: number;
  disabled: boolean;
  action: string;
  template: string;
  /** `{<template>: n}`; nothing for "always". */
  params: Record<string, unknown>;
  tagSelectors: readonly Selector[];
  /** Harbor's scope_selectors.repository. */
  repositorySelectors: readonly Selector[];
}

/** Harbor's RetentionRule as taken, shown and stored. */
export type RetentionRuleRecord = RuleRecord;

export function retentionRuleSpec(r: RetentionRuleRecord): RetentionRuleSpec {
  return {
    id: r.id,
    disabled: r.disabled,
    action: r.action,
    template: r.template,
    params: r.params ?? {},
    tagSelectors: r.tag_selectors ?? [],
    repositorySelectors: r.scope_selectors?.repository ?? [],
  };
}

/** An artifact as retention weighs it (Harbor's candidate): the latest push and pull of it or any of its tags. */
export interface RetentionArtifact {
  id: string;
  digest: string;
  tags: readonly string[];
  pushTime: Date;
  /** Never pulled: null. */
  pullTime: Date | null;
}

export interface RetentionVerdict {
  artifact: RetentionArtifact;
  retain: boolean;
  /** Why: the rules that retain it (or its immutable tags), or why none does. */
  reasons: string[];
}

export interface RetentionEvaluation {
  /** Whether any enabled rule applies to the repository; when not, everything is retained. */
  covered: boolean;
  verdicts: RetentionVerdict[];
}

export interface RetentionInput {
  /** Full repository name, project first. */
  repository: string;
  artifacts: readonly RetentionArtifact[];
  rules: readonly RetentionRuleSpec[];
  /** The project's immutable tag rules: what they protect is retained. */
  immutableRules?: readonly ImmutableRuleSpec[];
  /** "Within N days" counts back from here. */
  now: Date;
}

/**
 * Whether a tag selector takes untagged artifacts. Harbor's console sends `extras`
 * `{"untagged": true|false}`: true puts untagged artifacts in the pattern's set, so a "matches"
 * selector selects them and an "excludes" one leaves them out. Without extras (policies from
 * before the option), "matches" selects them and "excludes" does too.
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
  // An object without the key means "untagged: false", as Harbor reads it.
  const untagged = (parsed as { untagged?: unknown }).untagged ?? false;
  if (typeof untagged !== 'boolean') return true;
  return s.decoration === 'excludes' ? !untagged : untagged;
}

/**
 * Whether a tag selector selects an artifact with these tags: "matches" when any tag matches,
 * "excludes" when any tag does not (Harbor's reading: an artifact tagged both "latest" and "v1" is
 * selected by "excludes latest").
 */
export function tagSelectorSelects(s: Selector, tags: readonly string[]): boolean {
  if (tags.length === 0) return selectsUntagged(s);
  if (s.decoration === 'excludes') return tags.some((t) => !matches(s.pattern, t));
  return tags.some((t) => matches(s.pattern, t));
}

/** Why `extras` of a tag selector cannot be used, or null ("" and `{"untagged": bool}` can). */
export function extrasProblem(extras: string | undefined): string | null {
  if (extras === undefined || extras === '') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(extras);
  } catch {
    return `extras must be JSON such as {"untagged":true}, not ${JSON.stringify(extras)}`;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return 'extras must be a JSON object such as {"untagged":true}';
  const untagged = (parsed as Record<string, unknown>)['untagged'];
  if (untagged !== undefined && typeof untagged !== 'boolean') return 'extras.untagged must be true or false';
  return null;
}

/** The rule's parameter as a number, when the template has one and it is usable. */
export function retentionParameter(rule: Pick<RetentionRuleSpec, 'template' | 'params'>): number | undefined {
  const value = rule.params[rule.template];
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** Why a rule cannot be evaluated, or null. Parameters must be integers by now (see the API's input parsing). */
export function retentionRuleProblem(rule: RetentionRuleSpec): string | null {
  if (rule.action !== RETAIN_ACTION) return `action "${rule.action}" is not supported (use "${RETAIN_ACTION}")`;
  const info = retentionTemplate(rule.template);
  if (!info) return `template "${rule.template}" is not one of ${RETENTION_TEMPLATES.map((t) => t.template).join(', ')}`;
  for (const key of Object.keys(rule.params)) {
    if (key !== rule.template || info.unit === null) return `params.${key} is not a parameter of template ${rule.template}`;
  }
  if (info.unit !== null) {
    const value = rule.params[rule.template];
    if (value === undefined) return `params.${rule.template} is required by template ${rule.template}`;
    const n = retentionParameter(rule);
    if (n === undefined) return `params.${rule.template} must be an integer, 0 or more`;
    if (n > info.max) return `params.${rule.template} is too large (at most ${info.max})`;
  }
  if (rule.tagSelectors.length === 0) return 'tag_selectors needs at least one selector';
  if (rule.repositorySelectors.length === 0) return 'scope_selectors.repository needs at least one selector';
  for (const [i, s] of rule.tagSelectors.entries()) {
    const problem = selectorProblem(s, 'tag') ?? extrasProblem(s.extras);
    if (problem) return `tag_selectors[${i}]: ${problem}`;
  }
  for (const [i, s] of rule.repositorySelectors.entries()) {
    const problem = selectorProblem(s, 'repository');
    if (problem) return `scope_selectors.repository[${i}]: ${problem}`;
  }
  return null;
}

/** The enabled rules that apply to `repository` (full name, project first), in their order. */
export function rulesForRepository(rules: readonly RetentionRuleSpec[], repository: string): RetentionRuleSpec[] {
  const name = repositoryInProject(repository);
  return rules.filter((r) => !r.disabled && r.repositorySelectors.every((s) => selects(s, name)));
}

function selectorText(s: Selector): string {
  return `tags ${s.decoration === 'excludes' ? 'excluding' : 'matching'} ${s.pattern}${selectsUntagged(s) ? ', untagged too' : ''}`;
}

/** "rule 2 (the 3 most recently pushed of tags matching v*)": how logs name a rule. */
export function describeRetentionRule(rule: RetentionRuleSpec, position: number): string {
  const info = retentionTemplate(rule.template);
  const n = retentionParameter(rule);
  const what = info ? info.displayText.replace('#', String(n ?? '?')) : rule.template;
  return `rule ${rule.id ?? position} (${what}; ${rule.tagSelectors.map(selectorText).join(' and ')})`;
}

/** Newer first; ids (bigint strings) settle ties so that every run picks the same artifacts. */
function newerFirst(a: Date | null, b: Date | null): number {
  const ta = a ? a.getTime() : -Infinity;
  const tb = b ? b.getTime() : -Infinity;
  return ta === tb ? 0 : tb > ta ? 1 : -1;
}

function laterId(a: RetentionArtifact, b: RetentionArtifact): number {
  if (a.id.length !== b.id.length) return b.id.length - a.id.length;
  return a.id === b.id ? 0 : b.id > a.id ? 1 : -1;
}

const DAY_MS = 86_400_000;

/** What a rule retains among the artifacts its selectors chose. */
function applyTemplate(rule: RetentionRuleSpec, selected: RetentionArtifact[], now: Date): RetentionArtifact[] {
  const n = retentionParameter(rule) ?? 0;
  switch (rule.template as RetentionTemplate) {
    case 'latestPushedK':
      return [...selected].sort((a, b) => newerFirst(a.pushTime, b.pushTime) || laterId(a, b)).slice(0, n);
    case 'latestPulledN':
      // As Harbor: never-pulled artifacts come last but still fill the N places (newest push first).
      return [...selected].sort((a, b) => newerFirst(a.pullTime, b.pullTime) || newerFirst(a.pushTime, b.pushTime) || laterId(a, b)).slice(0, n);
    case 'nDaysSinceLastPush': {
      const since = now.getTime() - n * DAY_MS;
      return selected.filter((a) => a.pushTime.getTime() >= since);
    }
    case 'nDaysSinceLastPull': {
      const since = now.getTime() - n * DAY_MS;
      return selected.filter((a) => a.pullTime !== null && a.pullTime.getTime() >= since);
    }
    case 'always':
      return selected;
    default:
      throw new Error(`retention template "${rule.template}" is not supported`);
  }
}

/**
 * Decides, for one repository, which artifacts to retain and which to delete, with the reasons.
 * Throws when an applicable rule is unusable (see retentionRuleProblem): a policy that cannot be
 * understood must not delete anything.
 */
export function evaluateRetention(input: RetentionInput): RetentionEvaluation {
  const positions = new Map(input.rules.map((r, i) => [r, i + 1]));
  const rules = rulesForRepository(input.rules, input.repository);
  if (rules.length === 0) {
    return { covered: false, verdicts: input.artifacts.map((artifact) => ({ artifact, retain: true, reasons: ['no enabled rule applies to this repository'] })) };
  }
  const retainedBy = new Map<string, string[]>();
  const selectedBy = new Map<string, string[]>();
  for (const rule of rules) {
    const problem = retentionRuleProblem(rule);
    const label = describeRetentionRule(rule, positions.get(rule) ?? 0);
    if (problem) throw new Error(`${label}: ${problem}`);
    const selected = input.artifacts.filter((a) => rule.tagSelectors.every((s) => tagSelectorSelects(s, a.tags)));
    for (const a of selected) selectedBy.set(a.id, [...(selectedBy.get(a.id) ?? []), label]);
    for (const a of applyTemplate(rule, selected, input.now)) retainedBy.set(a.id, [...(retainedBy.get(a.id) ?? []), `retained by ${label}`]);
  }
  const immutableRules = input.immutableRules ?? [];
  return {
    covered: true,
    verdicts: input.artifacts.map((artifact) => {
      const reasons = [...(retainedBy.get(artifact.id) ?? [])];
      for (const tag of artifact.tags) {
        if (immutableRules.length > 0 && isTagImmutable(immutableRules, input.repository, tag)) reasons.push(`carries the immutable tag ${tag}`);
      }
      if (reasons.length > 0) return { artifact, retain: true, reasons };
      const selecting = selectedBy.get(artifact.id);
      const why = selecting
        ? selecting.map((label) => `selected by ${label} but not among what it retains`)
        : [artifact.tags.length === 0 ? 'untagged, and no rule selects untagged artifacts' : 'no rule selects its tags'];
      return { artifact, retain: false, reasons: why };
    }),
  };
}
