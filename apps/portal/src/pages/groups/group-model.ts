/** Harbor's UserGroup as GET /usergroups lists it. */
export interface UserGroup {
  id: number;
  group_name: string;
  /** 1 LDAP, 2 HTTP, 3 OIDC. */
  group_type: number;
  ldap_group_dn?: string;
}

/** The query key of the group list, for what changes it. */
export const GROUPS_KEY = ['usergroups'] as const;

/** Harbor's group types. */
export const GroupType = { LDAP: 1, HTTP: 2, OIDC: 3 } as const;
export type GroupTypeId = (typeof GroupType)[keyof typeof GroupType];

/**
 * The types a new group may have under an authentication mode. As Harbor's portal: LDAP groups
 * from the directory in LDAP mode, HTTP groups with HTTP authentication, OIDC groups with OIDC.
 * With the database (which has no groups of its own) the API still takes HTTP and OIDC groups,
 * for an installation that is about to switch; both are offered, LDAP is not (there is no
 * directory to find it in).
 */
export function groupTypesFor(authMode: string | undefined): GroupTypeId[] {
  switch (authMode) {
    case 'ldap_auth':
      return [GroupType.LDAP];
    case 'http_auth':
      return [GroupType.HTTP];
    case 'oidc_auth':
      return [GroupType.OIDC];
    default:
      return [GroupType.HTTP, GroupType.OIDC];
  }
}

/** The body of POST /usergroups: a name, and for an LDAP group its DN in the directory. */
export function createGroupBody(input: { type: GroupTypeId; name: string; ldapGroupDn?: string }): { group_name: string; group_type: GroupTypeId; ldap_group_dn?: string } {
  const body: { group_name: string; group_type: GroupTypeId; ldap_group_dn?: string } = { group_name: input.name.trim(), group_type: input.type };
  if (input.type === GroupType.LDAP) body.ldap_group_dn = (input.ldapGroupDn ?? '').trim();
  return body;
}

/** The body of PUT /usergroups/{id}: only the name changes (the API ignores the rest). */
export function renameGroupBody(group: UserGroup, name: string): { group_name: string; group_type: number } {
  return { group_name: name.trim(), group_type: group.group_type };
}

/** The name a group picked from the directory suggests: its own name, else the DN's first value. */
export function nameOfDirectoryGroup(group: { group_name?: string; ldap_group_dn: string }): string {
  if (group.group_name?.trim()) return group.group_name.trim();
  const first = group.ldap_group_dn.split(',')[0] ?? '';
  const eq = first.indexOf('=');
  return (eq >= 0 ? first.slice(eq + 1) : first).trim();
}
