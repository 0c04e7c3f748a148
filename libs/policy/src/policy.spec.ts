import { isTagImmutable, matches, patternProblem, selectorProblem, selects } from './index';

describe('doublestar patterns', () => {
  it.each([
    ['**', 'anything/at/all', true],
    ['**', '', true],
    ['*', 'app', true],
    ['*', 'team/app', false],
    ['team/*', 'team/app', true],
    ['team/**', 'team/app/api', true],
    ['v*', 'v1.2.3', true],
    ['v*', 'release-v1', false],
    ['v?.?', 'v1.2', true],
    ['v?.?', 'v10.2', false],
    ['{latest,stable}', 'stable', true],
    ['{latest,stable}', 'stab', false],
    ['release-{1.*,2.*}', 'release-2.7', true],
    ['[0-9]*', '9-beta', true],
    ['[!0-9]*', '9-beta', false],
    ['1.0', '1x0', false],
    ['a+b', 'a+b', true],
    ['(x)', '(x)', true],
  ])('%j against %j is %s', (pattern, value, expected) => {
    expect(matches(pattern, value)).toBe(expected);
  });

  it('reports unusable patterns', () => {
    expect(patternProblem('')).toMatch(/empty/);
    expect(patternProblem('{a,b')).toMatch(/unclosed "\{"/);
    expect(patternProblem('[abc')).toMatch(/unclosed "\["/);
    expect(patternProblem('{a,{b}}')).toMatch(/nested/);
    expect(patternProblem('release-*')).toBeNull();
  });
});

describe('selectors', () => {
  it('select what matches, or with excludes what does not', () => {
    expect(selects({ kind: 'doublestar', decoration: 'matches', pattern: 'v*' }, 'v1')).toBe(true);
    expect(selects({ kind: 'doublestar', decoration: 'excludes', pattern: 'v*' }, 'v1')).toBe(false);
    expect(selects({ kind: 'doublestar', decoration: 'repoExcludes', pattern: 'tmp/**' }, 'app')).toBe(true);
  });

  it('name what is wrong with a selector', () => {
    expect(selectorProblem({ kind: 'regex', decoration: 'matches', pattern: '.*' }, 'tag')).toMatch(/kind "regex"/);
    expect(selectorProblem({ kind: 'doublestar', decoration: 'repoMatches', pattern: '**' }, 'tag')).toMatch(/must be one of matches, excludes/);
    expect(selectorProblem({ kind: 'doublestar', decoration: 'matches', pattern: '**' }, 'repository')).toMatch(/repoMatches, repoExcludes/);
    expect(selectorProblem({ kind: 'doublestar', decoration: 'repoMatches', pattern: '**' }, 'repository')).toBeNull();
  });
});

describe('immutable tag rules', () => {
  const rule = (repo: string, tag: string, extra: { disabled?: boolean; tagDecoration?: string } = {}) => ({
    disabled: extra.disabled ?? false,
    repositorySelectors: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: repo }],
    tagSelectors: [{ kind: 'doublestar', decoration: extra.tagDecoration ?? 'matches', pattern: tag }],
  });

  it('protects tags that match both selectors, repositories named without their project', () => {
    const rules = [rule('app/**', 'v*')];
    expect(isTagImmutable(rules, 'lib/app/api', 'v1')).toBe(true);
    expect(isTagImmutable(rules, 'lib/app/api', 'latest')).toBe(false);
    expect(isTagImmutable(rules, 'lib/other', 'v1')).toBe(false);
  });

  it('ignores disabled rules and protects what any enabled rule selects', () => {
    expect(isTagImmutable([rule('**', '**', { disabled: true })], 'lib/a', 'x')).toBe(false);
    expect(isTagImmutable([rule('nope', '**'), rule('**', 'latest', { tagDecoration: 'excludes' })], 'lib/a', 'v2')).toBe(true);
    expect(isTagImmutable([rule('**', 'latest', { tagDecoration: 'excludes' })], 'lib/a', 'latest')).toBe(false);
  });
});
