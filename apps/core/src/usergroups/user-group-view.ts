/** Harbor's UserGroup as the API answers it (an empty DN is left out, as Harbor's omitempty does). */
export interface UserGroupView {
  id: number;
  group_name: string;
  group_type: number;
  ldap_group_dn?: string;
}

/** Harbor's UserGroupSearchItem: what any signed-in user may learn about a group. */
export interface UserGroupSearchItem {
  id: number;
  group_name: string;
  group_type: number;
}

export interface UserGroupRow {
  id: number;
  group_name: string;
  group_type: number;
  ldap_dn: string | null;
}

export function userGroupView(row: UserGroupRow): UserGroupView {
  const view: UserGroupView = { id: row.id, group_name: row.group_name, group_type: row.group_type };
  if (row.ldap_dn) view.ldap_group_dn = row.ldap_dn;
  return view;
}

export function userGroupSearchItem(row: UserGroupRow): UserGroupSearchItem {
  return { id: row.id, group_name: row.group_name, group_type: row.group_type };
}
