import type { RepositoryRecord } from './repository.store';

/** Harbor's Repository as the API returns it. */
export interface RepositoryView {
  id: number;
  project_id: number;
  /** The full name, project included. */
  name: string;
  description: string;
  artifact_count: number;
  /** GETs of its manifests through the registry (HEAD requests are not pulls), a few seconds behind. */
  pull_count: number;
  creation_time: string;
  update_time: string;
}

export function repositoryView(row: RepositoryRecord): RepositoryView {
  return {
    id: Number(row.id),
    project_id: row.project_id ?? 0,
    name: row.name,
    description: row.description,
    artifact_count: row.artifact_count,
    pull_count: Number(row.pull_count),
    creation_time: row.created_at.toISOString(),
    update_time: row.update_time.toISOString(),
  };
}
