import type { ListRequest } from '../http/query-param';
import { Injectable } from '@nestjs/common';
import type { Access } from '@wharf/auth';
import { AuditService } from '../audit/audit.service';
import { badRequest, notFound, precondition } from '../http/harbor-error';
import { ImmutableTags } from '../immutable/immutable-tags';
import { DeletionEvents } from './deletion-events';
import type { UpdateRepositoryDto } from './dto/update-repository.dto';
import { ProjectAccess } from './project-access';
import { RegistryCacheNotifier } from './registry-cache-notifier';
import { fullRepositoryName } from './repository-name';
import { RepositoryStore } from './repository.store';
import { RepositoryView, repositoryView } from './repository-view';

/** Repositories: Harbor's /repositories and /projects/{project_name}/repositories APIs. */
@Injectable()
export class RepositoriesService {
  constructor(
    private readonly projects: ProjectAccess,
    private readonly repositories: RepositoryStore,
    private readonly cache: RegistryCacheNotifier,
    private readonly audit: AuditService,
    private readonly immutable: ImmutableTags,
    private readonly events: DeletionEvents,
  ) {}

  async listOfProject(access: Access, projectName: string, req: ListRequest): Promise<{ total: number; items: RepositoryView[] }> {
    const project = await this.projects.require(access, projectName, 'repository', 'list');
    const { total, rows } = await this.repositories.list({ ...req, projectIds: [project.id] });
    return { total, items: rows.map(repositoryView) };
  }

  /** Every repository the caller may list (GET /repositories). */
  async listAll(access: Access, req: ListRequest): Promise<{ total: number; items: RepositoryView[] }> {
    const scope = await this.projects.scope(access, 'repository', 'list');
    const projectIds = scope.kind === 'all' ? undefined : scope.projects.map((p) => p.id);
    const { total, rows } = await this.repositories.list({ ...req, projectIds });
    return { total, items: rows.map(repositoryView) };
  }

  async get(access: Access, projectName: string, repositoryParam: string): Promise<RepositoryView> {
    // Harbor answers a single repository with the `list` permission.
    await this.projects.require(access, projectName, 'repository', 'list');
    const name = fullRepositoryName(projectName, repositoryParam);
    const repository = await this.repositories.byName(name);
    if (!repository) throw notFound(`repository ${name} not found`);
    return repositoryView(repository);
  }

  /**
   * Sets the description, markup-escaped as Harbor stores it (so a console showing it as HTML shows
   * text). Harbor writes no audit record for this, and the registry caches nothing of it.
   */
  async update(access: Access, projectName: string, repositoryParam: string, body: UpdateRepositoryDto | undefined): Promise<void> {
    await this.projects.require(access, projectName, 'repository', 'update');
    if (!body) throw badRequest('the request body (a repository) is required');
    const name = fullRepositoryName(projectName, repositoryParam);
    const repository = await this.repositories.byName(name);
    if (!repository || !(await this.repositories.setDescription(repository.id, escapeMarkup(body.description ?? '')))) throw notFound(`repository ${name} not found`);
  }

  /** Deletes the repository, its artifacts and tags; registry caches forget it before the answer. */
  async delete(access: Access, clientIp: string, projectName: string, repositoryParam: string): Promise<void> {
    const project = await this.projects.require(access, projectName, 'repository', 'delete');
    const name = fullRepositoryName(projectName, repositoryParam);
    const deleted = await this.cache.write(async (tx, changed) => {
      const repository = await this.repositories.byName(name, tx);
      if (!repository) throw notFound(`repository ${name} not found`);
      const tags = await tx.query<{ name: string }>('SELECT name FROM tag WHERE repository_id = $1', [repository.id]);
      const protectedTags = (await this.immutable.ofProject(project.id, tx)).among(name, tags.map((t) => t.name));
      if (protectedTags.length > 0) throw precondition(`repository ${name} holds immutable tag ${protectedTags.join(', ')} and cannot be deleted`);
      const artifacts = await this.repositories.delete(tx, repository.id);
      if (!artifacts) throw notFound(`repository ${name} not found`);
      changed(name);
      await this.audit.recordFor(access, clientIp, { projectId: project.id, operation: 'delete', resourceType: 'repository', resource: name }, tx);
      return artifacts;
    });
    await this.events.published(access, name, deleted);
  }
}

/** Go's html/template escaping of text, which Harbor applies to descriptions. */
export function escapeMarkup(text: string): string {
  const table: Record<string, string> = { '&': '&amp;', "'": '&#39;', '<': '&lt;', '>': '&gt;', '"': '&#34;', '\0': '\uFFFD' };
  return text.replace(/[&'<>"\0]/g, (c) => table[c]);
}
