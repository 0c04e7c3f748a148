import { HarborError } from '../http/harbor-error';
import { dryRunFromRequest, policyFromRequest, requireStopAction } from './retention-policy-input';

const tag = (pattern: string, decoration = 'matches', extras = '{"untagged":true}') => ({ kind: 'doublestar', decoration, pattern, extras });
const repo = (pattern: string, decoration = 'repoMatches') => ({ kind: 'doublestar', decoration, pattern });
const rule = (over: Record<string, unknown> = {}) => ({
  disabled: false,
  action: 'retain',
  template: 'latestPushedK',
  params: { latestPushedK: 10 },
  tag_selectors: [tag('**')],
  scope_selectors: { repository: [repo('**')] },
  ...over,
});
/** What Harbor's console sends when a rule is added to a project without a policy. */
const consoleBody = (over: Record<string, unknown> = {}) => ({
  algorithm: 'or',
  rules: [rule()],
  trigger: { kind: 'Schedule', references: {}, settings: { cron: '' } },
  scope: { level: 'project', ref: 7 },
  ...over,
});

function refusal(fn: () => unknown, code = 'BAD_REQUEST'): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(HarborError);
    expect((err as HarborError).code).toBe(code);
    return (err as HarborError).message;
  }
  throw new Error('expected a refusal');
}

