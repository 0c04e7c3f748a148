import { isSettingKey, LdapSettings, ldapSettingsOf, ldapSettingsProblem, SETTING_SPECS, type SettingKey, settingValueProblem, type SystemSettings } from '@wharf/identity';
import { badRequest } from '../http/harbor-error';

/** Where each item that the API shows but does not change gets its value from. */
const FIXED_BY: Partial<Record<SettingKey, string>> = {
  robot_name_prefix: 'it is set by the ROBOT_NAME_PREFIX environment variable',
  self_registration: 'self-registration is not supported',
};

const isLdapKey = (key: string) => key.startsWith('ldap_');

/**
 * Checks one LDAP item on its own, whatever the rest holds: a partial configuration may be
 * stored while another auth mode is in force, but each value must already make sense.
 */
function ldapItemProblem(key: SettingKey, value: unknown): string | undefined {
  // Emptying the URL or the base DN is allowed on its own; only LDAP mode needs them.
  if ((key === 'ldap_url' || key === 'ldap_base_dn') && value === '') return undefined;
  const probe: LdapSettings = { ldap_url: 'ldap://placeholder', ldap_base_dn: 'dc=placeholder', [key]: value };
  return ldapSettingsProblem(probe);
}

/**
 * What a PUT /configurations body changes, given the settings now in force; throws a 400 that
 * names the first problem. Items whose value stays the same are left out, so that a client
 * sending the whole form back changes (and is refused for) only what it changed.
 */
export function settingsChange(body: unknown, current: SystemSettings): Partial<SystemSettings> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('the request body must be a JSON object of configuration items');
  const change: Partial<Record<SettingKey, unknown>> = {};
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (!isSettingKey(key)) throw badRequest(`unknown configuration item ${JSON.stringify(key)}`);
    const problem = settingValueProblem(key, value);
    if (problem) throw badRequest(problem);
    if (value === current[key]) continue;
    if (!SETTING_SPECS[key].editable) throw badRequest(`${key} cannot be changed: ${FIXED_BY[key] ?? 'it is read-only'}`);
    if (isLdapKey(key)) {
      const ldapProblem = ldapItemProblem(key, value);
      if (ldapProblem) throw badRequest(ldapProblem);
    }
    change[key] = value;
  }
  const next = { ...current, ...change } as SystemSettings;
  // LDAP mode needs a configuration that can work: checked when it is switched on or changed.
  const touchesLdap = Object.keys(change).some((key) => key === 'auth_mode' || isLdapKey(key));
  if (next.auth_mode === 'ldap_auth' && touchesLdap) {
    const problem = ldapSettingsProblem(ldapSettingsOf(next));
    if (problem) throw badRequest(`invalid LDAP settings for ldap_auth: ${problem}`);
  }
  const touchesOidc = Object.keys(change).some((key) => key === 'auth_mode' || key.startsWith('oidc_'));
  if (next.auth_mode === 'oidc_auth' && touchesOidc) {
    const problem = oidcSettingsProblem(next);
    if (problem) throw badRequest(`invalid OIDC settings for oidc_auth: ${problem}`);
  }
  // Harbor's rule: rows may only be kept out of the database when they go somewhere else.
  const touchesAudit = 'skip_audit_log_database' in change || 'audit_log_forward_endpoint' in change;
  if (touchesAudit && next.skip_audit_log_database && next.audit_log_forward_endpoint.trim() === '') {
    throw badRequest('audit log forward endpoint should be configured before enable skip audit log in database');
  }
  return change as Partial<SystemSettings>;
}

/** What OIDC mode cannot work without; a partial configuration may be stored in other modes. */
function oidcSettingsProblem(settings: SystemSettings): string | undefined {
  if (settings.oidc_endpoint === '') return 'oidc_endpoint is required';
  if (settings.oidc_client_id === '') return 'oidc_client_id is required';
  const scopes = settings.oidc_scope.split(',').map((scope) => scope.trim());
  if (settings.oidc_scope !== '' && !scopes.includes('openid')) return 'oidc_scope must include openid';
  return undefined;
}
