import { KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Principal } from '@wharf/auth';
import type { FastifyRequest } from 'fastify';
import { Passport } from 'passport';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';
import { Strategy } from 'passport-strategy';
import type { CoreConfig } from '../../config';
import { unauthorized } from '../../http/harbor-error';
import { CORE_CONFIG } from '../../infra/tokens';
import { cliSecretAccepted } from '../../oidc/cli-secret';
import { IdTokenVerifier } from '../../oidc/id-token-verifier';
import { OidcAuthentication } from '../../oidc/oidc-authentication';
import { ConsoleSessions } from '../../session/console-sessions';
import { ApiAuthenticator } from '../api-authenticator';
import type { BasicCredentials } from '../basic-auth';
import { BasicCredentialsStrategy } from './basic-credentials.strategy';

/** The strategies' names, in the order a request's credentials are tried. */
export const STRATEGY = {
  idToken: 'oidc-id-token',
  robot: 'robot-secret',
  user: 'user-password',
  session: 'console-session',
} as const;

/**
 * @nestjs/passport's mixin registers each strategy instance by name on the passport instance it
 * is given. Several core applications may live in one process (tests, a replica beside the
 * first): each would replace the others' strategies in passport's global registry. They register
 * here instead, where nothing looks them up; every application authenticates with its own
 * Authenticator (PassportAuthenticator), which holds its own strategy instances.
 */
const REGISTRATION_SINK = new Passport();

/** An OIDC provider's ID token sent as `Authorization: Bearer` (auth_mode oidc_auth only). */
@Injectable()
export class OidcIdTokenStrategy extends PassportStrategy(JwtStrategy, STRATEGY.idToken) {
  constructor(
    private readonly oidc: OidcAuthentication,
    verifier: IdTokenVerifier,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // The provider's key for the token's kid, from its JWKS (fetched and kept by jose).
      secretOrKeyProvider: (_request: unknown, rawJwtToken: string, done: (err: unknown, key?: string) => void) => {
        void oidc
          .activeSettings()
          .then((settings) => {
            if (!settings) throw new Error('auth_mode is not oidc_auth');
            return verifier.keyFor(rawJwtToken, settings);
          })
          .then((key: KeyObject) => done(null, key.export({ type: 'spki', format: 'pem' }) as string), (err: unknown) => done(err));
      },
      // Only the asymmetric algorithms a provider signs with: never an HMAC keyed with public material.
      algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'],
      jsonWebTokenOptions: { clockTolerance: 30 },
    });
  }

  getPassportInstance() {
    return REGISTRATION_SINK;
  }

  /**
   * Other schemes and other auth modes are left to the next strategy; a bearer token in
   * oidc_auth is this strategy's to answer, and a bad one is 401 here.
   */
  override authenticate(req: unknown, options?: object): void {
    const request = req as FastifyRequest;
    if (!/^Bearer[ ]/i.test(request.headers.authorization ?? '')) return this.fail(401);
    void this.oidc.activeSettings().then(
      (settings) => {
        if (!settings) return this.fail(401);
        this.fail = () => this.error(unauthorized('invalid ID token'));
        super.authenticate(req as never, options);
      },
      (err: unknown) => this.error(err as Error),
    );
  }

  /** The verified token's user: issuer and audience checked against the configured provider. */
  async validate(claims: Record<string, unknown>): Promise<Principal | false> {
    return (await this.oidc.principalForIdToken(claims)) ?? false;
  }
}

/** A robot account's name (with the robot prefix) and secret as Basic credentials. */
@Injectable()
export class RobotSecretStrategy extends PassportStrategy(BasicCredentialsStrategy, STRATEGY.robot) {
  constructor(
    @Inject(CORE_CONFIG) config: CoreConfig,
    private readonly authenticator: ApiAuthenticator,
  ) {
    super((username: string) => username.startsWith(config.robotPrefix), true);
  }

  getPassportInstance() {
    return REGISTRATION_SINK;
  }

  validate(request: FastifyRequest, credentials: BasicCredentials): Promise<Principal> {
    return this.authenticator.login(credentials.username, credentials.password, request.ip);
  }
}

/**
 * A user's name and password as Basic credentials; in auth_mode oidc_auth also an OIDC user's
 * CLI secret where Harbor takes one (the token service and a few API calls).
 */
@Injectable()
export class UserPasswordStrategy extends PassportStrategy(BasicCredentialsStrategy, STRATEGY.user) {
  constructor(private readonly authenticator: ApiAuthenticator) {
    super(() => true, false);
  }

  getPassportInstance() {
    return REGISTRATION_SINK;
  }

  validate(request: FastifyRequest, credentials: BasicCredentials): Promise<Principal> {
    return this.authenticator.login(credentials.username, credentials.password, request.ip, { cliSecret: cliSecretAccepted(request.method, request.url) });
  }
}

/** passport's verify callback of ConsoleSessionStrategy. */
type VerifySession = (request: FastifyRequest, done: (err: unknown, user?: unknown) => void) => void;

/** The web console's session cookie, for requests that bring no Authorization header. */
class SessionCookieStrategy extends Strategy {
  constructor(private readonly verify: VerifySession) {
    super();
  }

  override authenticate(req: unknown): void {
    const request = req as FastifyRequest;
    const authorization = request.headers.authorization;
    if (authorization !== undefined && authorization !== '') return this.fail(401);
    this.verify(request, (err, user) => {
      if (err) this.error(err as Error);
      else if (user) this.success(user);
      else this.fail(401);
    });
  }
}

@Injectable()
export class ConsoleSessionStrategy extends PassportStrategy(SessionCookieStrategy, STRATEGY.session) {
  constructor(private readonly sessions: ConsoleSessions) {
    super();
  }

  getPassportInstance() {
    return REGISTRATION_SINK;
  }

  /** The session's user; the session stays on the request for the CSRF check and password changes. */
  async validate(request: FastifyRequest): Promise<Principal | false> {
    const session = await this.sessions.resume(request);
    if (!session) return false;
    request.consoleSession = session;
    return session.principal;
  }
}
