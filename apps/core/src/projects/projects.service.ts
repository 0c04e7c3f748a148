import { Inject, Injectable } from '@nestjs/common';
import { Access, ProjectRef, ProjectRole } from '@wharf/auth';
import type { Sql } from '@wharf/db';
import { removeProjectFromRobots } from '@wharf/identity';
import { storageLimitProblem } from '@wharf/policy';
import { AuditService } from '../audit/audit.service';
import { requireAuthenticated, requireProjectAccess, userIdOf } from '../auth/authorize';
import { SettingsService } from '../configurations/settings.service';
import { badRequest, conflict, forbidden, notFound, precondition } from '../http/harbor-error';
import { isForeignKeyViolation, isUniqueViolation } from '../infra/pg-errors';
import { SQL } from '../infra/tokens';
import { MemberRepository } from '../members/member.repository';
import { touchQuota } from '../quotas/quota.store';
import type { CreateProjectReqDto, CveAllowlistDto, ProjectMetadataDto, UpdateProjectReqDto } from './dto/project-req.dto';
import { projectKey } from './project-key';
import { projectNameProblem } from './project-name';
import { CveAllowlist, ListFilter, ProjectRecord, ProjectRepository, visibilityOf } from './project.repository';
import { projectRef, ProjectView, projectView } from './project-view';

/** The metadata values that were given (class instances carry absent ones as undefined). */
function givenMetadata(metadata: ProjectMetadataDto | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata ?? {})) if (typeof value === 'string') out[key] = value;
  return out;
}

function allowlistOf(dto: CveAllowlistDto): CveAllowlist {
  const items = [...new Set((dto.items ?? []).map((i) => i.cve_id.trim()).filter((id) => id.length > 0))].map((cve_id) => ({ cve_id }));
  return { items, expires_at: dto.expires_at ?? null };
}

/** Harbor's ProjectDeletable. */
export interface ProjectDeletable {
  deletable: boolean;
  message?: string;
}

export interface ProjectSummary {
  repo_count: number;
  project_admin_count?: number;
  maintainer_count?: number;
  developer_count?: number;
  guest_count?: number;
  limited_guest_count?: number;
  /** Absent while quota_per_project_enable is off, as in Harbor. */
  quota?: { hard: { storage: number }; used: { storage: number } };
}

/** Projects: Harbor's /projects API. Who may do what is the matrix's call (libs/auth). */
@Injectable()
export class ProjectsService {
  constructor(
    @Inject(SQL) private readonly sql: Sql,
    private readonly projects: ProjectRepository,
    private readonly members: MemberRepository,
    private readonly audit: AuditService,
    private readonly settings: SettingsService,
  ) {}

  /** The project or 404; nothing is checked about the caller. */
  async resolve(nameOrId: string, isName: boolean, access?: Access): Promise<ProjectRecord> {
    const project = await this.projects.find(projectKey(nameOrId, isName), access ? userIdOf(access) : undefined);
    if (!project) throw notFound(`project ${nameOrId} not found`);
    return project;
  }

  async findRef(nameOrId: string, isName: boolean): Promise<ProjectRef | undefined> {
    const project = await this.projects.find(projectKey(nameOrId, isName), undefined);
    return project && projectRef(project);
  }

  async list(access: Access, filter: ListFilter): Promise<{ total: number; items: ProjectView[] }> {
    const { total, rows } = await this.projects.list(visibilityOf(access), filter, userIdOf(access));
    return { total, items: rows.map((row) => projectView(row, access)) };
  }

  async get(access: Access, nameOrId: string, isName: boolean): Promise<ProjectView> {
    const project = await this.resolve(nameOrId, isName, access);
    requireProjectAccess(access, projectRef(project), 'project', 'read');
    return projectView(project, access);
  }

  /** HEAD /projects?project_name=: whether the name is taken (by any project, visible or not). */
  async exists(access: Access, name: string | undefined): Promise<boolean> {
    requireAuthenticated(access);
    if (!name) throw badRequest('the project_name parameter is required');
    return this.projects.exists(name);
  }

