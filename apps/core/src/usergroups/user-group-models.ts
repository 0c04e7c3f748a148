import { int, type Models, object, str } from '../openapi/schema';

/** A group as stored (with its id) or as found in LDAP (without one); the DN only when it has one. */
export const USER_GROUP_MODELS: Models = {
  UserGroup: object({ id: int, group_name: str, group_type: int, ldap_group_dn: str }, ['id', 'ldap_group_dn']),
  UserGroupSearchItem: object({ id: int, group_name: str, group_type: int }),
};
