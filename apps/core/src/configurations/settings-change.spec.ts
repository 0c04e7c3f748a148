import type { SystemSettings } from '@wharf/identity';
import { loadConfig } from '../config';
import { HarborError } from '../http/harbor-error';
import { settingsChange } from './settings-change';
import { coreDefaultSettings } from './settings.service';

const DEFAULTS = coreDefaultSettings(loadConfig({}));
const LDAP = { ldap_url: 'ldap://ldap.example.com', ldap_base_dn: 'ou=people,dc=example,dc=com' };

function refusal(body: unknown, current: SystemSettings = DEFAULTS): string {
  try {
    settingsChange(body, current);
  } catch (err) {
    if (err instanceof HarborError && err.getStatus() === 400) return err.message;
    throw err;
  }
  throw new Error(`accepted ${JSON.stringify(body)}`);
}

describe('settingsChange', () => {
  it('returns only what changes', () => {
    expect(settingsChange({ token_expiration: 60, project_creation_restriction: 'everyone' }, DEFAULTS)).toEqual({ token_expiration: 60 });
    expect(settingsChange({}, DEFAULTS)).toEqual({});
    expect(settingsChange({ ...LDAP, ldap_scope: 1, ldap_verify_cert: false, ldap_search_password: 's3cret' }, DEFAULTS)).toEqual({
      ...LDAP,
      ldap_scope: 1,
      ldap_verify_cert: false,
      ldap_search_password: 's3cret',
    });
  });

  it('refuses what is not a JSON object', () => {
    for (const body of [null, [], 'x', 42, undefined]) expect(refusal(body)).toMatch(/JSON object/);
  });

  it('refuses unknown items, naming them', () => {
    expect(refusal({ token_expiration: 60, http_authproxy_endpoint: 'https://x' })).toBe('unknown configuration item "http_authproxy_endpoint"');
    expect(refusal({ __proto__: 1, constructor: 2 })).toMatch(/unknown configuration item/);
  });

  it.each([
    ['auth_mode must be a string', { auth_mode: 1 }],
    ['auth_mode must be one of db_auth, ldap_auth, oidc_auth', { auth_mode: 'http_auth' }],
    ['invalid OIDC settings for oidc_auth: oidc_endpoint is required', { auth_mode: 'oidc_auth' }],
    ['invalid OIDC settings for oidc_auth: oidc_client_id is required', { auth_mode: 'oidc_auth', oidc_endpoint: 'https://idp.example' }],
    ['oidc_group_filter must be a valid regular expression', { oidc_group_filter: '[' }],
    ['token_expiration must be an integer', { token_expiration: '30' }],
    ['token_expiration must be an integer', { token_expiration: 1.5 }],
    ['token_expiration must be between 1 and 525600 minutes', { token_expiration: 0 }],
    ['robot_token_duration must be between 1 and 99999 days', { robot_token_duration: -1 }],
    ['ldap_verify_cert must be a boolean', { ldap_verify_cert: 'false' }],
    ['ldap_scope must be one of 0, 1, 2', { ldap_scope: 3 }],
    ['ldap_url must be a string', { ldap_url: null }],
    ['ldap_url must be ldap[s]://host[:port]', { ldap_url: 'http://x' }],
    ['ldap_uid must be an attribute name', { ldap_uid: 'u id' }],
    ['ldap_filter must be at most 2048 characters long', { ldap_filter: 'x'.repeat(3000) }],
    ['project_creation_restriction must be one of everyone, adminonly', { project_creation_restriction: 'nobody' }],
  ])('refuses: %s', (message, body) => {
    expect(refusal(body)).toBe(message);
  });

  it('shows read-only items but refuses to change them; sending their value back is fine', () => {
    expect(refusal({ robot_name_prefix: 'bot_' })).toMatch(/robot_name_prefix cannot be changed: .*ROBOT_NAME_PREFIX/);
    expect(refusal({ self_registration: true })).toMatch(/self_registration cannot be changed/);
    expect(settingsChange({ robot_name_prefix: 'robot$', self_registration: false, token_expiration: 5 }, DEFAULTS)).toEqual({ token_expiration: 5 });
  });

  it('needs LDAP settings that can work to switch to ldap_auth, and keeps them working there', () => {
    expect(refusal({ auth_mode: 'ldap_auth' })).toBe('invalid LDAP settings for ldap_auth: ldap_url is required');
    expect(refusal({ auth_mode: 'ldap_auth', ldap_url: 'ldap://x' })).toBe('invalid LDAP settings for ldap_auth: ldap_base_dn is required');
    expect(settingsChange({ auth_mode: 'ldap_auth', ...LDAP }, DEFAULTS)).toEqual({ auth_mode: 'ldap_auth', ...LDAP });
    const ldapMode: SystemSettings = { ...DEFAULTS, auth_mode: 'ldap_auth', ...LDAP };
    expect(refusal({ ldap_base_dn: '' }, ldapMode)).toBe('invalid LDAP settings for ldap_auth: ldap_base_dn is required');
    // Outside LDAP mode a partial configuration may be kept.
    expect(settingsChange({ ldap_url: '' }, { ...DEFAULTS, ...LDAP })).toEqual({ ldap_url: '' });
  });

  it('takes the audit log items: an endpoint host:port, known event types in any case; skipping the database only with an endpoint', () => {
    expect(settingsChange({ audit_log_forward_endpoint: 'syslog.example:514', disabled_audit_log_event_types: 'Create_User, pull_artifact' }, DEFAULTS)).toEqual({
      audit_log_forward_endpoint: 'syslog.example:514',
      disabled_audit_log_event_types: 'Create_User, pull_artifact',
    });
    expect(settingsChange({ audit_log_forward_endpoint: 'udp://127.0.0.1:1514', skip_audit_log_database: true }, DEFAULTS)).toEqual({
      audit_log_forward_endpoint: 'udp://127.0.0.1:1514',
      skip_audit_log_database: true,
    });
    expect(refusal({ disabled_audit_log_event_types: 'create_user,eat_cake' })).toMatch(/unknown event types eat_cake/);
    expect(refusal({ audit_log_forward_endpoint: 'syslog.example' })).toMatch(/host:port/);
    expect(refusal({ skip_audit_log_database: true })).toBe('audit log forward endpoint should be configured before enable skip audit log in database');
    const skipping = { ...DEFAULTS, audit_log_forward_endpoint: 'h:514', skip_audit_log_database: true };
    expect(refusal({ audit_log_forward_endpoint: '' }, skipping)).toMatch(/forward endpoint should be configured/);
    expect(settingsChange({ audit_log_forward_endpoint: '', skip_audit_log_database: false }, skipping)).toEqual({ audit_log_forward_endpoint: '', skip_audit_log_database: false });
  });
});
