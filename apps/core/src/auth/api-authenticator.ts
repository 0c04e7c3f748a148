import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { Principal } from '@wharf/auth';
import { AuthBackendUnavailableError, IdentityStore, LoginThrottle } from '@wharf/identity';
import { HarborError, unauthorized } from '../http/harbor-error';
import { IDENTITY, LOGIN_THROTTLE } from '../infra/tokens';
import { OidcAuthentication } from '../oidc/oidc-authentication';

/** Where credentials were presented, which decides what they may be. */
export interface CredentialOptions {
  /** An OIDC user's CLI secret counts as a password here (see cliSecretAccepted). */
  cliSecret?: boolean;
}

/**
 * Checks a name and password (a user's, a robot's, or in auth_mode oidc_auth an OIDC user's CLI
 * secret where one is allowed) behind the login throttle: for the passport strategies of Basic
 * credentials (passport/strategies.ts), the token service's form and the console's login.
 */
@Injectable()
export class ApiAuthenticator {
  private readonly logger = new Logger('auth');

  constructor(
    @Inject(IDENTITY) private readonly identity: IdentityStore,
    @Inject(LOGIN_THROTTLE) private readonly throttle: LoginThrottle,
    @Optional() private readonly oidc?: OidcAuthentication,
  ) {}

  /**
   * Checks a user name (or robot name) and password from `address`, behind the login throttle:
   * the principal, or 401 (wrong, or locked: the message says which), or 503 (directory down).
   */
  async login(username: string, password: string, address: string, options: CredentialOptions = {}): Promise<Principal> {
    if (await this.throttle.locked(username, address)) {
      // Refused without checking, so guessing gains nothing while locked.
      this.logger.warn(`refused login while locked: user=${JSON.stringify(username)} address=${address}`);
      throw unauthorized('too many failed attempts; try again later');
    }
    const principal = await this.checkCredentials(username, password, options);
    if (!principal) {
      await this.throttle.failed(username, address);
      this.logger.log(`failed to authenticate: user=${JSON.stringify(username)} address=${address}`);
      throw unauthorized('invalid username or password');
    }
    await this.throttle.succeeded(username, address);
    return principal;
  }

  /**
   * An unreachable directory is an outage (503), not a wrong password: it must neither answer
   * 401 nor count towards the throttle, or users retyping correct passwords would lock themselves out.
   */
  private async checkCredentials(username: string, password: string, options: CredentialOptions): Promise<Principal | undefined> {
    if (options.cliSecret && this.oidc) {
      const result = await this.oidc.checkCliSecret(username, password);
      if (result.kind === 'user') return result.principal;
      if (result.kind === 'refused') return undefined;
    }
    try {
      return await this.identity.authenticate(username, password);
    } catch (err) {
      if (!(err instanceof AuthBackendUnavailableError)) throw err;
      this.logger.error(`failed to reach the ${err.backend} authentication backend: ${err.message}`);
      throw new HarborError('SERVICE_UNAVAILABLE', `the ${err.backend} authentication backend is unavailable; try again later`);
    }
  }
}
