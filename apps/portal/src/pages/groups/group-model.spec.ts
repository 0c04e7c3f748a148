import { createGroupBody, GroupType, groupTypesFor, nameOfDirectoryGroup, renameGroupBody } from './group-model';

describe('user groups', () => {
  it('offers the type each authentication mode uses, HTTP and OIDC with the database', () => {
    expect(groupTypesFor('ldap_auth')).toEqual([GroupType.LDAP]);
    expect(groupTypesFor('http_auth')).toEqual([GroupType.HTTP]);
    expect(groupTypesFor('oidc_auth')).toEqual([GroupType.OIDC]);
    expect(groupTypesFor('db_auth')).toEqual([GroupType.HTTP, GroupType.OIDC]);
    expect(groupTypesFor(undefined)).toEqual([GroupType.HTTP, GroupType.OIDC]);
  });

  it('sends a DN only for an LDAP group, names and DNs trimmed', () => {
    expect(createGroupBody({ type: GroupType.LDAP, name: ' devs ', ldapGroupDn: ' cn=devs,ou=groups,dc=example,dc=com ' })).toEqual({
      group_name: 'devs',
      group_type: 1,
      ldap_group_dn: 'cn=devs,ou=groups,dc=example,dc=com',
    });
    expect(createGroupBody({ type: GroupType.OIDC, name: 'ops', ldapGroupDn: 'cn=ignored' })).toEqual({ group_name: 'ops', group_type: 3 });
    expect(createGroupBody({ type: GroupType.HTTP, name: 'qa' })).toEqual({ group_name: 'qa', group_type: 2 });
  });

  it('renames with the group’s own type', () => {
    expect(renameGroupBody({ id: 4, group_name: 'old', group_type: 2 }, ' new ')).toEqual({ group_name: 'new', group_type: 2 });
  });

  it('names a group picked from the directory by its name, else by its DN’s first value', () => {
    expect(nameOfDirectoryGroup({ group_name: 'Developers', ldap_group_dn: 'cn=devs,dc=example,dc=com' })).toBe('Developers');
    expect(nameOfDirectoryGroup({ group_name: ' ', ldap_group_dn: 'cn=devs,dc=example,dc=com' })).toBe('devs');
    expect(nameOfDirectoryGroup({ ldap_group_dn: 'devs' })).toBe('devs');
  });
});
