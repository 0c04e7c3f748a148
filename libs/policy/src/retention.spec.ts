import {
  describeRetentionRule,
  evaluateRetention,
  extrasProblem,
  type RetentionArtifact,
  retentionRuleProblem,
  type RetentionRuleSpec,
  rulesForRepository,
  selectsUntagged,
  tagSelectorSelects,
} from './index';
import type { Selector } from './selector';

const NOW = new Date('2026-06-15T12:00:00Z');
const DAY = 86_400_000;

/** An artifact pushed `pushedDaysAgo` days ago, pulled `pulledDaysAgo` days ago (null: never). */
function art(id: number, tags: string[], pushedDaysAgo: number, pulledDaysAgo: number | null = null): RetentionArtifact {
  return {
    id: String(id),
    digest: `sha256:${String(id).padStart(64, '0')}`,
    tags,
    pushTime: new Date(NOW.getTime() - pushedDaysAgo * DAY),
    pullTime: pulledDaysAgo === null ? null : new Date(NOW.getTime() - pulledDaysAgo * DAY),
  };
}

const tag = (pattern: string, decoration = 'matches', untagged?: boolean): Selector => ({
  kind: 'doublestar',
  decoration,
  pattern,
  extras: untagged === undefined ? '' : JSON.stringify({ untagged }),
});
const repo = (pattern: string, decoration = 'repoMatches'): Selector => ({ kind: 'doublestar', decoration, pattern });

function rule(template: string, n: number | undefined, over: Partial<RetentionRuleSpec> = {}): RetentionRuleSpec {
  return {
    disabled: false,
    action: 'retain',
    template,
    params: n === undefined ? {} : { [template]: n },
    tagSelectors: [tag('**', 'matches', false)],
    repositorySelectors: [repo('**')],
    ...over,
  };
}

/** The ids retained, sorted, for compact expectations. */
function retained(rules: RetentionRuleSpec[], artifacts: RetentionArtifact[], repository = 'lib/app', immutable: Parameters<typeof evaluateRetention>[0]['immutableRules'] = []): string[] {
  const result = evaluateRetention({ repository, artifacts, rules, immutableRules: immutable, now: NOW });
  return result.verdicts
    .filter((v) => v.retain)
    .map((v) => v.artifact.id)
    .sort((a, b) => Number(a) - Number(b));
}

// Ten tagged artifacts: id i pushed i days ago, pulled (11 - i) days ago for the even ones.
const TEN = Array.from({ length: 10 }, (_, i) => art(i + 1, [`v${i + 1}`], i + 1, (i + 1) % 2 === 0 ? 11 - (i + 1) : null));

describe('retention templates', () => {
  it.each([
    ['latestPushedK 3 keeps the three most recently pushed', rule('latestPushedK', 3), ['1', '2', '3']],
    ['latestPushedK 0 keeps nothing', rule('latestPushedK', 0), []],
    ['latestPushedK above the count keeps everything', rule('latestPushedK', 50), TEN.map((a) => a.id)],
    ['latestPulledN 2 keeps the two most recently pulled', rule('latestPulledN', 2), ['8', '10']],
    // Five were pulled; never-pulled ones fill the rest, newest push first (Harbor's order).
    ['latestPulledN 7 fills up with never-pulled, newest first', rule('latestPulledN', 7), ['1', '2', '4', '6', '8', '10', '3']],
    ['nDaysSinceLastPush 4 keeps what was pushed within 4 days', rule('nDaysSinceLastPush', 4), ['1', '2', '3', '4']],
    ['nDaysSinceLastPush 0 keeps nothing older than now', rule('nDaysSinceLastPush', 0), []],
    ['nDaysSinceLastPull 3 keeps what was pulled within 3 days, never-pulled go', rule('nDaysSinceLastPull', 3), ['8', '10']],
    ['always keeps everything selected', rule('always', undefined), TEN.map((a) => a.id)],
  ])('%s', (_label, r, expected) => {
    expect(retained([r], TEN)).toEqual([...expected].sort((a, b) => Number(a) - Number(b)));
  });

  it('breaks ties of equal push times by the newer row, the same way every run', () => {
    const same = [art(7, ['a'], 1), art(12, ['b'], 1), art(9, ['c'], 1)];
    expect(retained([rule('latestPushedK', 2)], same)).toEqual(['9', '12']);
    expect(retained([rule('latestPushedK', 2)], [...same].reverse())).toEqual(['9', '12']);
  });
});

