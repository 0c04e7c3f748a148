import { type Selector, selectorProblem } from '@wharf/policy';
import { badRequest } from '../http/harbor-error';
import type { ImmutableRuleDto, ImmutableSelectorDto } from './dto/immutable-rule.dto';

/** Harbor's limit of immutable tag rules per project. */
export const MAX_RULES_PER_PROJECT = 15;
/** params mean nothing to immutable rules; they are kept for clients that read them back, within reason. */
const MAX_PARAMS_BYTES = 4096;

/** A rule's settable fields, normalised: every selector has `extras` ("" when not given), as Harbor answers them. */
export interface RuleFields {
  priority: number;
  disabled: boolean;
  params: Record<string, unknown>;
  tagSelectors: Selector[];
  repositorySelectors: Selector[];
}

/** Where the request was addressed, to check the body's read-only fields against. */
export interface RuleTarget {
  projectId: number;
  /** The rule being replaced (PUT), undefined on create. */
  ruleId?: number;
}

function normalise(selectors: readonly ImmutableSelectorDto[], field: string, what: 'tag' | 'repository'): Selector[] {
  return selectors.map((s, i) => {
    const selector: Selector = { kind: s.kind, decoration: s.decoration, pattern: s.pattern, extras: s.extras ?? '' };
    const problem = selectorProblem(selector, what);
    if (problem) throw badRequest(`${field}[${i}]: ${problem}`);
    return selector;
  });
}

/**
 * The rule a POST (no `current`) or PUT (`current` is the stored rule) asks for; 400 naming the
 * field when it cannot be used. On PUT, fields left out keep their values, so both Harbor's
 * console (the whole rule with `disabled` flipped) and `{"disabled": true}` toggle a rule.
 */
export function ruleFromRequest(body: ImmutableRuleDto, target: RuleTarget, current?: RuleFields): RuleFields {
  // The validation pipe hands primitives (a JSON string or number as the body) through unchecked.
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('the request body must be a JSON object (an ImmutableRule)');
  if (body.project_id !== undefined && body.project_id !== null && body.project_id !== target.projectId) {
    throw badRequest(`project_id ${body.project_id} is not the project of the path (${target.projectId})`);
  }
  if (target.ruleId !== undefined && body.id !== undefined && body.id !== null && body.id !== target.ruleId) {
    throw badRequest(`id ${body.id} is not the rule of the path (${target.ruleId})`);
  }
  const tags = body.tag_selectors ?? undefined;
  const repositories = body.scope_selectors?.repository;
  if (!current && !tags) throw badRequest('tag_selectors is required: at least one tag selector');
  if (!current && !repositories) throw badRequest('scope_selectors is required: {"repository": [at least one repository selector]}');
  const params = body.params ?? current?.params ?? {};
  if (Buffer.byteLength(JSON.stringify(params)) > MAX_PARAMS_BYTES) throw badRequest(`params must take at most ${MAX_PARAMS_BYTES} bytes as JSON`);
  return {
    priority: body.priority ?? current?.priority ?? 0,
    disabled: body.disabled ?? current?.disabled ?? false,
    params,
    tagSelectors: tags ? normalise(tags, 'tag_selectors', 'tag') : (current as RuleFields).tagSelectors,
    repositorySelectors: repositories ? normalise(repositories, 'scope_selectors.repository', 'repository') : (current as RuleFields).repositorySelectors,
  };
}

function selectorKey(s: Selector): string {
  return JSON.stringify([s.kind, s.decoration, s.pattern, s.extras ?? '']);
}

function selectorSet(selectors: readonly Selector[]): string {
  return JSON.stringify(selectors.map(selectorKey).sort());
}

/**
 * Whether two rules select the same tags by the same selectors (order and repetition aside):
 * a second such rule would only be a copy (Harbor refuses it with 409).
 */
export function sameSelectors(a: Pick<RuleFields, 'tagSelectors' | 'repositorySelectors'>, b: Pick<RuleFields, 'tagSelectors' | 'repositorySelectors'>): boolean {
  const dedupe = (s: readonly Selector[]) => [...new Map(s.map((x) => [selectorKey(x), x])).values()];
  return (
    selectorSet(dedupe(a.tagSelectors)) === selectorSet(dedupe(b.tagSelectors)) &&
    selectorSet(dedupe(a.repositorySelectors)) === selectorSet(dedupe(b.repositorySelectors))
  );
}