describe('policyFromRequest', () => {
  it('normalises what the console sends: rule ids by position, extras kept, no schedule for an empty cron', () => {
    expect(policyFromRequest(consoleBody())).toEqual({
      projectId: 7,
      algorithm: 'or',
      rules: [
        {
          id: 1,
          priority: 0,
          disabled: false,
          action: 'retain',
          template: 'latestPushedK',
          params: { latestPushedK: 10 },
          tag_selectors: [tag('**')],
          scope_selectors: { repository: [{ ...repo('**'), extras: '' }] },
        },
      ],
      trigger: { kind: 'Schedule', settings: { cron: '' }, references: {} },
      schedule: null,
    });
  });

  it('fills defaults, takes a count given as a string, and turns a cron into a schedule', () => {
    const fields = policyFromRequest({
      scope: { level: 'project', ref: 7 },
      rules: [{ template: 'latestPulledN', params: { latestPulledN: '5' }, tag_selectors: [tag('v*')], scope_selectors: { repository: [repo('app')] } }, rule({ template: 'always', params: {} })],
      trigger: { settings: { cron: ' 0 0  0 * * * ' } },
    });
    expect(fields.rules.map((r) => [r.id, r.action, r.template, r.params])).toEqual([
      [1, 'retain', 'latestPulledN', { latestPulledN: 5 }],
      [2, 'retain', 'always', {}],
    ]);
    expect(fields.trigger.settings.cron).toBe('0 0 0 * * *');
    expect(fields.schedule).toEqual({ cronType: 'Daily', cron: '0 0 0 * * *' });
    expect(policyFromRequest(consoleBody({ trigger: { kind: 'Schedule', settings: { cron: '0 30 2 * * 1' } } })).schedule).toEqual({ cronType: 'Custom', cron: '0 30 2 * * 1' });
  });

  it('ignores fields it does not know, at every level, as Harbor does', () => {
    const plain = policyFromRequest(consoleBody());
    const decorated = policyFromRequest(
      consoleBody({ colour: 'red', rules: [rule({ scope_selectors: { repository: [repo('**')], project: [repo('x')] } })], trigger: { kind: 'Schedule', settings: { cron: '', at: 'noon' } } }),
    );
    expect(decorated).toEqual(plain);
  });

  it('allows a policy without rules (it covers nothing)', () => {
    expect(policyFromRequest(consoleBody({ rules: [] })).rules).toEqual([]);
  });

  it.each(([
    [undefined, /body is required/],
    [[], /JSON object/],
    [consoleBody({ algorithm: 'and' }), /algorithm must be "or"/],
    [consoleBody({ scope: undefined }), /scope is required/],
    [consoleBody({ scope: { level: 'system', ref: 0 } }), /scope.level must be "project"/],
    [consoleBody({ scope: { level: 'project', ref: '7' } }), /scope.ref must be the id of a project/],
    [consoleBody({ rules: {} }), /rules must be an array/],
    [consoleBody({ rules: Array.from({ length: 16 }, (_, i) => rule({ params: { latestPushedK: i } })) }), /at most 15 rules, got 16/],
    [consoleBody({ rules: [rule({ template: 'latestActiveK' })] }), /rules\[0\]: template "latestActiveK" is not one of/],
    [consoleBody({ rules: [rule({ template: undefined })] }), /rules\[0\].template is required/],
    [consoleBody({ rules: [rule({ action: 'delete' })] }), /rules\[0\]: action "delete"/],
    [consoleBody({ rules: [rule({ params: {} })] }), /params.latestPushedK is required/],
    [consoleBody({ rules: [rule({ params: { latestPushedK: -3 } })] }), /integer, 0 or more/],
    [consoleBody({ rules: [rule({ params: { latestPushedK: 40000 } })] }), /too large/],
    [consoleBody({ rules: [rule({ params: { latestPushedK: 'ten' } })] }), /must be an integer/],
    [consoleBody({ rules: [rule({ template: 'always', params: { latestPushedK: 3 } })] }), /params.latestPushedK is not a parameter of template always/],
    [consoleBody({ rules: [rule({ disabled: 'no' })] }), /disabled must be true or false/],
    [consoleBody({ rules: [rule({ priority: 1.5 })] }), /priority must be an integer/],
    [consoleBody({ rules: [rule({ tag_selectors: [] })] }), /tag_selectors needs at least one/],
    [consoleBody({ rules: [rule({ tag_selectors: [tag('{a')] })] }), /tag_selectors\[0\]: tag selector: unclosed/],
    [consoleBody({ rules: [rule({ tag_selectors: [tag('**', 'repoMatches')] })] }), /must be one of matches, excludes/],
    [consoleBody({ rules: [rule({ tag_selectors: [tag('**', 'matches', '{"untagged":1}')] })] }), /extras.untagged must be true or false/],
    [consoleBody({ rules: [rule({ tag_selectors: [{ kind: 'label', decoration: 'withLabels', pattern: 'x' }] })] }), /kind "label" is not supported/],
    [consoleBody({ rules: [rule({ scope_selectors: undefined })] }), /scope_selectors is required/],
    [consoleBody({ rules: [rule({ scope_selectors: { repository: [repo('**', 'matches')] } })] }), /repoMatches, repoExcludes/],
    [consoleBody({ trigger: { kind: 'Event' } }), /trigger.kind must be "Schedule"/],
    [consoleBody({ trigger: { settings: { cron: '0 0 * * *' } } }), /6 fields/],
    [consoleBody({ trigger: { settings: { cron: 5 } } }), /cron must be a string/],
  ] as [unknown, RegExp][]).map(([body, message]) => [String(message), body, message] as const))('refuses with %s', (_label, body, message) => {
    expect(refusal(() => policyFromRequest(body))).toMatch(message);
  });

  it('refuses a repeated rule with a conflict, as Harbor', () => {
    expect(refusal(() => policyFromRequest(consoleBody({ rules: [rule(), rule({ disabled: false })] })), 'CONFLICT')).toBe('rules[1] is the same as rules[0]');
  });

  it('on PUT keeps the project, checks the read-only fields against the path', () => {
    const target = { id: 3, projectId: 7 };
    expect(policyFromRequest({ rules: [rule()] }, target).projectId).toBe(7);
    expect(policyFromRequest({ ...consoleBody(), id: 3 }, target).rules).toHaveLength(1);
    expect(refusal(() => policyFromRequest({ ...consoleBody(), id: 4 }, target))).toMatch(/id 4 is not the policy of the path \(3\)/);
    expect(refusal(() => policyFromRequest(consoleBody({ scope: { level: 'project', ref: 8 } }), target))).toMatch(/a policy cannot move/);
  });
});

describe('run and stop bodies', () => {
  it('reads dry_run', () => {
    expect(dryRunFromRequest({ dry_run: true })).toBe(true);
    expect(dryRunFromRequest({})).toBe(false);
    expect(dryRunFromRequest(undefined)).toBe(false);
    expect(refusal(() => dryRunFromRequest({ dry_run: 'yes' }))).toMatch(/dry_run must be true or false/);
    expect(dryRunFromRequest({ dryRun: true })).toBe(false);
  });

  it('takes only the stop action', () => {
    expect(() => requireStopAction({ action: 'stop' })).not.toThrow();
    expect(refusal(() => requireStopAction({ action: 'pause' }))).toBe('action must be "stop"');
    expect(refusal(() => requireStopAction(undefined))).toBe('action must be "stop"');
  });
});
