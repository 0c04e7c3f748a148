import { Inject, Injectable } from '@nestjs/common';
import type { Access } from '@wharf/auth';
import type { Sql } from '@wharf/db';
import { requireAuthenticated, requireSystemAccess } from '../auth/authorize';
import { SettingsService } from '../configurations/settings.service';
import { badRequest, conflict, notFound } from '../http/harbor-error';
import type { Paging } from '../http/paging';
import { isUniqueViolation } from '../infra/pg-errors';
import { SQL } from '../infra/tokens';
import { LdapService } from '../ldap/ldap.service';
import type { UserGroupDto } from '../members/dto/project-member.dto';
import { UserGroupFilter, UserGroupStore } from './user-group.store';
import { UserGroupSearchItem, userGroupSearchItem, UserGroupView, userGroupView } from './user-group-view';

/** Harbor's group types. */
const LDAP_GROUP = 1;
const HTTP_GROUP = 2;
const GROUP_TYPES = [LDAP_GROUP, HTTP_GROUP, 3];
/** The sizes of Harbor's user_group columns. */
const MAX_NAME_LENGTH = 255;
const MAX_DN_LENGTH = 512;

/** The system resource of Harbor's RBAC that guards the group API. */
const RESOURCE = 'user-group';

export interface UserGroupListParams {
  groupName?: string;
  ldapGroupDn?: string;
  paging: Paging;
}

function checkName(name: string | undefined): string {
  if (!name) throw badRequest('the user group name is required');
  if (name.length > MAX_NAME_LENGTH) throw badRequest(`the user group name is longer than ${MAX_NAME_LENGTH} characters`);
  return name;
}

/**
 * Harbor's /usergroups API. Groups are managed by those with the system's user-group permission
 * (system administrators, robots granted it); any signed-in user may search them by name, to
 * pick one as a project member. Harbor writes no audit records for groups, and neither does this.
 */
@Injectable()
export class UserGroupsService {
  constructor(
    @Inject(SQL) private readonly sql: Sql,
    private readonly groups: UserGroupStore,
    private readonly settings: SettingsService,
    private readonly ldap: LdapService,
  ) {}

  /** In LDAP mode only LDAP groups are listed (and may be picked by DN), as in Harbor. */
  async list(access: Access, params: UserGroupListParams): Promise<{ total: number; items: UserGroupView[] }> {
    requireSystemAccess(access, RESOURCE, 'list');
    const filter: UserGroupFilter = { nameContains: params.groupName || undefined };
    if ((await this.settings.current()).auth_mode === 'ldap_auth') {
      filter.groupType = LDAP_GROUP;
      if (params.ldapGroupDn) filter.ldapDn = params.ldapGroupDn.trim();
    }
    const { total, rows } = await this.groups.list(filter, params.paging);
    return { total, items: rows.map(userGroupView) };
  }

  async search(access: Access, groupName: string | undefined, paging: Paging): Promise<{ total: number; items: UserGroupSearchItem[] }> {
    requireAuthenticated(access);
    if (!groupName) throw badRequest('need to provide groupname to search user group');
    const { total, rows } = await this.groups.search(groupName, paging);
    return { total, items: rows.map(userGroupSearchItem) };
  }

  async get(access: Access, id: number): Promise<UserGroupView> {
    requireSystemAccess(access, RESOURCE, 'read');
    const row = await this.groups.get(id);
    if (!row) throw notFound(`the user group with id ${id} is not found`);
    return userGroupView(row);
  }

  /**
   * An LDAP group must be a group of the configured directory (so only in LDAP mode); its DN is
   * kept trimmed and in lower case, its name as given, as Harbor does. HTTP and OIDC groups are
   * names only.
   */
  async create(access: Access, body: UserGroupDto): Promise<number> {
    requireSystemAccess(access, RESOURCE, 'create');
    const name = checkName(body.group_name);
    const type = body.group_type;
    if (type === undefined || !GROUP_TYPES.includes(type)) throw badRequest(`invalid user group type: ${type ?? 'none'} (1 for LDAP, 2 for HTTP, 3 for OIDC)`);
    const ldapDn = type === LDAP_GROUP ? await this.directoryGroupDn(body.ldap_group_dn ?? '') : null;
    const duplicate = () => conflict(`duplicate user group, group name:${name}, group type: ${type}, ldap group DN: ${ldapDn ?? ''}`);
    try {
      return await this.sql.transaction(async (tx) => {
        await this.groups.lockForCreate(tx);
        const taken = await this.groups.nameTaken(tx, name, type);
        if (taken === 'same-type') throw duplicate();
        if (taken === 'http') throw conflict('duplicated user group name');
        return this.groups.insert(tx, { name, type, ldapDn });
      });
    } catch (err) {
      // Another group already has this DN.
      if (isUniqueViolation(err)) throw duplicate();
      throw err;
    }
  }

  /** Only the name changes (Harbor ignores the other fields). */
  async update(access: Access, id: number, body: UserGroupDto): Promise<void> {
    requireSystemAccess(access, RESOURCE, 'update');
    const name = checkName(body.group_name);
    let renamed: boolean;
    try {
      renamed = await this.groups.rename(id, name);
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('duplicated user group name');
      throw err;
    }
    if (!renamed) throw notFound(`the user group with id ${id} is not found`);
  }

  /** Its project memberships go with it. Deleting a group that does not exist succeeds, as in Harbor. */
  async delete(access: Access, id: number): Promise<void> {
    requireSystemAccess(access, RESOURCE, 'delete');
    await this.groups.delete(id);
  }

  /** The DN as stored, once the directory has confirmed it names a group there. */
  private async directoryGroupDn(given: string): Promise<string> {
    const dn = given.trim();
    const notInDirectory = () => badRequest(`LDAP Group DN is not found: DN:${dn}`);
    if (dn === '' || dn.length > MAX_DN_LENGTH) throw notInDirectory();
    // Outside LDAP mode there is no directory to find the group in.
    if ((await this.settings.current()).auth_mode !== 'ldap_auth') throw notInDirectory();
    const directory = await this.ldap.directory();
    const group = await this.ldap.reading(() => directory.groupByDn(dn));
    if (!group) throw notInDirectory();
    return dn.toLowerCase();
  }
}
