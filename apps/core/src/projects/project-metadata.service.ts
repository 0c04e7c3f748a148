import { Inject, Injectable } from '@nestjs/common';
import type { Access, Action } from '@wharf/auth';
import type { Sql } from '@wharf/db';
import { AuditService } from '../audit/audit.service';
import { requireProjectAccess } from '../auth/authorize';
import { conflict } from '../http/harbor-error';
import { SQL } from '../infra/tokens';
import { metadataBody, normalizeMetadata, singleMetadata } from './project-metadata';
import type { ProjectRecord } from './project.repository';
import { ProjectRepository } from './project.repository';
import { metadataOf, projectRef } from './project-view';
import { ProjectsService } from './projects.service';

/**
 * Harbor's /projects/{p}/metadatas: one key at a time, values checked per key. A change is an
 * update of the project in the extended audit log (Harbor 2.13 records update_project for these
 * routes), not in the older one. Who may do what is the matrix's `metadata` row
 * (project administrators everything, maintainers read; listing only for system administrators
 * and robots granted it).
 */
@Injectable()
export class ProjectMetadataService {
  constructor(
    @Inject(SQL) private readonly sql: Sql,
    private readonly projects: ProjectsService,
    private readonly rows: ProjectRepository,
    private readonly audit: AuditService,
  ) {}

  private recordUpdate(access: Access, project: ProjectRecord): Promise<void> {
    return this.audit.recordFor(access, undefined, { projectId: project.id, operation: 'update', resourceType: 'project', resource: project.name, extendedOnly: true });
  }

  private async project(access: Access, nameOrId: string, isName: boolean, action: Action): Promise<ProjectRecord> {
    const project = await this.projects.resolve(nameOrId, isName, access);
    requireProjectAccess(access, projectRef(project), 'metadata', action);
    return project;
  }

  async list(access: Access, nameOrId: string, isName: boolean): Promise<Record<string, string>> {
    return metadataOf(await this.project(access, nameOrId, isName, 'list'));
  }

  async get(access: Access, nameOrId: string, isName: boolean, key: string): Promise<Record<string, string>> {
    const metadata = metadataOf(await this.project(access, nameOrId, isName, 'read'));
    // An unknown key is an empty map, not a 404, as in Harbor.
    return Object.hasOwn(metadata, key) ? { [key]: metadata[key] } : {};
  }

  async add(access: Access, nameOrId: string, isName: boolean, body: unknown): Promise<void> {
    const project = await this.project(access, nameOrId, isName, 'create');
    const [key, value] = singleMetadata(metadataBody(body));
    if (!(await this.rows.setMetadata(this.sql, project.id, key, value, 'absent'))) throw conflict(`project ${project.name} has metadata ${key} already`);
    await this.recordUpdate(access, project);
  }

  /** Harbor reads only the body's entry for `key`; updating a key the project lacks changes nothing. */
  async update(access: Access, nameOrId: string, isName: boolean, key: string, body: unknown): Promise<void> {
    const project = await this.project(access, nameOrId, isName, 'update');
    const value = normalizeMetadata(key, metadataBody(body)[key] ?? '');
    await this.rows.setMetadata(this.sql, project.id, key, value, 'present');
    await this.recordUpdate(access, project);
  }

  async delete(access: Access, nameOrId: string, isName: boolean, key: string): Promise<void> {
    const project = await this.project(access, nameOrId, isName, 'delete');
    await this.rows.deleteMetadata(this.sql, project.id, key);
    await this.recordUpdate(access, project);
  }
}
