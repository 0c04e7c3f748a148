import { HarborError } from '../http/harbor-error';
import type { ImmutableRuleDto } from './dto/immutable-rule.dto';
import { RuleFields, ruleFromRequest, sameSelectors } from './immutable-rule-input';

const tag = (pattern: string, decoration = 'matches') => ({ kind: 'doublestar', decoration, pattern });
const repo = (pattern: string, decoration = 'repoMatches') => ({ kind: 'doublestar', decoration, pattern });

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(HarborError);
    expect((err as HarborError).code).toBe('BAD_REQUEST');
    return (err as HarborError).message;
  }
  throw new Error('expected a 400');
}

describe('ruleFromRequest', () => {
  const target = { projectId: 7 };

  it('normalises a new rule, filling what Harbor defaults', () => {
    expect(ruleFromRequest({ tag_selectors: [tag('v*')], scope_selectors: { repository: [repo('**')] } }, target)).toEqual({
      priority: 0,
      disabled: false,
      params: {},
      tagSelectors: [{ kind: 'doublestar', decoration: 'matches', pattern: 'v*', extras: '' }],
      repositorySelectors: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: '**', extras: '' }],
    });
  });

  it.each([
    ['no tag selectors', { scope_selectors: { repository: [repo('**')] } }, /tag_selectors is required/],
    ['no scope selectors', { tag_selectors: [tag('**')] }, /scope_selectors is required/],
    ['a tag selector with a repository decoration', { tag_selectors: [tag('**', 'repoMatches')], scope_selectors: { repository: [repo('**')] } }, /tag_selectors\[0\]: .*must be one of matches, excludes/],
    ['a repository selector with a tag decoration', { tag_selectors: [tag('**')], scope_selectors: { repository: [repo('a'), repo('**', 'matches')] } }, /scope_selectors\.repository\[1\]: .*repoMatches, repoExcludes/],
    ['another kind of selector', { tag_selectors: [{ kind: 'regex', decoration: 'matches', pattern: '.*' }], scope_selectors: { repository: [repo('**')] } }, /kind "regex"/],
    ['a broken pattern', { tag_selectors: [tag('{a,b')], scope_selectors: { repository: [repo('**')] } }, /unclosed "\{"/],
    ['an empty pattern', { tag_selectors: [tag('')], scope_selectors: { repository: [repo('**')] } }, /empty/],
    ['another project', { project_id: 8, tag_selectors: [tag('**')], scope_selectors: { repository: [repo('**')] } }, /project_id 8/],
    ['huge params', { params: { x: 'y'.repeat(5000) }, tag_selectors: [tag('**')], scope_selectors: { repository: [repo('**')] } }, /params/],
  ])('refuses %s', (_label, body, reason) => {
    expect(refusal(() => ruleFromRequest(body as ImmutableRuleDto, target))).toMatch(reason);
  });

  describe('on update', () => {
    const current: RuleFields = {
      priority: 3,
      disabled: false,
      params: { a: 1 },
      tagSelectors: [{ ...tag('v*'), extras: '' }],
      repositorySelectors: [{ ...repo('app/**'), extras: '' }],
    };

    it('keeps what the body leaves out: {"disabled": true} toggles the rule alone', () => {
      expect(ruleFromRequest({ disabled: true }, { projectId: 7, ruleId: 4 }, current)).toEqual({ ...current, disabled: true });
    });

    it('replaces what the body gives', () => {
      const next = ruleFromRequest({ id: 4, project_id: 7, tag_selectors: [tag('latest', 'excludes')], priority: 1 }, { projectId: 7, ruleId: 4 }, current);
      expect(next).toEqual({ ...current, priority: 1, tagSelectors: [{ ...tag('latest', 'excludes'), extras: '' }] });
    });

    it('refuses a body naming another rule', () => {
      expect(refusal(() => ruleFromRequest({ id: 5, disabled: true }, { projectId: 7, ruleId: 4 }, current))).toMatch(/id 5 is not the rule of the path \(4\)/);
    });
  });
});

describe('sameSelectors', () => {
  const rule = (tags: ReturnType<typeof tag>[], repos: ReturnType<typeof repo>[]) => ({ tagSelectors: tags, repositorySelectors: repos });

  it('ignores order and repetition', () => {
    expect(sameSelectors(rule([tag('a'), tag('b')], [repo('**')]), rule([tag('b'), tag('a'), tag('b')], [repo('**')]))).toBe(true);
  });

  it('tells apart any difference in kind of match, pattern or scope', () => {
    const base = rule([tag('v*')], [repo('**')]);
    expect(sameSelectors(base, rule([tag('v*', 'excludes')], [repo('**')]))).toBe(false);
    expect(sameSelectors(base, rule([tag('v**')], [repo('**')]))).toBe(false);
    expect(sameSelectors(base, rule([tag('v*')], [repo('app')]))).toBe(false);
    expect(sameSelectors(base, rule([tag('v*'), tag('x')], [repo('**')]))).toBe(false);
    expect(sameSelectors(base, rule([{ ...tag('v*'), extras: '{"untagged":true}' } as ReturnType<typeof tag>], [repo('**')]))).toBe(false);
  });
});
