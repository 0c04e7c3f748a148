/** Harbor's repository, artifact and project-summary answers, as the console reads them. */

export interface Repository {
  id: number;
  project_id: number;
  /** The full name, project included. */
  name: string;
  description: string;
  artifact_count: number;
  pull_count: number;
  creation_time: string;
  update_time: string;
}

export interface Tag {
  id: number;
  repository_id: number;
  artifact_id: number;
  name: string;
  push_time: string;
  pull_time: string;
  immutable: boolean;
}

export interface Platform {
  os?: string;
  architecture?: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
  [key: string]: unknown;
}

/** One child of an index. */
export interface Reference {
  parent_id: number;
  child_id: number;
  child_digest: string;
  platform?: Platform;
  annotations?: Record<string, string>;
}

export interface Accessory {
  id: number;
  artifact_id: number;
  subject_artifact_id: number;
  subject_artifact_digest: string;
  subject_artifact_repo: string;
  size: number;
  digest: string;
  type: string;
  icon: string;
  creation_time: string;
}

/** Harbor's Label: global (scope g, project_id 0) or of one project (scope p). */
export interface Label {
  id: number;
  name: string;
  description: string;
  color: string;
  scope: 'g' | 'p';
  project_id: number;
  creation_time: string;
  update_time: string;
}

/** Where the API serves an artifact's additions (build history, a chart's README, ...), by name. */
export type AdditionLinks = Record<string, { href: string; absolute: boolean }>;

export interface Artifact {
  id: number;
  type: string;
  media_type: string;
  manifest_media_type: string;
  artifact_type?: string;
  project_id: number;
  repository_id: number;
  repository_name?: string;
  digest: string;
  size: number;
  push_time: string;
  pull_time: string;
  /** The digest of the artifact's icon (GET /icons/{digest}). */
  icon?: string;
  extra_attrs?: Record<string, unknown>;
  annotations?: Record<string, string>;
  references?: Reference[];
  addition_links?: AdditionLinks;
  tags?: Tag[];
  labels?: Label[];
  accessories?: Accessory[];
}

export interface ProjectSummary {
  repo_count: number;
  project_admin_count?: number;
  maintainer_count?: number;
  developer_count?: number;
  guest_count?: number;
  limited_guest_count?: number;
  quota?: { hard: { storage: number }; used: { storage: number } };
}
