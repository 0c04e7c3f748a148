import { Inject, Injectable } from '@nestjs/common';
import { Access, Action, ProjectRef, Resource, robotProjectIds } from '@wharf/auth';
import type { Sql } from '@wharf/db';
import { requireProjectAccess } from '../auth/authorize';
import { notFound } from '../http/harbor-error';
import { SQL } from '../infra/tokens';
import { projectKey } from '../projects/project-key';

/** The projects a caller may do `resource`/`action` in: every one, or these. */
export type ProjectScope = { kind: 'all' } | { kind: 'some'; projects: ProjectRef[] };

/**
 * Project lookups for the content APIs (repositories, artifacts, search), with the matrix's
 * verdict. A missing project is 404 before anything about the caller is said.
 */
@Injectable()
export class ProjectAccess {
  constructor(@Inject(SQL) private readonly sql: Sql) {}

  byName(name: string): Promise<ProjectRef | undefined> {
    return this.sql.one<ProjectRef>('SELECT id, name, public FROM project WHERE name = $1', [name], 'content_project_by_name');
  }

  /** The project, if the caller may do `action` on its `resource`: else 404, 401 or 403. */
  async require(access: Access, name: string, resource: Resource, action: Action): Promise<ProjectRef> {
    const project = await this.byName(name);
    if (!project) throw notFound(`project ${name} not found`);
    requireProjectAccess(access, project, resource, action);
    return project;
  }

  /** As `require`, for a `{project_name_or_id}` (an id unless X-Is-Resource-Name says a name). */
  async requireByNameOrId(access: Access, nameOrId: string, isName: boolean, resource: Resource, action: Action): Promise<ProjectRef> {
    const key = projectKey(nameOrId, isName);
    const project =
      'id' in key
        ? await this.sql.one<ProjectRef>('SELECT id, name, public FROM project WHERE id = $1', [key.id], 'content_project_by_id')
        : await this.byName(key.name);
    if (!project) throw notFound(`project ${nameOrId} not found`);
    requireProjectAccess(access, project, resource, action);
    return project;
  }

  /**
   * Where the caller may do `resource`/`action`. Candidates are the projects the principal could
   * hold anything in (public ones, a user's memberships, a robot's granted projects); the matrix then
   * decides each, so lists never show what a direct request would refuse.
   */
  async scope(access: Access, resource: Resource, action: Action): Promise<ProjectScope> {
    if (access.isSysadmin) return { kind: 'all' };
    const p = access.principal;
    let candidates: ProjectRef[];
    if (p.kind === 'user') {
      candidates = await this.sql.query<ProjectRef>('SELECT id, name, public FROM project WHERE public OR id = ANY($1::int[])', [[...p.roles.keys()]]);
    } else if (p.kind === 'robot') {
      const projects = robotProjectIds(p.permissions);
      candidates = await this.sql.query<ProjectRef>('SELECT id, name, public FROM project WHERE $1::boolean OR public OR id = ANY($2::int[])', [
        projects.all,
        projects.all ? [] : projects.ids,
      ]);
    } else {
      candidates = await this.sql.query<ProjectRef>('SELECT id, name, public FROM project WHERE public');
    }
    return { kind: 'some', projects: candidates.filter((project) => access.can(project, resource, action)) };
  }
}
