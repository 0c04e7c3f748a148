import type { OidcUserInfoView } from '../oidc/oidc-users.service';
import type { UserRecord } from './user.repository';

/** Harbor's UserResp (no password material, ever). */
export interface UserResp {
  user_id: number;
  username: string;
  email: string;
  realname: string;
  comment: string;
  sysadmin_flag: boolean;
  admin_role_in_auth: boolean;
  /** OIDC users' record (with their CLI secret), in auth_mode oidc_auth. */
  oidc_user_meta?: OidcUserInfoView;
  creation_time: string;
  update_time: string;
}

export function userResp(user: UserRecord): UserResp {
  return {
    user_id: user.id,
    username: user.username,
    email: user.email ?? '',
    realname: user.realname,
    comment: user.comment,
    sysadmin_flag: user.sysadmin,
    admin_role_in_auth: false,
    creation_time: user.created_at.toISOString(),
    update_time: user.updated_at.toISOString(),
  };
}

/** Harbor's UserSearchRespItem. */
export function userSearchItem(user: UserRecord): { user_id: number; username: string } {
  return { user_id: user.id, username: user.username };
}