describe('selectors', () => {
  it.each([
    ['matches selects an artifact if any tag matches', tag('v*'), ['latest', 'v1'], true],
    ['matches needs one tag that matches', tag('v*'), ['latest', 'dev'], false],
    ['excludes selects an artifact if any tag does not match', tag('latest', 'excludes'), ['latest', 'v1'], true],
    ['excludes leaves an artifact whose tags all match', tag('latest', 'excludes'), ['latest'], false],
    ['** matches tags with slashes-free names', tag('**'), ['1.0'], true],
    ['alternatives', tag('{stable,prod-*}'), ['prod-7'], true],
    // Untagged artifacts: the option decides; without it both decorations select them (Harbor).
    ['matches + untagged:true selects untagged', tag('**', 'matches', true), [], true],
    ['matches + untagged:false leaves untagged', tag('**', 'matches', false), [], false],
    ['excludes + untagged:true leaves untagged', tag('x', 'excludes', true), [], false],
    ['excludes + untagged:false selects untagged', tag('x', 'excludes', false), [], true],
    ['matches without extras selects untagged', tag('**'), [], true],
    ['excludes without extras selects untagged', tag('x', 'excludes'), [], true],
  ])('%s', (_label, s, tags, expected) => {
    expect(tagSelectorSelects(s, tags)).toBe(expected);
  });

  it('reads extras "{}" as untagged false, and broken extras as no extras', () => {
    expect(selectsUntagged({ ...tag('**'), extras: '{}' })).toBe(false);
    expect(selectsUntagged({ ...tag('**'), extras: 'nope' })).toBe(true);
  });

  it('applies a rule only to repositories all its scope selectors select, named without the project', () => {
    const rules = [
      rule('always', undefined, { repositorySelectors: [repo('app/**')] }),
      rule('always', undefined, { repositorySelectors: [repo('**'), repo('tmp-*', 'repoExcludes')] }),
      rule('always', undefined, { disabled: true }),
    ];
    expect(rulesForRepository(rules, 'lib/app/api')).toEqual([rules[0], rules[1]]);
    expect(rulesForRepository(rules, 'lib/tmp-1')).toEqual([]);
    expect(rulesForRepository(rules, 'lib/web')).toEqual([rules[1]]);
    expect(rulesForRepository(rules, 'lib/app')).toEqual([rules[1]]);
  });
});

describe('evaluateRetention', () => {
  const untagged = art(20, [], 0);
  const repoArtifacts = [art(1, ['v1'], 1), art(2, ['v2'], 2), art(3, ['latest'], 30), art(4, ['dev-1'], 40), untagged];

  it.each([
    ['rules join by OR: retained by either rule', [rule('latestPushedK', 1, { tagSelectors: [tag('v*', 'matches', false)] }), rule('always', undefined, { tagSelectors: [tag('latest', 'matches', false)] })], ['1', '3']],
    ['a rule picks among what its tags select, not among all', [rule('latestPushedK', 1, { tagSelectors: [tag('dev-*', 'matches', false)] })], ['4']],
    ['untagged artifacts go unless a selector takes them', [rule('always', undefined)], ['1', '2', '3', '4']],
    ['untagged:true lets a rule retain them', [rule('latestPushedK', 1, { tagSelectors: [tag('**', 'matches', true)] })], ['20']],
    ['several tag selectors must all select', [rule('always', undefined, { tagSelectors: [tag('v*', 'matches', false), tag('v2', 'excludes', false)] })], ['1']],
    ['excluding a pattern retains the rest', [rule('always', undefined, { tagSelectors: [tag('dev-*', 'excludes', true)] })], ['1', '2', '3']],
    ['a disabled rule retains nothing but another still covers the repository', [rule('always', undefined, { disabled: true }), rule('latestPushedK', 2)], ['1', '2']],
  ])('%s', (_label, rules, expected) => {
    expect(retained(rules, repoArtifacts)).toEqual(expected);
  });

  it('leaves repositories no enabled rule applies to alone', () => {
    const rules = [rule('latestPushedK', 0, { repositorySelectors: [repo('other')] }), rule('latestPushedK', 0, { disabled: true })];
    const result = evaluateRetention({ repository: 'lib/app', artifacts: repoArtifacts, rules, now: NOW });
    expect(result.covered).toBe(false);
    expect(result.verdicts.every((v) => v.retain)).toBe(true);
    expect(result.verdicts[0]!.reasons).toEqual(['no enabled rule applies to this repository']);
  });

  it('leaves a repository alone when the policy has no rules at all', () => {
    expect(evaluateRetention({ repository: 'lib/app', artifacts: repoArtifacts, rules: [], now: NOW }).covered).toBe(false);
  });

  it('always retains artifacts with an immutable tag, and says so', () => {
    const immutable = [{ disabled: false, repositorySelectors: [repo('**')], tagSelectors: [tag('latest')] }];
    const result = evaluateRetention({ repository: 'lib/app', artifacts: repoArtifacts, rules: [rule('latestPushedK', 0)], immutableRules: immutable, now: NOW });
    const kept = result.verdicts.filter((v) => v.retain);
    expect(kept.map((v) => v.artifact.id)).toEqual(['3']);
    expect(kept[0]!.reasons).toEqual(['carries the immutable tag latest']);
    // A disabled immutable rule protects nothing.
    expect(retained([rule('latestPushedK', 0)], repoArtifacts, 'lib/app', [{ ...immutable[0]!, disabled: true }])).toEqual([]);
  });

  it('gives every artifact its reasons', () => {
    const rules = [rule('latestPushedK', 1, { tagSelectors: [tag('v*', 'matches', false)] }), rule('always', undefined, { tagSelectors: [tag('v1', 'matches', false)] })];
    const result = evaluateRetention({ repository: 'lib/app', artifacts: repoArtifacts, rules, now: NOW });
    const reasons = new Map(result.verdicts.map((v) => [v.artifact.id, v.reasons]));
    expect(reasons.get('1')).toEqual(['retained by rule 1 (the most recently pushed 1 artifacts; tags matching v*)', 'retained by rule 2 (always; tags matching v1)']);
    expect(reasons.get('2')).toEqual(['selected by rule 1 (the most recently pushed 1 artifacts; tags matching v*) but not among what it retains']);
    expect(reasons.get('3')).toEqual(['no rule selects its tags']);
    expect(reasons.get('20')).toEqual(['untagged, and no rule selects untagged artifacts']);
  });

  it('refuses to decide with an unusable rule rather than delete by a guess', () => {
    expect(() => evaluateRetention({ repository: 'lib/app', artifacts: repoArtifacts, rules: [rule('latestActiveK', 2)], now: NOW })).toThrow(/template "latestActiveK"/);
    expect(() => evaluateRetention({ repository: 'lib/app', artifacts: repoArtifacts, rules: [rule('latestPushedK', undefined)], now: NOW })).toThrow(/required/);
  });

  it('deletes exactly the complement of what is retained (a large repository)', () => {
    const many = Array.from({ length: 500 }, (_, i) => art(i + 1, i % 5 === 0 ? [] : [`build-${i}`], i / 10, i % 7 === 0 ? i / 20 : null));
    const rules = [rule('latestPushedK', 25), rule('nDaysSinceLastPull', 5, { tagSelectors: [tag('build-*', 'matches', true)] })];
    const result = evaluateRetention({ repository: 'lib/app', artifacts: many, rules, now: NOW });
    const kept = result.verdicts.filter((v) => v.retain).map((v) => v.artifact);
    const pulledRecently = many.filter((a) => a.pullTime && NOW.getTime() - a.pullTime.getTime() <= 5 * DAY);
    const newestTagged = many.filter((a) => a.tags.length > 0).slice(0, 25);
    expect(new Set(kept.map((a) => a.id))).toEqual(new Set([...pulledRecently, ...newestTagged].map((a) => a.id)));
    expect(result.verdicts.filter((v) => !v.retain)).toHaveLength(500 - kept.length);
  });
});

