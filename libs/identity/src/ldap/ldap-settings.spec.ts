import { ldapSettingsProblem, LdapSettings, normalizeLdapUrl, resolveLdapSettings } from './ldap-settings';

const minimal: LdapSettings = { ldap_url: 'ldap://ldap.example.com', ldap_base_dn: 'dc=example,dc=com' };

describe('LDAP settings', () => {
  it.each([
    ['ldap://ldap.example.com', 'ldap://ldap.example.com'],
    ['ldaps://ldap.example.com:1636/', 'ldaps://ldap.example.com:1636'],
    ['ldap.example.com', 'ldap://ldap.example.com'],
    ['ldap.example.com:389', 'ldap://ldap.example.com:389'],
    ['ldap.example.com:636', 'ldaps://ldap.example.com:636'],
  ])('reads the URL %s as %s', (url, expected) => {
    expect(normalizeLdapUrl(url)).toBe(expected);
  });

  it('applies Harbor’s defaults', () => {
    expect(resolveLdapSettings(minimal)).toEqual({
      url: 'ldap://ldap.example.com',
      searchDn: '',
      searchPassword: '',
      baseDn: 'dc=example,dc=com',
      filter: '',
      uid: 'cn',
      scope: 'sub',
      timeoutMs: 5000,
      verifyCert: true,
      groupBaseDn: 'dc=example,dc=com',
      groupFilter: '',
      groupNameAttribute: 'cn',
      membershipAttribute: 'memberof',
      groupScope: 'sub',
      adminGroupDn: '',
    });
  });

  it('maps the numeric scopes', () => {
    expect(resolveLdapSettings({ ...minimal, ldap_scope: 0, ldap_group_search_scope: 1 })).toMatchObject({ scope: 'base', groupScope: 'one' });
  });

  it.each<[string, Partial<LdapSettings>, RegExp]>([
    ['no URL', { ldap_url: '' }, /ldap_url/],
    ['a URL with a path', { ldap_url: 'ldap://host/dc=x' }, /ldap_url/],
    ['an http URL', { ldap_url: 'http://host' }, /ldap_url/],
    ['no base DN', { ldap_base_dn: ' ' }, /ldap_base_dn/],
    ['scope 3', { ldap_scope: 3 as 2 }, /ldap_scope/],
    ['group scope -1', { ldap_group_search_scope: -1 as 0 }, /ldap_group_search_scope/],
    ['timeout 0', { ldap_timeout: 0 }, /ldap_timeout/],
    ['an injected uid attribute', { ldap_uid: 'uid)(x=*' }, /ldap_uid/],
  ])('refuses %s', (_label, change, reason) => {
    expect(ldapSettingsProblem({ ...minimal, ...change })).toMatch(reason);
    expect(() => resolveLdapSettings({ ...minimal, ...change })).toThrow(reason);
  });
});
