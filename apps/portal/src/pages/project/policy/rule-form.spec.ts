import type { PolicyRule, RetentionTemplateMetadata } from './policy-types';
import {
  immutableFormToRule,
  immutableRuleToForm,
  NEW_IMMUTABLE_RULE,
  NEW_RETENTION_RULE,
  retentionFormToRule,
  retentionRuleToForm,
  selectsUntagged,
  untaggedExtras,
  withRule,
} from './rule-form';

const TEMPLATES: RetentionTemplateMetadata[] = [
  { rule_template: 'latestPushedK', display_text: 'the most recently pushed # artifacts', action: 'retain', params: [{ type: 'int', unit: 'COUNT', required: true }] },
  { rule_template: 'nDaysSinceLastPush', display_text: 'pushed within the last # days', action: 'retain', params: [{ type: 'int', unit: 'DAYS', required: true }] },
  { rule_template: 'always', display_text: 'always', action: 'retain', params: [] },
];
const template = (name: string) => TEMPLATES.find((m) => m.rule_template === name);

describe('retention rule form', () => {
  it('makes the payload the API takes from a new rule', () => {
    expect(retentionFormToRule(NEW_RETENTION_RULE, template('latestPushedK'))).toEqual({
      priority: 0,
      disabled: false,
      action: 'retain',
      template: 'latestPushedK',
      params: { latestPushedK: 10 },
      tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: '**', extras: '{"untagged":true}' }],
      scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: '**' }] },
    });
  });

  it('sends no parameter for a template without one, and trims patterns', () => {
    const rule = retentionFormToRule({ ...NEW_RETENTION_RULE, template: 'always', param: 5, repoPattern: ' app/** ', tagPattern: ' v* ' }, template('always'));
    expect(rule.params).toEqual({});
    expect(rule.scope_selectors.repository[0].pattern).toBe('app/**');
    expect(rule.tag_selectors[0].pattern).toBe('v*');
  });

  it.each([
    ['matches', true],
    ['matches', false],
    ['excludes', true],
    ['excludes', false],
  ] as const)('keeps the meaning of "untagged" for %s selectors (include %s)', (decoration, include) => {
    const rule = retentionFormToRule({ ...NEW_RETENTION_RULE, tagDecoration: decoration, untagged: include }, template('latestPushedK'));
    expect(selectsUntagged(rule.tag_selectors[0])).toBe(include);
    expect(retentionRuleToForm(rule).untagged).toBe(include);
  });

  it('reads untagged as the server does when extras are missing or odd', () => {
    expect(selectsUntagged({ kind: 'doublestar', decoration: 'matches', pattern: '**' })).toBe(true);
    expect(selectsUntagged({ kind: 'doublestar', decoration: 'matches', pattern: '**', extras: '{}' })).toBe(false);
    expect(selectsUntagged({ kind: 'doublestar', decoration: 'excludes', pattern: '**', extras: '{}' })).toBe(true);
    expect(selectsUntagged({ kind: 'doublestar', decoration: 'matches', pattern: '**', extras: 'not json' })).toBe(true);
    expect(untaggedExtras('excludes', true)).toBe('{"untagged":false}');
  });

  it('round-trips a rule the API answered, extra selectors and all', () => {
    const answered: PolicyRule = {
      id: 2,
      priority: 3,
      disabled: true,
      action: 'retain',
      template: 'nDaysSinceLastPush',
      params: { nDaysSinceLastPush: 30 },
      tag_selectors: [
        { kind: 'doublestar', decoration: 'excludes', pattern: 'dev-*', extras: '{"untagged":false}' },
        { kind: 'doublestar', decoration: 'matches', pattern: 'v*', extras: '' },
      ],
      scope_selectors: {
        repository: [
          { kind: 'doublestar', decoration: 'repoExcludes', pattern: 'tmp/**', extras: '' },
          { kind: 'doublestar', decoration: 'repoMatches', pattern: '**', extras: '' },
        ],
      },
    };
    const form = retentionRuleToForm(answered);
    expect(form).toMatchObject({ template: 'nDaysSinceLastPush', param: 30, repoDecoration: 'repoExcludes', repoPattern: 'tmp/**', tagDecoration: 'excludes', tagPattern: 'dev-*', untagged: true, disabled: true, priority: 3 });
    const { id: _id, ...rest } = answered;
    const back = retentionFormToRule(form, template('nDaysSinceLastPush'));
    expect({ ...back, scope_selectors: { repository: back.scope_selectors.repository.map((s) => ({ extras: '', ...s })) } }).toEqual(rest);
  });

  it('reads a count sent as a string by an older client', () => {
    const form = retentionRuleToForm({ ...retentionFormToRule(NEW_RETENTION_RULE, template('latestPushedK')), params: { latestPushedK: '7' } });
    expect(form.param).toBe(7);
  });
});

describe('immutable rule form', () => {
  it('round-trips through the form', () => {
    const rule = immutableFormToRule({ ...NEW_IMMUTABLE_RULE, repoDecoration: 'repoExcludes', repoPattern: 'cache/**', tagDecoration: 'matches', tagPattern: 'v*', disabled: true });
    expect(rule).toEqual({
      priority: 0,
      disabled: true,
      action: 'immutable',
      template: 'immutable_template',
      params: {},
      tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: 'v*' }],
      scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoExcludes', pattern: 'cache/**' }] },
    });
    expect(immutableFormToRule(immutableRuleToForm(rule))).toEqual(rule);
  });
});

describe('withRule', () => {
  const a = retentionFormToRule(NEW_RETENTION_RULE, template('latestPushedK'));
  const b = { ...a, template: 'always', params: {} };
  it('adds, replaces and removes', () => {
    expect(withRule([a], undefined, b)).toEqual([a, b]);
    expect(withRule([a, b], 0, b)).toEqual([b, b]);
    expect(withRule([a, b], 0, null)).toEqual([b]);
  });
});
