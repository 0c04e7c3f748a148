import { arrayOf, bool, dateTime, int, type Models, mapOf, modelRef, nullable, object, str } from '../openapi/schema';

/** Metadata keys a project may carry besides `public` (all strings, as Harbor keeps them). */
const OPTIONAL_METADATA = ['enable_content_trust', 'enable_content_trust_cosign', 'prevent_vul', 'severity', 'auto_scan', 'auto_sbom_generation', 'reuse_sys_cve_allowlist', 'retention_id'];

/** Response models of /projects (ProjectView, ProjectDeletable, ProjectSummary). */
export const PROJECT_MODELS: Models = {
  Project: object({
    project_id: int,
    owner_id: int,
    name: str,
    creation_time: dateTime,
    update_time: dateTime,
    deleted: bool,
    owner_name: str,
    togglable: bool,
    current_user_role_id: int,
    current_user_role_ids: arrayOf(int),
    repo_count: int,
    metadata: modelRef('ProjectMetadata'),
    cve_allowlist: modelRef('CVEAllowlist'),
  }),
  ProjectMetadata: {
    ...object({ public: str, ...Object.fromEntries(OPTIONAL_METADATA.map((key) => [key, str])) }, OPTIONAL_METADATA),
    additionalProperties: str,
  },
  CVEAllowlist: object(
    {
      id: int,
      project_id: int,
      expires_at: nullable({ type: 'integer', description: 'Unix seconds; absent or null: never' }),
      items: arrayOf(modelRef('CVEAllowlistItem')),
      creation_time: dateTime,
      update_time: dateTime,
    },
    ['expires_at'],
  ),
  CVEAllowlistItem: object({ cve_id: str }),
  ProjectDeletable: object({ deletable: bool, message: str }, ['message']),
  ProjectSummary: object(
        {
      repo_count: int,
      project_admin_count: int,
      maintainer_count: int,
      developer_count: int,
      guest_count: int,
      limited_guest_count: int,
      quota: modelRef('ProjectSummaryQuota'),
    },
    ['project_admin_count', 'maintainer_count', 'developer_count', 'guest_count', 'limited_guest_count'],
  ),
  ProjectSummaryQuota: object({ hard: modelRef('ResourceList'), used: modelRef('ResourceList') }),
  /** Bytes by resource (storage only); -1 for unlimited. */
  ResourceList: mapOf({ type: 'integer', format: 'int64' }),
};
