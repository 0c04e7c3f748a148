import i18next, { type TFunction } from 'i18next';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PolicyRule } from './policy-types';
import { immutableRuleSentence, retentionRuleSentence } from './rule-sentence';

const texts = (language: string, namespace: string) => JSON.parse(readFileSync(join(__dirname, '../../../locales', language, `${namespace}.json`), 'utf8'));
const enImmutable = texts('en-US', 'immutable');
const enRetention = texts('en-US', 'retention');
const cnImmutable = texts('zh-CN', 'immutable');
const cnRetention = texts('zh-CN', 'retention');

async function translator(language: 'en-US' | 'zh-CN'): Promise<TFunction> {
  const instance = i18next.createInstance();
  await instance.init({
    lng: language,
    resources: {
      'en-US': { retention: enRetention, immutable: enImmutable },
      'zh-CN': { retention: cnRetention, immutable: cnImmutable },
    },
    interpolation: { escapeValue: false },
  });
  return instance.t;
}

function rule(overrides: Partial<PolicyRule> = {}): PolicyRule {
  return {
    priority: 0,
    disabled: false,
    action: 'retain',
    template: 'latestPushedK',
    params: { latestPushedK: 10 },
    tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: '**', extras: '{"untagged":true}' }],
    scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: '**' }] },
    ...overrides,
  };
}

describe('retention rule sentences', () => {
  let en: TFunction;
  let cn: TFunction;
  beforeAll(async () => {
    en = await translator('en-US');
    cn = await translator('zh-CN');
  });

  it('reads the usual rule', () => {
    expect(retentionRuleSentence(rule(), en)).toBe('In repositories matching **, retain the 10 most recently pushed artifacts with tags matching ** (untagged artifacts included)');
    expect(retentionRuleSentence(rule(), cn)).toBe('在匹配 ** 的镜像仓库中，保留标签匹配 ** 的最近推送的 10 个制品（包含未打标签的制品）');
  });

  it('says one artifact in the singular and names days for day templates', () => {
    expect(retentionRuleSentence(rule({ params: { latestPushedK: 1 } }), en)).toContain('retain the most recently pushed artifact with');
    expect(retentionRuleSentence(rule({ template: 'nDaysSinceLastPull', params: { nDaysSinceLastPull: 7 } }), en)).toContain('retain the artifacts pulled within the last 7 days with');
    expect(retentionRuleSentence(rule({ template: 'always', params: {} }), en)).toContain('retain every artifact with');
  });

  it('reads excluding selectors, several selectors and untagged artifacts left out', () => {
    const r = rule({
      template: 'latestPulledN',
      params: { latestPulledN: 3 },
      tag_selectors: [
        { kind: 'doublestar', decoration: 'excludes', pattern: 'dev-*', extras: '{"untagged":true}' },
        { kind: 'doublestar', decoration: 'matches', pattern: 'v*', extras: '' },
      ],
      scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoExcludes', pattern: 'tmp/**' }] },
    });
    expect(retentionRuleSentence(r, en)).toBe(
      'In repositories excluding tmp/**, retain the 3 most recently pulled artifacts with tags excluding dev-* and matching v* (untagged artifacts left out)',
    );
  });

  it('names a template it does not know', () => {
    expect(retentionRuleSentence(rule({ template: 'futureTemplate', params: {} }), en)).toContain('retain what template futureTemplate selects');
  });
});

describe('immutable rule sentences', () => {
  it('reads in English and Chinese', async () => {
    const r = rule({ action: 'immutable', template: 'immutable_template', params: {}, tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: 'v*', extras: '' }] });
    expect(immutableRuleSentence(r, await translator('en-US'))).toBe('In repositories matching **, tags matching v* are immutable');
    expect(immutableRuleSentence(r, await translator('zh-CN'))).toBe('在匹配 ** 的镜像仓库中，匹配 v* 的标签不可变');
  });
});