describe('retentionRuleProblem', () => {
  it.each([
    [rule('latestPushedK', 3), null],
    [rule('always', undefined), null],
    [rule('nDaysSinceLastPull', 20_190_904), null],
    [rule('latestPushedK', 3, { action: 'delete' }), /action "delete"/],
    [rule('lastXDays', 3), /template "lastXDays" is not one of latestPushedK, latestPulledN/],
    [rule('latestPushedK', undefined), /params.latestPushedK is required/],
    [rule('latestPushedK', -1), /integer, 0 or more/],
    [rule('latestPushedK', 1.5), /integer/],
    [rule('latestPushedK', 32_767), /too large \(at most 32766\)/],
    [rule('nDaysSinceLastPush', 20_190_905), /too large/],
    [{ ...rule('always', undefined), params: { always: 1 } }, /params.always is not a parameter/],
    [{ ...rule('latestPushedK', 3), params: { latestPushedK: 3, latestPulledN: 1 } }, /params.latestPulledN is not a parameter/],
    [rule('always', undefined, { tagSelectors: [] }), /tag_selectors needs at least one/],
    [rule('always', undefined, { repositorySelectors: [] }), /scope_selectors.repository needs at least one/],
    [rule('always', undefined, { tagSelectors: [tag('**', 'repoMatches')] }), /tag_selectors\[0\]: .*matches, excludes/],
    [rule('always', undefined, { tagSelectors: [{ ...tag('**'), extras: '{"untagged":"yes"}' }] }), /extras.untagged must be true or false/],
    [rule('always', undefined, { repositorySelectors: [repo('{a,b')] }), /scope_selectors.repository\[0\]: .*unclosed/],
  ])('%j -> %s', (r, expected) => {
    const problem = retentionRuleProblem(r);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });

  it('checks extras', () => {
    expect(extrasProblem('')).toBeNull();
    expect(extrasProblem('{"untagged":false}')).toBeNull();
    expect(extrasProblem('[1]')).toMatch(/JSON object/);
    expect(extrasProblem('{untagged}')).toMatch(/must be JSON/);
  });

  it('describes rules for logs', () => {
    expect(describeRetentionRule({ ...rule('nDaysSinceLastPush', 7, { tagSelectors: [tag('release-*', 'excludes', true)] }), id: 4 }, 1)).toBe(
      'rule 4 (pushed within the last 7 days; tags excluding release-*)',
    );
    expect(describeRetentionRule(rule('always', undefined, { tagSelectors: [tag('**', 'matches', true)] }), 2)).toBe('rule 2 (always; tags matching **, untagged too)');
  });
});
