import { Inject, Injectable } from '@nestjs/common';
import type { Access, Action, ProjectRef } from '@wharf/auth';
import type { Sql } from '@wharf/db';
import { requireProjectAccess } from '../auth/authorize';
import { badRequest, conflict, notFound } from '../http/harbor-error';
import type { Paging } from '../http/paging';
import type { ParsedQuery, SortKey } from '../http/query';
import { SQL } from '../infra/tokens';
import { projectKey } from '../projects/project-key';
import type { ImmutableRuleDto } from './dto/immutable-rule.dto';
import { MAX_RULES_PER_PROJECT, RuleFields, ruleFromRequest, sameSelectors } from './immutable-rule-input';
import { ImmutableRuleView, immutableRuleView } from './immutable-rule-view';
import { fieldsOf, ImmutableRuleRecord, ImmutableRuleStore } from './immutable-rule.store';

/** Immutable tag rules of a project: Harbor's /projects/{project_name_or_id}/immutabletagrules API. */
@Injectable()
export class ImmutableRulesService {
  constructor(
    @Inject(SQL) private readonly sql: Sql,
    private readonly rules: ImmutableRuleStore,
  ) {}

  /** The project (404), then the matrix's verdict on the caller (401/403). */
  private async project(access: Access, nameOrId: string, isName: boolean, action: Action): Promise<ProjectRef> {
    const project = await this.rules.project(projectKey(nameOrId, isName));
    if (!project) throw notFound(`project ${nameOrId} not found`);
    requireProjectAccess(access, project, 'immutable-tag', action);
    return project;
  }

  async list(
    access: Access,
    nameOrId: string,
    isName: boolean,
    filter: { query: ParsedQuery; sort: SortKey[]; paging: Paging },
  ): Promise<{ total: number; items: ImmutableRuleView[] }> {
    const project = await this.project(access, nameOrId, isName, 'list');
    const { total, rows } = await this.rules.list(project.id, filter.query, filter.sort, filter.paging);
    return { total, items: rows.map(immutableRuleView) };
  }

  async create(access: Access, nameOrId: string, isName: boolean, body: ImmutableRuleDto): Promise<number> {
    const project = await this.project(access, nameOrId, isName, 'create');
    const rule = ruleFromRequest(body, { projectId: project.id });
    return this.sql.transaction(async (tx) => {
      await this.rules.lockProject(tx, project.id);
      const existing = await this.rules.all(tx, project.id);
      if (existing.length >= MAX_RULES_PER_PROJECT) {
        throw badRequest(`project ${project.name} already has ${existing.length} immutable tag rules, the most allowed is ${MAX_RULES_PER_PROJECT}`);
      }
      this.refuseDuplicate(project, existing, rule);
      return this.rules.insert(tx, project.id, rule);
    });
  }

  async update(access: Access, nameOrId: string, isName: boolean, ruleId: number, body: ImmutableRuleDto): Promise<void> {
    const project = await this.project(access, nameOrId, isName, 'update');
    await this.sql.transaction(async (tx) => {
      await this.rules.lockProject(tx, project.id);
      const existing = await this.rules.all(tx, project.id);
      const current = existing.find((r) => r.id === ruleId);
      if (!current) throw this.missing(project, ruleId);
      const rule = ruleFromRequest(body, { projectId: project.id, ruleId }, fieldsOf(current));
      this.refuseDuplicate(
        project,
        existing.filter((r) => r.id !== ruleId),
        rule,
      );
      if (!(await this.rules.update(tx, project.id, ruleId, rule))) throw this.missing(project, ruleId);
    });
  }

  async delete(access: Access, nameOrId: string, isName: boolean, ruleId: number): Promise<void> {
    const project = await this.project(access, nameOrId, isName, 'delete');
    if (!(await this.rules.delete(project.id, ruleId))) throw this.missing(project, ruleId);
  }

  private refuseDuplicate(project: ProjectRef, others: ImmutableRuleRecord[], rule: RuleFields): void {
    const twin = others.find((r) => sameSelectors(fieldsOf(r), rule));
    if (twin) throw conflict(`project ${project.name} already has immutable tag rule ${twin.id} with the same selectors`);
  }

  private missing(project: ProjectRef, ruleId: number) {
    return notFound(`immutable tag rule ${ruleId} not found in project ${project.name}`);
  }
}
