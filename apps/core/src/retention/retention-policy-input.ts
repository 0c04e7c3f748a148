import { CRON_OF_TYPE, cronProblem, type CronType } from '@wharf/jobs';
import {
  RETAIN_ACTION,
  RETENTION_ALGORITHM,
  retentionRuleProblem,
  type RetentionRuleRecord,
  retentionRuleSpec,
  retentionTemplate,
  type Selector,
} from '@wharf/policy';
import { badRequest, conflict } from '../http/harbor-error';

/** Harbor's limit of rules per policy. */
export const MAX_RULES = 15;
/** Harbor's console sends one selector of each kind; a few more cost nothing, hundreds make no sense. */
export const MAX_SELECTORS = 10;
const MAX_PATTERN_LENGTH = 1024;
export const SCOPE_LEVEL = 'project';
export const TRIGGER_KIND = 'Schedule';

/** Harbor's RetentionRuleTrigger as stored and answered. */
export interface RetentionTrigger {
  kind: string;
  settings: { cron: string };
  references: Record<string, never>;
}

/** A policy as a POST or PUT asks for it, checked and normalised. */
export interface RetentionPolicyFields {
  projectId: number;
  algorithm: string;
  /** Numbered 1..n in their order. */
  rules: RetentionRuleRecord[];
  trigger: RetentionTrigger;
  /** The schedule the trigger asks for, or null for none (an empty cron). */
  schedule: { cronType: CronType; cron: string } | null;
}

/** Where a PUT was addressed: the stored policy. */
export interface PolicyTarget {
  id: number;
  projectId: number;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}


function selectors(raw: unknown, field: string): Selector[] {
  if (!Array.isArray(raw)) throw badRequest(`${field} must be an array of selectors`);
  if (raw.length > MAX_SELECTORS) throw badRequest(`${field} takes at most ${MAX_SELECTORS} selectors`);
  return raw.map((s, i) => {
    const where = `${field}[${i}]`;
    if (!isObject(s)) throw badRequest(`${where} must be an object {kind, decoration, pattern, extras}`);
    for (const key of ['kind', 'decoration', 'pattern'] as const) {
      if (typeof s[key] !== 'string') throw badRequest(`${where}.${key} must be a string`);
    }
    if (s['extras'] !== undefined && s['extras'] !== null && typeof s['extras'] !== 'string') throw badRequest(`${where}.extras must be a string (JSON such as {"untagged":true})`);
    if ((s['pattern'] as string).length > MAX_PATTERN_LENGTH) throw badRequest(`${where}.pattern takes at most ${MAX_PATTERN_LENGTH} characters`);
    return { kind: s['kind'] as string, decoration: s['decoration'] as string, pattern: s['pattern'] as string, extras: (s['extras'] as string | undefined) ?? '' };
  });
}

/** Counts and days as Harbor's console sends them: numbers, sometimes numbers in strings. */
function params(raw: unknown, template: string, where: string): Record<string, unknown> {
  if (raw === undefined || raw === null) return {};
  if (!isObject(raw)) throw badRequest(`${where}.params must be an object such as {"${template}": 10}`);
  const out: Record<string, unknown> = { ...raw };
  const value = out[template];
  if (retentionTemplate(template)?.unit && typeof value === 'string' && /^\d{1,9}$/.test(value.trim())) out[template] = Number(value.trim());
  return out;
}

function rule(raw: unknown, i: number): RetentionRuleRecord {
  const where = `rules[${i}]`;
  if (!isObject(raw)) throw badRequest(`${where} must be an object (a RetentionRule)`);
  const priority = raw['priority'] ?? 0;
  if (typeof priority !== 'number' || !Number.isInteger(priority) || Math.abs(priority) > 2_147_483_647) throw badRequest(`${where}.priority must be an integer`);
  const disabled = raw['disabled'] ?? false;
  if (typeof disabled !== 'boolean') throw badRequest(`${where}.disabled must be true or false`);
  const action = raw['action'] ?? RETAIN_ACTION;
  if (typeof action !== 'string') throw badRequest(`${where}.action must be "${RETAIN_ACTION}"`);
  const template = raw['template'];
  if (typeof template !== 'string' || template === '') throw badRequest(`${where}.template is required (see GET /retentions/metadatas)`);
  const scope = raw['scope_selectors'];
  if (!isObject(scope)) throw badRequest(`${where}.scope_selectors is required: {"repository": [selectors]}`);
  const record: RetentionRuleRecord = {
    id: i + 1,
    priority,
    disabled,
    action,
    template,
    params: params(raw['params'], template, where),
    tag_selectors: selectors(raw['tag_selectors'] ?? [], `${where}.tag_selectors`),
    scope_selectors: { repository: selectors(scope['repository'] ?? [], `${where}.scope_selectors.repository`) },
  };
  // Disabled rules are checked too: enabling one later must not make the policy unusable.
  const problem = retentionRuleProblem(retentionRuleSpec(record));
  if (problem) throw badRequest(`${where}: ${problem}`);
  return record;
}

