import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Access, type Principal } from '@wharf/auth';
import { AuthBackendUnavailableError, IdentityStore, LoginThrottle } from '@wharf/identity';
import { HarborError, unauthorized } from '../http/harbor-error';
import { IDENTITY, LOGIN_THROTTLE } from '../infra/tokens';
import { OidcAuthentication } from '../oidc/oidc-authentication';
import { parseBasicAuth } from './basic-auth';
import { ANONYMOUS } from './request-access';

/** Where credentials were presented, which decides what they may be. */
export interface CredentialOptions {
  /** An OIDC user's CLI secret counts as a password here (see cliSecretAccepted). */
  cliSecret?: boolean;
}

const BEARER = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)\s*$/i;

/**
 * Turns an API request's credentials into an `Access`: none is anonymous; Basic credentials of a
 * user or robot are checked (behind the login throttle); in auth_mode oidc_auth also an OIDC
 * user's CLI secret (where allowed) and an ID token of the provider as a bearer token; anything
 * else is 401. The token service's form and the console's login check their name and password
 * the same way (`login`).
 */
@Injectable()
export class ApiAuthenticator {
  private readonly logger = new Logger('auth');

  constructor(
    @Inject(IDENTITY) private readonly identity: IdentityStore,
    @Inject(LOGIN_THROTTLE) private readonly throttle: LoginThrottle,
    @Optional() private readonly oidc?: OidcAuthentication,
  ) {}

  async authenticate(authorization: string | undefined, address: string, options: CredentialOptions = {}): Promise<Access> {
    const bearer = authorization === undefined ? null : BEARER.exec(authorization);
    // ID tokens count in auth_mode oidc_auth only; elsewhere a bearer token is refused as any non-Basic header.
    if (bearer && this.oidc && (await this.oidc.activeSettings())) return new Access(await this.idToken(bearer[1], address));
    const credentials = parseBasicAuth(authorization);
    if (credentials === undefined) return ANONYMOUS;
    if (credentials === 'invalid') throw unauthorized('invalid authorization header: only Basic credentials are accepted');
    return new Access(await this.login(credentials.username, credentials.password, address, options));
  }

  /** An OIDC provider's ID token (auth_mode oidc_auth only): its user, or 401. */
  private async idToken(token: string, address: string): Promise<Principal> {
    const principal = await this.oidc?.bearer(token);
    if (principal) return principal;
    this.logger.log(`failed to authenticate an ID token: address=${address}`);
    throw unauthorized('invalid ID token');
  }

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
