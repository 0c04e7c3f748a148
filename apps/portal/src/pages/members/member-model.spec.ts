import { memberRequest, ROLE_ORDER } from './member-model';

describe('memberRequest', () => {
  it('adds a user by name, trimmed', () => {
    expect(memberRequest({ kind: 'user', username: ' alice ', roleId: 2 })).toEqual({ role_id: 2, member_user: { username: 'alice' } });
  });

  it('adds a group by LDAP DN (with its name) or by name alone', () => {
    expect(memberRequest({ kind: 'group', groupName: 'devs', ldapGroupDn: ' cn=devs,dc=example,dc=com ', roleId: 3 })).toEqual({
      role_id: 3,
      member_group: { group_name: 'devs', ldap_group_dn: 'cn=devs,dc=example,dc=com' },
    });
    expect(memberRequest({ kind: 'group', groupName: 'ops', ldapGroupDn: '  ', roleId: 4 })).toEqual({ role_id: 4, member_group: { group_name: 'ops' } });
  });

  it('lists every role once', () => {
    expect([...ROLE_ORDER].sort()).toEqual([1, 2, 3, 4, 5]);
  });
});
