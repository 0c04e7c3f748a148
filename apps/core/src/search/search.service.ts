import { Injectable } from '@nestjs/common';
import type { Access } from '@wharf/auth';
import { MAX_PAGE_SIZE } from '../http/paging';
import { ProjectRepository, visibilityOf } from '../projects/project.repository';
import { ProjectView, projectView } from '../projects/project-view';
import { ProjectAccess } from '../repositories/project-access';
import { RepositoryStore } from '../repositories/repository.store';

/** Harbor's SearchRepository. */
export interface SearchRepositoryView {
  project_id: number;
  project_name: string;
  project_public: boolean;
  repository_name: string;
  pull_count: number;
  artifact_count: number;
}

/** Harbor's Search. */
export interface SearchView {
  project: ProjectView[];
  repository: SearchRepositoryView[];
}

/** Search has no paging: each half of the answer is capped at one full page of the lists. */
export const SEARCH_LIMIT = MAX_PAGE_SIZE;

/** GET /search: projects and repositories whose names contain the text, among those the caller sees. */
@Injectable()
export class SearchService {
  constructor(
    private readonly projects: ProjectRepository,
    private readonly projectAccess: ProjectAccess,
    private readonly repositories: RepositoryStore,
  ) {}

  async search(access: Access, text: string): Promise<SearchView> {
    const paging = { page: 1, pageSize: SEARCH_LIMIT, offset: 0 };
    const viewerId = access.principal.kind === 'user' ? access.principal.id : undefined;
    const { rows } = await this.projects.list(visibilityOf(access), { query: new Map(), sort: [], paging, name: text || undefined }, viewerId);
    const scope = await this.projectAccess.scope(access, 'repository', 'list');
    const projectIds = scope.kind === 'all' ? undefined : scope.projects.map((p) => p.id);
    const repositories =
      projectIds !== undefined && projectIds.length === 0
        ? []
        : (await this.repositories.list({ projectIds, query: new Map(), sort: [{ key: 'name', descending: false }], paging, nameContains: text })).rows;
    return {
      project: rows.map((row) => projectView(row, access)),
      repository: repositories
        .filter((r) => r.project_id !== null)
        .map((r) => ({
          project_id: r.project_id ?? 0,
          project_name: r.project_name ?? '',
          project_public: r.project_public ?? false,
          repository_name: r.name,
          pull_count: Number(r.pull_count),
          artifact_count: r.artifact_count,
        })),
    };
  }
}
