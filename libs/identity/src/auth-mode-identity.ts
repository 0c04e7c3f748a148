import type { Principal } from '@wharf/auth';
import type { Sql } from '@wharf/db';
import { AuthBackendUnavailableError } from './auth-backend-error';
import { ExternalAuthenticator, IdentityStore } from './identity.store';
import { LdapAuthenticator, LdapSettings, ldapSettingsProblem } from './ldap';

/** The part of the settings that decides how users log in. */
export interface AuthModeSettings {
  /** `oidc_auth` checks passwords as `db_auth` does: OIDC users log in at their provider (or with a CLI secret, which core checks). */
  authMode: 'db_auth' | 'ldap_auth' | 'oidc_auth';
  ldap: LdapSettings;
}

/** Stands in for LDAP while its settings cannot work: non-local users get a 503 that says why. */
class MisconfiguredLdap implements ExternalAuthenticator {
  constructor(private readonly problem: string) {}

  authenticate(): Promise<never> {
    return Promise.reject(new AuthBackendUnavailableError('ldap', `LDAP is not configured: ${this.problem}`));
  }
}

/**
 * The identity store that follows the stored auth mode (core's API and token service and the
 * registry's basic-auth path all use it): in `db_auth` the database's users only;
 * in `ldap_auth` local users with a password (admin above all) still log in locally and everyone
 * else through LDAP. The LDAP-backed store is rebuilt whenever the LDAP settings change.
 */
export class AuthModeIdentityStore extends IdentityStore {
  private ldapStore: { key: string; store: IdentityStore } | undefined;

  constructor(
    private readonly db: Sql,
    private readonly prefix: string,
    private readonly settings: () => Promise<AuthModeSettings>,
    private readonly externalAcceptanceMs = 0,
  ) {
    super(db, { robotPrefix: prefix });
  }

  override async authenticate(login: string, password: string): Promise<Principal | undefined> {
    const { authMode, ldap } = await this.settings();
    if (authMode !== 'ldap_auth') return super.authenticate(login, password);
    return this.storeFor(ldap).authenticate(login, password);
  }

  private storeFor(ldap: LdapSettings): IdentityStore {
    const key = JSON.stringify(ldap);
    if (this.ldapStore?.key !== key) {
      const problem = ldapSettingsProblem(ldap);
      const external = problem ? new MisconfiguredLdap(problem) : new LdapAuthenticator(this.db, ldap);
      this.ldapStore = { key, store: new IdentityStore(this.db, { robotPrefix: this.prefix, external, passwords: this.passwords, externalAcceptanceMs: this.externalAcceptanceMs }) };
    }
    return this.ldapStore.store;
  }
}
