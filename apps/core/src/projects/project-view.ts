import { Access, ProjectRef, ROLE_STRENGTH } from '@wharf/auth';
import type { ProjectRecord } from './project.repository';

/** Harbor's Project as the API returns it. */
export interface ProjectView {
  project_id: number;
  owner_id: number;
  name: string;
  creation_time: string;
  update_time: string;
  deleted: boolean;
  owner_name: string;
  togglable: boolean;
  current_user_role_id: number;
  current_user_role_ids: number[];
  repo_count: number;
  metadata: Record<string, string>;
  cve_allowlist: {
    id: number;
    project_id: number;
    expires_at?: number | null;
    items: { cve_id: string }[];
    creation_time: string;
    update_time: string;
  };
}

export function projectRef(row: Pick<ProjectRecord, 'id' | 'name' | 'public'>): ProjectRef {
  return { id: row.id, name: row.name, public: row.public };
}

/** `project.public` is the truth; metadata.public always repeats it (rows made by the registry have none). */
export function metadataOf(row: Pick<ProjectRecord, 'metadata' | 'public'>): Record<string, string> {
  return { ...row.metadata, public: String(row.public) };
}

export function projectView(row: ProjectRecord, access: Access): ProjectView {
  // Strongest first, as Harbor's "role with highest permission".
  const roles = [...row.role_ids].sort((a, b) => ROLE_STRENGTH.indexOf(a) - ROLE_STRENGTH.indexOf(b));
  return {
    project_id: row.id,
    owner_id: row.owner_id ?? 0,
    name: row.name,
    creation_time: row.created_at.toISOString(),
    update_time: row.updated_at.toISOString(),
    deleted: false,
    owner_name: row.owner_name ?? '',
    togglable: access.can(projectRef(row), 'project', 'update'),
    current_user_role_id: roles[0] ?? 0,
    current_user_role_ids: roles,
    repo_count: row.repo_count,
    metadata: metadataOf(row),
    cve_allowlist: {
      id: row.id,
      project_id: row.id,
      // Harbor leaves it out when the allowlist does not expire.
      ...(row.cve_allowlist.expires_at != null ? { expires_at: row.cve_allowlist.expires_at } : {}),
      items: row.cve_allowlist.items ?? [],
      creation_time: row.created_at.toISOString(),
      update_time: row.cve_allowlist_updated_at.toISOString(),
    },
  };
}
