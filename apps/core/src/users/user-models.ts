import { bool, dateTime, int, type Models, object, str } from '../openapi/schema';

/** Response models of /users (UserResp, its search item, a permission of the caller). */
export const USER_MODELS: Models = {
  UserResp: object({
    user_id: int,
    username: str,
    email: str,
    realname: str,
    comment: str,
    sysadmin_flag: bool,
    admin_role_in_auth: bool,
    creation_time: dateTime,
    update_time: dateTime,
  }),
  UserSearchRespItem: object({ user_id: int, username: str }),
  Permission: object({ resource: str, action: str }),
};
