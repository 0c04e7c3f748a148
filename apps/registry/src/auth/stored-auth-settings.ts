import { Inject, Injectable, Logger } from '@nestjs/common';
import { RecentRead, type Sql } from '@wharf/db/plain';
import type { LdapSettings } from '@wharf/identity';
import { DatabaseUnavailableError } from '@wharf/outage';
import type { RegistryConfig } from '../config';
import { CONFIG, SQL } from '../infra/tokens';

export type AuthMode = 'db_auth' | 'ldap_auth';

/** The part of core's stored settings that decides how basic credentials are checked. */
export interface AuthSettings {
  authMode: AuthMode;
  ldap: LdapSettings;
}

/**
 * How long the registry keeps what it read. Core writes the settings (PUT /configurations); a
 * change reaches the registry within this time. Directory logins already accepted are taken again
 * for DIRECTORY_ACCEPTANCE_MS (auth.providers.ts) on top of it.
 */
export const AUTH_SETTINGS_CACHE_MS = 3_000;

const LDAP_TYPES: Readonly<Record<string, 'string' | 'number' | 'boolean'>> = {
  ldap_url: 'string',
  ldap_search_dn: 'string',
  ldap_search_password: 'string',
  ldap_base_dn: 'string',
  ldap_filter: 'string',
  ldap_uid: 'string',
  ldap_scope: 'number',
  ldap_timeout: 'number',
  ldap_verify_cert: 'boolean',
  ldap_group_base_dn: 'string',
  ldap_group_search_filter: 'string',
  ldap_group_attribute_name: 'string',
  ldap_group_search_scope: 'number',
  ldap_group_admin_dn: 'string',
  ldap_group_membership_attribute: 'string',
};

/**
 * The auth mode and LDAP settings from core's `setting` table (Harbor's configuration names;
 * values as core's /configurations API validated them), AUTH_MODE when none is stored. Absent
 * LDAP items take Harbor's defaults in @wharf/identity, as they do in core.
 */
export function authSettingsOf(rows: ReadonlyArray<{ key: string; value: unknown }>, fallback: AuthMode): AuthSettings {
  let authMode = fallback;
  const ldap: Record<string, unknown> = { ldap_url: '', ldap_base_dn: '' };
  for (const { key, value } of rows) {
    if (key === 'auth_mode' && (value === 'db_auth' || value === 'ldap_auth')) authMode = value;
    else if (LDAP_TYPES[key] !== undefined && typeof value === LDAP_TYPES[key]) ldap[key] = value;
  }
  return { authMode, ldap: ldap as unknown as LdapSettings };
}

@Injectable()
export class StoredAuthSettings {
  private readonly logger = new Logger('registry');
  private readonly recent: RecentRead<AuthSettings>;

  constructor(
    @Inject(SQL) sql: Sql,
    @Inject(CONFIG) config: RegistryConfig,
  ) {
    const fallback = (config.auth.mode === 'token' && config.auth.authMode) || 'db_auth';
    this.recent = new RecentRead(
      AUTH_SETTINGS_CACHE_MS,
      async () =>
        authSettingsOf(
          await sql.query<{ key: string; value: unknown }>("SELECT key, value FROM setting WHERE key = 'auth_mode' OR key LIKE 'ldap\\_%'", [], 'registry_auth_settings'),
          fallback,
        ),
      // A database outage fails the request that asked, and the outage log reports it.
      (err) => {
        if (!(err instanceof DatabaseUnavailableError)) this.logger.warn(`failed to read the auth settings: ${(err as Error).message}`);
      },
    );
  }

  current(): Promise<AuthSettings> {
    return this.recent.get();
  }
}
