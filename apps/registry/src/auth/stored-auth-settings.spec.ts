import { authSettingsOf } from './stored-auth-settings';

describe('authSettingsOf', () => {
  it('falls back to the configured mode and leaves LDAP unconfigured without rows', () => {
    expect(authSettingsOf([], 'db_auth')).toEqual({ authMode: 'db_auth', ldap: { ldap_url: '', ldap_base_dn: '' } });
    expect(authSettingsOf([], 'ldap_auth').authMode).toBe('ldap_auth');
  });

  it('takes the stored auth mode and LDAP items of the right types, and nothing else', () => {
    const rows = [
      { key: 'auth_mode', value: 'ldap_auth' },
      { key: 'ldap_url', value: 'ldap://ldap.example.com' },
      { key: 'ldap_base_dn', value: 'dc=example,dc=com' },
      { key: 'ldap_scope', value: 1 },
      { key: 'ldap_verify_cert', value: false },
      { key: 'ldap_timeout', value: '9' },
      { key: 'token_expiration', value: 5 },
    ];
    expect(authSettingsOf(rows, 'db_auth')).toEqual({
      authMode: 'ldap_auth',
      ldap: { ldap_url: 'ldap://ldap.example.com', ldap_base_dn: 'dc=example,dc=com', ldap_scope: 1, ldap_verify_cert: false },
    });
    expect(authSettingsOf([{ key: 'auth_mode', value: 'oidc_auth' }], 'db_auth').authMode).toBe('db_auth');
  });
});
