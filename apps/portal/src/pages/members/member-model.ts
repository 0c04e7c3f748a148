/** Harbor's ProjectMemberEntity as GET /projects/{id}/members returns it. */
export interface ProjectMember {
  id: number;
  project_id: number;
  entity_name: string;
  role_name: string;
  role_id: number;
  entity_id: number;
  /** `u` a user, `g` a group. */
  entity_type: 'u' | 'g';
}

/** Role ids from the strongest down, as the role pickers list them. */
export const ROLE_ORDER = [1, 4, 2, 3, 5] as const;

/** The body of POST /projects/{id}/members for a user (by name) or a group (by LDAP DN or by name). */
export function memberRequest(
  input: { kind: 'user'; username: string; roleId: number } | { kind: 'group'; groupName: string; ldapGroupDn?: string; roleId: number },
): { role_id: number; member_user?: { username: string }; member_group?: { group_name?: string; ldap_group_dn?: string } } {
  if (input.kind === 'user') return { role_id: input.roleId, member_user: { username: input.username.trim() } };
  const dn = input.ldapGroupDn?.trim();
  const name = input.groupName.trim();
  return { role_id: input.roleId, member_group: { ...(name ? { group_name: name } : {}), ...(dn ? { ldap_group_dn: dn } : {}) } };
}
