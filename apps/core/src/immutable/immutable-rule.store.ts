import { Inject, Injectable } from '@nestjs/common';
import type { ProjectRef } from '@wharf/auth';
import type { Sql, SqlRunner } from '@wharf/db';
import type { ImmutableRuleSpec, RuleRecord } from '@wharf/policy';
import { FieldSpecs, orderBy, SqlParams, whereClause, whereFromQuery } from '../http/list-query';
import type { Paging } from '../http/paging';
import type { ParsedQuery, SortKey } from '../http/query';
import { SQL } from '../infra/tokens';
import type { RuleFields } from './immutable-rule-input';

export interface ImmutableRuleRecord extends RuleRecord {
  project_id: number;
  creation_time: Date;
  update_time: Date;
}

/** The fields `q` and `sort` of the rule list may name. */
export const IMMUTABLE_RULE_FIELDS: FieldSpecs = {
  id: { column: 'id', type: 'int' },
  priority: { column: 'priority', type: 'int' },
  disabled: { column: 'disabled', type: 'bool' },
  creation_time: { column: 'creation_time', type: 'time' },
  update_time: { column: 'update_time', type: 'time' },
};

const COLUMNS = 'id, project_id, priority, disabled, action, template, params, tag_selectors, scope_selectors, creation_time, update_time';

export function fieldsOf(row: ImmutableRuleRecord): RuleFields {
  return {
    priority: row.priority,
    disabled: row.disabled,
    params: row.params,
    tagSelectors: row.tag_selectors,
    repositorySelectors: row.scope_selectors.repository ?? [],
  };
}

function specOf(row: Pick<ImmutableRuleRecord, 'disabled' | 'tag_selectors' | 'scope_selectors'>): ImmutableRuleSpec {
  return { disabled: row.disabled, tagSelectors: row.tag_selectors, repositorySelectors: row.scope_selectors.repository ?? [] };
}

/** The immutable_tag_rule table. */
@Injectable()
export class ImmutableRuleStore {
  constructor(@Inject(SQL) private readonly sql: Sql) {}

  /** `{project_name_or_id}` already read by projectKey. */
  project(key: { id: number } | { name: string }): Promise<ProjectRef | undefined> {
    if ('id' in key) return this.sql.one<ProjectRef>('SELECT id, name, public FROM project WHERE id = $1', [key.id]);
    return this.sql.one<ProjectRef>('SELECT id, name, public FROM project WHERE name = $1', [key.name]);
  }

  async list(projectId: number, query: ParsedQuery, sort: SortKey[], paging: Paging): Promise<{ total: number; rows: ImmutableRuleRecord[] }> {
    const params = new SqlParams();
    const where = whereClause([`project_id = ${params.add(projectId)}`, ...whereFromQuery(query, IMMUTABLE_RULE_FIELDS, params)]);
    const count = await this.sql.one<{ n: string }>(`SELECT count(*) AS n FROM immutable_tag_rule ${where}`, [...params.values]);
    // Creation order by default: the order Harbor's console lists rules in.
    const order = orderBy(sort, IMMUTABLE_RULE_FIELDS, 'id ASC', 'id ASC');
    const rows = await this.sql.query<ImmutableRuleRecord>(
      `SELECT ${COLUMNS} FROM immutable_tag_rule ${where} ORDER BY ${order} LIMIT ${params.add(paging.pageSize)} OFFSET ${params.add(paging.offset)}`,
      params.values,
    );
    return { total: Number(count?.n ?? 0), rows };
  }

  /**
   * Serialises rule changes of one project until the transaction ends, so that the rule limit and
   * the duplicate check see every rule a concurrent request is adding.
   */
  async lockProject(tx: SqlRunner, projectId: number): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`immutable-tag-rules:${projectId}`]);
  }

  all(tx: SqlRunner, projectId: number): Promise<ImmutableRuleRecord[]> {
    return tx.query<ImmutableRuleRecord>(`SELECT ${COLUMNS} FROM immutable_tag_rule WHERE project_id = $1 ORDER BY id`, [projectId]);
  }

  async insert(tx: SqlRunner, projectId: number, rule: RuleFields): Promise<number> {
    const row = await tx.one<{ id: number }>(
      `INSERT INTO immutable_tag_rule (project_id, priority, disabled, params, tag_selectors, scope_selectors)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [projectId, rule.priority, rule.disabled, JSON.stringify(rule.params), JSON.stringify(rule.tagSelectors), JSON.stringify({ repository: rule.repositorySelectors })],
    );
    return (row as { id: number }).id;
  }

  async update(tx: SqlRunner, projectId: number, id: number, rule: RuleFields): Promise<boolean> {
    const rows = await tx.query(
      `UPDATE immutable_tag_rule SET priority = $3, disabled = $4, params = $5, tag_selectors = $6, scope_selectors = $7, update_time = now()
        WHERE project_id = $1 AND id = $2 RETURNING id`,
      [projectId, id, rule.priority, rule.disabled, JSON.stringify(rule.params), JSON.stringify(rule.tagSelectors), JSON.stringify({ repository: rule.repositorySelectors })],
    );
    return rows.length > 0;
  }

  async delete(projectId: number, id: number): Promise<boolean> {
    return (await this.sql.query('DELETE FROM immutable_tag_rule WHERE project_id = $1 AND id = $2 RETURNING id', [projectId, id])).length > 0;
  }

  /** The project's enabled rules, in one query: what deletes through the API are checked against. */
  async enabledRules(projectId: number, runner: SqlRunner = this.sql): Promise<ImmutableRuleSpec[]> {
    const rows = await runner.query<Pick<ImmutableRuleRecord, 'disabled' | 'tag_selectors' | 'scope_selectors'>>(
      'SELECT disabled, tag_selectors, scope_selectors FROM immutable_tag_rule WHERE project_id = $1 AND NOT disabled',
      [projectId],
      'core_immutable_rules_enabled',
    );
    return rows.map(specOf);
  }
}
