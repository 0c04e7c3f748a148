import { defaultSettings, settingsOfRows } from '@wharf/identity';
import { authSettingsOf } from './stored-auth-settings';

const read = (rows: { key: string; value: unknown }[], authMode: 'db_auth' | 'ldap_auth') => authSettingsOf(settingsOfRows(rows, defaultSettings({ auth_mode: authMode })));

describe('authSettingsOf', () => {
  it('falls back to the configured mode and Harbor\'s LDAP defaults without rows', () => {
    const settings = read([], 'db_auth');
    expect(settings.authMode).toBe('db_auth');
    expect(settings.ldap).toMatchObject({ ldap_url: '', ldap_base_dn: '', ldap_uid: 'cn', ldap_scope: 2, ldap_verify_cert: true });
    expect(read([], 'ldap_auth').authMode).toBe('ldap_auth');
  });

  it('takes the stored auth mode and LDAP items that fit, and nothing else', () => {
    const rows = [
      { key: 'auth_mode', value: 'ldap_auth' },
      { key: 'ldap_url', value: 'ldap://ldap.example.com' },
      { key: 'ldap_base_dn', value: 'dc=example,dc=com' },
      { key: 'ldap_scope', value: 1 },
      { key: 'ldap_verify_cert', value: false },
      { key: 'ldap_timeout', value: '9' },
      { key: 'ldap_group_search_scope', value: 7 },
      { key: 'token_expiration', value: 5 },
    ];
    const settings = read(rows, 'db_auth');
    expect(settings.authMode).toBe('ldap_auth');
    expect(settings.ldap).toMatchObject({ ldap_url: 'ldap://ldap.example.com', ldap_base_dn: 'dc=example,dc=com', ldap_scope: 1, ldap_verify_cert: false, ldap_timeout: 5, ldap_group_search_scope: 2 });
    expect(read([{ key: 'auth_mode', value: 'kerberos' }], 'db_auth').authMode).toBe('db_auth');
  });
});