function trigger(raw: unknown): { trigger: RetentionTrigger; schedule: RetentionPolicyFields['schedule'] } {
  if (raw === undefined || raw === null) return { trigger: { kind: TRIGGER_KIND, settings: { cron: '' }, references: {} }, schedule: null };
  if (!isObject(raw)) throw badRequest('trigger must be an object {"kind": "Schedule", "settings": {"cron": ...}}');
  const kind = raw['kind'] ?? TRIGGER_KIND;
  if (kind !== TRIGGER_KIND) throw badRequest(`trigger.kind must be "${TRIGGER_KIND}"`);
  const settings = raw['settings'] ?? {};
  if (!isObject(settings)) throw badRequest('trigger.settings must be an object {"cron": ...}');
  if (raw['references'] !== undefined && raw['references'] !== null && !isObject(raw['references'])) throw badRequest('trigger.references must be an object');
  const rawCron = settings['cron'] ?? '';
  if (typeof rawCron !== 'string') throw badRequest('trigger.settings.cron must be a string (6 fields, seconds first; "" for no schedule)');
  const cron = rawCron.trim().split(/\s+/).join(' ');
  const normalised: RetentionTrigger = { kind: TRIGGER_KIND, settings: { cron }, references: {} };
  if (cron === '') return { trigger: normalised, schedule: null };
  const problem = cronProblem(cron);
  if (problem) throw badRequest(`trigger.settings.cron: ${problem}`);
  const fixed = (Object.entries(CRON_OF_TYPE) as [CronType, string][]).find(([, c]) => c === cron);
  return { trigger: normalised, schedule: { cronType: fixed ? fixed[0] : 'Custom', cron } };
}

function ruleKey(r: RetentionRuleRecord): string {
  return JSON.stringify({ ...r, id: 0 });
}

/**
 * Reads Harbor's RetentionPolicy body for POST (no `target`) and PUT (`target`: the stored
 * policy). Throws 400 naming the first unusable field, 409 for a rule repeated in the policy (as
 * Harbor). The whole policy is given each time (Harbor's console sends it whole); read-only
 * fields (`id`, rule ids) are checked against the path or ignored.
 */
export function policyFromRequest(body: unknown, target?: PolicyTarget): RetentionPolicyFields {
  if (body === undefined || body === null || body === '') throw badRequest('the request body is required: a RetentionPolicy');
  if (!isObject(body)) throw badRequest('the request body must be a JSON object (a RetentionPolicy)');
  if (target && body['id'] !== undefined && body['id'] !== null && body['id'] !== target.id) throw badRequest(`id ${String(body['id'])} is not the policy of the path (${target.id})`);
  const algorithm = body['algorithm'] ?? RETENTION_ALGORITHM;
  if (algorithm !== RETENTION_ALGORITHM) throw badRequest(`algorithm must be "${RETENTION_ALGORITHM}"`);

  const scope = body['scope'];
  let projectId: number;
  if (scope === undefined || scope === null) {
    if (!target) throw badRequest('scope is required: {"level": "project", "ref": <project id>}');
    projectId = target.projectId;
  } else {
    if (!isObject(scope)) throw badRequest('scope must be an object {"level": "project", "ref": <project id>}');
    if (scope['level'] !== SCOPE_LEVEL) throw badRequest(`scope.level must be "${SCOPE_LEVEL}" (policies belong to a project)`);
    const ref = scope['ref'];
    if (typeof ref !== 'number' || !Number.isInteger(ref) || ref < 1 || ref > 2_147_483_647) throw badRequest('scope.ref must be the id of a project');
    if (target && ref !== target.projectId) throw badRequest(`scope.ref ${ref} is not the project of the policy (${target.projectId}); a policy cannot move`);
    projectId = ref;
  }

  const rawRules = body['rules'] ?? [];
  if (!Array.isArray(rawRules)) throw badRequest('rules must be an array of rules');
  if (rawRules.length > MAX_RULES) throw badRequest(`a policy takes at most ${MAX_RULES} rules, got ${rawRules.length}`);
  const rules = rawRules.map(rule);
  const seen = new Map<string, number>();
  for (const [i, r] of rules.entries()) {
    const twin = seen.get(ruleKey(r));
    if (twin !== undefined) throw conflict(`rules[${i}] is the same as rules[${twin}]`);
    seen.set(ruleKey(r), i);
  }
  return { projectId, algorithm: RETENTION_ALGORITHM, rules, ...trigger(body['trigger']) };
}

/** The body of POST /retentions/{id}/executions: `{"dry_run": bool}`. */
export function dryRunFromRequest(body: unknown): boolean {
  if (body === undefined || body === null || body === '') return false;
  if (!isObject(body)) throw badRequest('the request body must be a JSON object {"dry_run": true|false}');
  const dryRun = body['dry_run'] ?? false;
  if (typeof dryRun !== 'boolean') throw badRequest('dry_run must be true or false');
  return dryRun;
}

/** The body of PATCH /retentions/{id}/executions/{eid}: `{"action": "stop"}`, the only action. */
export function requireStopAction(body: unknown): void {
  const action = isObject(body) ? body['action'] : undefined;
  if (action !== 'stop') throw badRequest('action must be "stop"');
}
