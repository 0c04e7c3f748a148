import { Injectable } from '@nestjs/common';
import type { Access, Action, ProjectRef } from '@wharf/auth';
import { requireProjectAccess, requireSystemAccess } from '../auth/authorize';
import { badRequest, conflict, notFound } from '../http/harbor-error';
import type { ListRequest } from '../http/query-param';
import { isUniqueViolation } from '../infra/pg-errors';
import type { LabelDto } from './dto/label.dto';
import { LABEL_NAME_CONSTRAINT, LabelScope, LabelStore, LabelWithProject } from './label.store';
import { LabelView, labelView } from './label-view';

const MAX_NAME_LENGTH = 128;
const MAX_ID = 2_147_483_647;

/** Harbor's name rule (pkg/label/model Valid): not empty, at most 128 characters. */
function checkName(name: string | undefined): string {
  if (!name) throw badRequest('label name cannot be empty');
  if (name.length > MAX_NAME_LENGTH) throw badRequest(`label name: max length is ${MAX_NAME_LENGTH}`);
  return name;
}

function isScope(value: unknown): value is LabelScope {
  return value === 'g' || value === 'p';
}

/** What a list asks for, as the request wrote it. */
export interface LabelListParams {
  scope?: string;
  projectId?: string;
  name?: string;
}

/**
 * Labels: Harbor's /labels API. Global labels belong to the system (its `label` permission:
 * system administrators, robots granted it); project labels to their project, where the matrix's
 * `label` row decides. Harbor writes no audit records for labels, and neither does this.
 */
@Injectable()
export class LabelsService {
  constructor(private readonly labels: LabelStore) {}

  /**
   * Global labels are listed to anyone (Harbor checks nothing for them: every project's members
   * pick from them); project labels to those who may list the project's labels.
   */
  async list(access: Access, params: LabelListParams, list: ListRequest): Promise<{ total: number; items: LabelView[] }> {
    const { scope } = params;
    if (!isScope(scope)) throw badRequest(`invalid scope: ${scope ?? ''}`);
    let projectId: number | undefined;
    if (scope === 'p') {
      projectId = this.projectIdParam(params.projectId);
      const project = await this.project(projectId);
      requireProjectAccess(access, project, 'label', 'list');
    }
    const { total, rows } = await this.labels.list({ ...list, scope, projectId, name: params.name });
    return { total, items: rows.map(labelView) };
  }

  async get(access: Access, id: number): Promise<LabelView> {
    const label = await this.require(id);
    this.requireAccess(access, label, 'read');
    return labelView(label);
  }

  async create(access: Access, body: LabelDto): Promise<number> {
    const scope = body.scope;
    if (!isScope(scope)) throw badRequest(`invalid label scope: ${scope ?? ''} (use g for a global label, p for a project label)`);
    let project: ProjectRef | null = null;
    if (scope === 'p') {
      if (!body.project_id) throw badRequest('a project label (scope p) needs project_id');
      project = await this.project(body.project_id);
    }
    this.requireAccess(access, { scope, project }, 'create');
    const name = checkName(body.name);
    const id = await this.labels.insert({ name, description: body.description ?? '', color: body.color ?? '', scope, projectId: project?.id ?? null });
    if (id === undefined) throw conflict(`label ${name} already exists`);
    return id;
  }

  /** Harbor's update: name, description and colour are replaced by the body's (absent: empty); scope and project stay. */
  async update(access: Access, id: number, body: LabelDto): Promise<void> {
    const label = await this.require(id);
    this.requireAccess(access, label, 'update');
    const name = checkName(body.name);
    try {
      if (!(await this.labels.update(id, { name, description: body.description ?? '', color: body.color ?? '' }))) throw this.missing(id);
    } catch (err) {
      if (isUniqueViolation(err, LABEL_NAME_CONSTRAINT)) throw conflict(`label ${name} already exists`);
      throw err;
    }
  }

  /** Deletes the label; the artifacts that carried it lose it. */
  async delete(access: Access, id: number): Promise<void> {
    const label = await this.require(id);
    this.requireAccess(access, label, 'delete');
    if (!(await this.labels.delete(id))) throw this.missing(id);
  }

  /** The label (404), for attaching it to an artifact of `project`: a project label only in its own project. */
  async attachable(id: number, project: ProjectRef): Promise<LabelWithProject> {
    const label = await this.labels.byId(id);
    if (!label) throw this.missing(id);
    if (label.scope === 'p' && label.project_id !== project.id) throw notFound(`label ${id} not found in project ${project.name}`);
    return label;
  }

  private requireAccess(access: Access, label: { scope: LabelScope; project: ProjectRef | null }, action: Action): void {
    if (label.scope === 'g') return requireSystemAccess(access, 'label', action);
    if (!label.project) throw badRequest('the label belongs to no project');
    requireProjectAccess(access, label.project, 'label', action);
  }

  private async require(id: number): Promise<LabelWithProject> {
    const label = await this.labels.byId(id);
    if (!label) throw this.missing(id);
    return label;
  }

  private async project(id: number): Promise<ProjectRef> {
    const project = await this.labels.project(id);
    if (!project) throw notFound(`project ${id} not found`);
    return project;
  }

  private projectIdParam(raw: string | undefined): number {
    if (raw === undefined || raw === '') throw badRequest('project_id is required to list project labels (scope p)');
    if (!/^\d{1,10}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_ID) throw badRequest(`invalid project_id: ${JSON.stringify(raw)} is not a positive integer`);
    return Number(raw);
  }

  private missing(id: number) {
    return notFound(`label ${id} not found`);
  }
}
