/** The shapes of Harbor's API answers that the console reads (fields as the API spells them). */

export interface Project {
  project_id: number;
  owner_id: number;
  name: string;
  creation_time: string;
  update_time: string;
  owner_name: string;
  togglable: boolean;
  current_user_role_id: number;
  current_user_role_ids: number[];
  repo_count: number;
  metadata: Record<string, string>;
}

export interface CurrentUser {
  user_id: number;
  username: string;
  email: string;
  realname: string;
  comment: string;
  sysadmin_flag: boolean;
  admin_role_in_auth: boolean;
  creation_time: string;
  update_time: string;
  oidc_user_meta?: OidcUserMeta;
}

/** Harbor's OIDCUserInfo: an OIDC user's record, with the CLI secret docker login takes as the password. */
export interface OidcUserMeta {
  id: number;
  user_id: number;
  subiss: string;
  secret: string;
  creation_time: string;
  update_time: string;
}

export interface Permission {
  resource: string;
  action: string;
}

export interface SystemInfo {
  harbor_version?: string;
  auth_mode?: string;
  registry_url?: string;
  external_url?: string;
  primary_auth_mode?: boolean;
  project_creation_restriction?: string;
  self_registration?: boolean;
  has_ca_root?: boolean;
  read_only?: boolean;
  with_notary?: boolean;
  notification_enable?: boolean;
  current_time?: string;
  storage_per_project?: string;
  registry_storage_provider_name?: string;
  banner_message?: string;
  /** The OIDC provider's name, in auth_mode oidc_auth. */
  oidc_provider_name?: string;
}

/** Harbor's role ids. */
export const ROLE = { projectAdmin: 1, developer: 2, guest: 3, maintainer: 4, limitedGuest: 5 } as const;
