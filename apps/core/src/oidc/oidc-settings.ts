import type { SystemSettings } from '@wharf/identity';

/** Where the provider sends the browser back to: Harbor's callback path under the external URL. */
export const OIDC_CALLBACK_PATH = '/c/oidc/callback';

/** The OIDC part of the settings, parsed (Harbor's OIDCSetting). */
export interface OidcSettings {
  name: string;
  endpoint: string;
  clientId: string;
  clientSecret: string;
  groupsClaim: string;
  adminGroup: string;
  groupFilter: string;
  scopes: string[];
  userClaim: string;
  verifyCert: boolean;
  autoOnboard: boolean;
  extraRedirectParams: Record<string, string>;
  logout: boolean;
  redirectUrl: string;
}

function stringMap(value: string): Record<string, string> {
  try {
    const parsed = JSON.parse(value) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  } catch {
    return {};
  }
}

export function oidcSettingsOf(settings: SystemSettings, externalUrl: string): OidcSettings {
  const scopes = settings.oidc_scope
    .split(',')
    .map((scope) => scope.trim())
    .filter((scope) => scope !== '');
  return {
    name: settings.oidc_name,
    endpoint: settings.oidc_endpoint,
    clientId: settings.oidc_client_id,
    clientSecret: settings.oidc_client_secret,
    groupsClaim: settings.oidc_groups_claim,
    adminGroup: settings.oidc_admin_group,
    groupFilter: settings.oidc_group_filter,
    // No scope at all would get no ID token: openid is what an OIDC login needs.
    scopes: scopes.length > 0 ? scopes : ['openid'],
    userClaim: settings.oidc_user_claim,
    verifyCert: settings.oidc_verify_cert,
    autoOnboard: settings.oidc_auto_onboard,
    extraRedirectParams: stringMap(settings.oidc_extra_redirect_parms),
    logout: settings.oidc_logout,
    redirectUrl: `${externalUrl.replace(/\/+$/, '')}${OIDC_CALLBACK_PATH}`,
  };
}
