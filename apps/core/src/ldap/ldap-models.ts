import { bool, type Models, object, str } from '../openapi/schema';

/** LDAP's answers; a group found in LDAP is a UserGroup without id (see usergroups). */
export const LDAP_MODELS: Models = {
  LdapPingResult: object({ success: bool, message: str }),
  LdapUser: object({ username: str, realname: str, email: str }),
};