  async create(access: Access, clientIp: string, req: CreateProjectReqDto): Promise<{ id: number; name: string }> {
    requireAuthenticated(access);
    const creatorId = userIdOf(access);
    if (creatorId === undefined) throw forbidden('only users can create projects');
    if (!access.isSysadmin && (await this.settings.current()).project_creation_restriction === 'adminonly') throw forbidden('only system administrators can create projects');
    const problem = projectNameProblem(req.project_name);
    if (problem) throw badRequest(problem);
    if (req.registry_id !== undefined && req.registry_id !== null) throw badRequest('proxy-cache projects (registry_id) are not supported');
    const metadata = givenMetadata(req.metadata);
    // metadata.public wins over the deprecated top-level flag, as in Harbor.
    metadata.public = metadata.public ?? String(req.public ?? false);
    // Without a limit of its own a project gets the default (storage_per_project, -1 unlimited).
    const settings = await this.settings.current();
    let storageLimit = settings.storage_per_project;
    // With quotas switched off a given limit is ignored, as in Harbor; the default is kept for when they are on again.
    if (req.storage_limit !== undefined && req.storage_limit !== null && settings.quota_per_project_enable) {
      const limitProblem = storageLimitProblem(req.storage_limit, 'storage_limit');
      if (limitProblem) throw badRequest(limitProblem);
      // Quotas are the administrators' to set; others get the default, as in Harbor.
      if (access.isSysadmin) storageLimit = req.storage_limit;
    }
    try {
      return await this.sql.transaction(async (tx) => {
        const id = await this.projects.insert(tx, {
          name: req.project_name,
          public: metadata.public === 'true',
          ownerId: creatorId,
          metadata,
          storageLimit,
          cveAllowlist: req.cve_allowlist ? allowlistOf(req.cve_allowlist) : { items: [] },
        });
        if (id === undefined) throw conflict(`project ${req.project_name} already exists`);
        await this.members.insert(tx, { projectId: id, userId: creatorId, role: ProjectRole.ProjectAdmin });
        await this.audit.recordFor(access, clientIp, { projectId: id, operation: 'create', resourceType: 'project', resource: req.project_name }, tx);
        return { id, name: req.project_name };
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`project ${req.project_name} already exists`);
      throw err;
    }
  }

  async update(access: Access, clientIp: string, nameOrId: string, isName: boolean, req: UpdateProjectReqDto): Promise<void> {
    const project = await this.resolve(nameOrId, isName, access);
    requireProjectAccess(access, projectRef(project), 'project', 'update');
    if (req.project_name !== undefined && req.project_name !== project.name) throw badRequest('project_name cannot be changed');
    if (req.registry_id !== undefined && req.registry_id !== null) throw badRequest('proxy-cache projects (registry_id) are not supported');
    const given = givenMetadata(req.metadata);
    const metadata = { ...project.metadata, ...given };
    metadata.public = given.public ?? (req.public !== undefined && req.public !== null ? String(req.public) : String(project.public));
    let storageLimit = Number(project.storage_limit);
    if (req.storage_limit !== undefined && req.storage_limit !== null && req.storage_limit !== storageLimit) {
      const limitProblem = storageLimitProblem(req.storage_limit, 'storage_limit');
      if (limitProblem) throw badRequest(limitProblem);
      if (!access.isSysadmin) throw forbidden('only system administrators can change storage_limit');
      storageLimit = req.storage_limit;
    }
    await this.sql.transaction(async (tx) => {
      await this.projects.update(tx, project.id, {
        public: metadata.public === 'true',
        metadata,
        storageLimit,
        cveAllowlist: req.cve_allowlist ? allowlistOf(req.cve_allowlist) : undefined,
      });
      if (storageLimit !== Number(project.storage_limit)) await touchQuota(tx, project.id);
      await this.audit.recordFor(access, clientIp, { projectId: project.id, operation: 'update', resourceType: 'project', resource: project.name }, tx);
    });
  }

  async delete(access: Access, clientIp: string, nameOrId: string, isName: boolean): Promise<void> {
    const project = await this.resolve(nameOrId, isName, access);
    requireProjectAccess(access, projectRef(project), 'project', 'delete');
    const notEmpty = () => precondition(`project ${project.name} still contains repositories; delete them first`);
    try {
      await this.sql.transaction(async (tx) => {
        if ((await this.projects.repositoryCount(project.id, tx)) > 0) throw notEmpty();
        if (!(await this.projects.delete(tx, project.id))) throw notFound(`project ${nameOrId} not found`);
        await removeProjectFromRobots(tx, project.id);
        await this.audit.recordFor(access, clientIp, { projectId: project.id, operation: 'delete', resourceType: 'project', resource: project.name }, tx);
      });
    } catch (err) {
      // A repository pushed between the check and the delete: the foreign key refuses.
      if (isForeignKeyViolation(err)) throw notEmpty();
      throw err;
    }
  }

  /** Whether DELETE would succeed as far as content goes: Harbor refuses while repositories remain. */
  async deletable(access: Access, nameOrId: string, isName: boolean): Promise<ProjectDeletable> {
    const project = await this.resolve(nameOrId, isName, access);
    requireProjectAccess(access, projectRef(project), 'project', 'delete');
    if (project.repo_count > 0) return { deletable: false, message: 'the project still holds repositories: delete them first' };
    return { deletable: true };
  }

  async summary(access: Access, nameOrId: string, isName: boolean): Promise<ProjectSummary> {
    const project = await this.resolve(nameOrId, isName, access);
    const ref = projectRef(project);
    requireProjectAccess(access, ref, 'project', 'read');
    const { roles, storageUsed } = await this.projects.summary(project.id);
    const summary: ProjectSummary = { repo_count: project.repo_count };
    if ((await this.settings.current()).quota_per_project_enable) {
      summary.quota = { hard: { storage: Number(project.storage_limit) }, used: { storage: storageUsed } };
    }
    if (access.can(ref, 'member', 'list')) {
      summary.project_admin_count = roles.get(ProjectRole.ProjectAdmin) ?? 0;
      summary.maintainer_count = roles.get(ProjectRole.Maintainer) ?? 0;
      summary.developer_count = roles.get(ProjectRole.Developer) ?? 0;
      summary.guest_count = roles.get(ProjectRole.Guest) ?? 0;
      summary.limited_guest_count = roles.get(ProjectRole.LimitedGuest) ?? 0;
    }
    return summary;
  }
}
