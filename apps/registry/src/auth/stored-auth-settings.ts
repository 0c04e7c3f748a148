import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Sql } from '@wharf/db/plain';
import { type AuthMode, defaultSettings, LDAP_KEYS, type LdapKey, type LdapSettings, ldapSettingsOf, StoredSettings, type SystemSettings } from '@wharf/identity';
import { DatabaseUnavailableError } from '@wharf/outage';
import type { RegistryConfig } from '../config';
import { CONFIG, SQL } from '../infra/tokens';

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

type AuthKey = 'auth_mode' | LdapKey;
const AUTH_KEYS: readonly AuthKey[] = ['auth_mode', ...LDAP_KEYS];

export function authSettingsOf(settings: Pick<SystemSettings, AuthKey>): AuthSettings {
  return { authMode: settings.auth_mode, ldap: ldapSettingsOf(settings) };
}

/**
 * The auth mode and LDAP settings from core's `setting` table, read as core reads them (AUTH_MODE
 * when no mode is stored, Harbor's defaults for absent LDAP items, rows that do not fit ignored).
 */
@Injectable()
export class StoredAuthSettings {
  private readonly logger = new Logger('registry');
  private readonly stored: StoredSettings<AuthKey>;

  constructor(
    @Inject(SQL) sql: Sql,
    @Inject(CONFIG) config: RegistryConfig,
  ) {
    const fallback = (config.auth.mode === 'token' && config.auth.authMode) || 'db_auth';
    this.stored = new StoredSettings(sql, {
      keys: AUTH_KEYS,
      ttlMs: AUTH_SETTINGS_CACHE_MS,
      defaults: defaultSettings({ auth_mode: fallback }),
      // A database outage fails the request that asked, and the outage log reports it.
      onError: (err) => {
        if (!(err instanceof DatabaseUnavailableError)) this.logger.warn(`failed to read the auth settings: ${(err as Error).message}`);
      },
    });
  }

  async current(): Promise<AuthSettings> {
    return authSettingsOf(await this.stored.current());
  }
}
