import { bool, dateTime, int, type Models, modelRef, object, str } from '../openapi/schema';

/** Response models of /users (UserResp with an OIDC user's record, its search item, a permission of the caller). */
export const USER_MODELS: Models = {
  UserResp: object(
    {
      user_id: int,
      username: str,
      email: str,
      realname: str,
      comment: str,
      sysadmin_flag: bool,
      admin_role_in_auth: bool,
      oidc_user_meta: modelRef('OIDCUserInfo'),
      creation_time: dateTime,
      update_time: dateTime,
    },
    // Only for users onboarded through OIDC.
    ['oidc_user_meta'],
  ),
  OIDCUserInfo: object({ id: int, user_id: int, subiss: str, secret: str, creation_time: dateTime, update_time: dateTime }),
  UserSearchRespItem: object({ user_id: int, username: str }),
  Permission: object({ resource: str, action: str }),
};
