import { createHmac, KeyObject, randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Access, grantedRegistryActions, Principal, ProjectRef, TokenClaims, TokenError, tokenGrants, TtlCache, verifyToken } from '@wharf/auth';
import { AuthBackendUnavailableError, IdentityStore, LoginThrottle } from '@wharf/identity';
import { OciError } from '@wharf/oci';
import type { FastifyRequest } from 'fastify';
import type { RegistryConfig } from '../config';
import { CONFIG } from '../infra/tokens';
import { AccessRequest, ANONYMOUS_CALLER, CatalogVisibility, RegistryAuthorizer } from './access';
import { IDENTITY, LOGIN_THROTTLE, VERIFICATION_KEY } from './auth-tokens';
import { bearerChallenge, ChallengeError, scopeOf, unauthorized } from './challenge';
import { parseAuthorization } from './credentials';
import { PrincipalDirectory } from './principal-directory';

/** Who got through `authorize`, kept for the catalog's filter and the audit trail. */
export type Caller = { via: 'token'; claims: TokenClaims } | { via: 'basic'; principal: Principal };

/** The audit trail's name for a verified caller: the token's subject or the basic-auth principal. */
export function callerNameOf(caller: Caller | undefined): string {
  if (!caller) return ANONYMOUS_CALLER;
  if (caller.via === 'token') return caller.claims.sub || ANONYMOUS_CALLER;
  const p = caller.principal;
  return p.kind === 'user' ? p.username : p.kind === 'robot' ? p.name : ANONYMOUS_CALLER;
}

/** Verified tokens are remembered at most this long (and never past their expiry). */
const VERIFIED_TOKEN_CACHE_MS = 60_000;
/** Project lookups of the basic-auth path; a project's visibility changes take this long to apply. */
const PROJECT_CACHE_MS = 5_000;

/** What a basic-auth check answers while the login throttle refuses to check. */
const LOCKED = Symbol('locked');

function isCatalog(access: AccessRequest): boolean {
  return access.type === 'registry' && access.name === 'catalog';
}

/**
 * Token authentication for the data plane (Docker registry token specification):
 * - a bearer token from the token service must be signed by its key, meant for this service, from
 *   its issuer and unexpired, and must grant exactly the repository and actions the route needs;
 *   otherwise 401 with a challenge naming them, so that the client fetches a better token;
 * - basic credentials sent directly (curl, scripts) are checked against the identity store and
 *   the permission matrix, like the token service would;
 * - the catalog needs only an authenticated caller (anonymous included) and lists what it may see.
 */
@Injectable()
export class TokenAuthorizer implements RegistryAuthorizer {
  private readonly logger = new Logger('registry');
  private readonly realm: string;
  private readonly service: string;
  private readonly issuer: string;
  private readonly callers = new WeakMap<FastifyRequest, Caller>();
  /**
   * Concurrent requests with the same credentials (a client's parallel layer pushes) share one
   * check, and a wrong password among them counts as one failure. Nothing outlives the check: the
   * identity store reads the account on every request, so that a password reset or a disabled
   * robot applies at once on every process.
   */
  private readonly checking = new Map<string, Promise<Principal | typeof LOCKED | undefined>>();
  private readonly projects = new TtlCache<string, ProjectRef>(PROJECT_CACHE_MS, 10_000);
  private readonly tokens = new TtlCache<string, TokenClaims>(VERIFIED_TOKEN_CACHE_MS, 10_000);
  /** Keys the map of running checks, so that memory holds no plain or fast-to-guess form of a password. */
  private readonly checkSecret = randomBytes(32);

  constructor(
    @Inject(CONFIG) config: RegistryConfig,
    @Inject(VERIFICATION_KEY) private readonly publicKey: KeyObject,
    @Inject(IDENTITY) private readonly identity: IdentityStore,
    @Inject(LOGIN_THROTTLE) private readonly throttle: LoginThrottle,
    private readonly directory: PrincipalDirectory,
  ) {
    if (config.auth.mode !== 'token') throw new Error('TokenAuthorizer needs REGISTRY_AUTH=token');
    this.realm = config.auth.realm;
    this.service = config.auth.service;
    this.issuer = config.auth.issuer;
  }

  async authorize(request: FastifyRequest, access: AccessRequest[]): Promise<void> {
    const credentials = parseAuthorization(request.headers.authorization);
    switch (credentials.scheme) {
      case 'none':
        throw this.challenge(access, 'authentication required');
      case 'invalid':
        throw this.challenge(access, 'malformed Authorization header', 'invalid_token');
      case 'bearer':
        return this.authorizeToken(request, credentials.token, access);
      case 'basic':
        return this.authorizeBasic(request, credentials.username, credentials.password, access);
    }
  }

  callerName(request: FastifyRequest): string {
    return callerNameOf(this.callers.get(request));
  }

  async catalogVisibility(request: FastifyRequest): Promise<CatalogVisibility> {
    const caller = this.callers.get(request);
    if (!caller) return { all: false, projectIds: [] };
    if (caller.via === 'token' && tokenGrants(caller.claims, 'registry', 'catalog', ['*'])) return { all: true };
    const principal = caller.via === 'basic' ? caller.principal : await this.directory.forSubject(caller.claims.sub);
    const access = new Access(principal);
    if (access.isSysadmin) return { all: true };
    return { all: false, projectIds: await this.directory.visibleProjectIds(access) };
  }

  private async authorizeToken(request: FastifyRequest, token: string, access: AccessRequest[]): Promise<void> {
    let claims: TokenClaims;
    try {
      claims = await this.verified(token);
    } catch (err) {
      if (!(err instanceof TokenError)) throw err;
      this.logger.debug(`refused bearer token: ${err.message}`);
      throw this.challenge(access, `invalid token: ${err.message}`, 'invalid_token');
    }
    const missing = access.filter((a) => !isCatalog(a) && !tokenGrants(claims, a.type, a.name, a.actions));
    if (missing.length > 0) {
      // A signed-in caller is told when no token could help; anonymous ones are sent to log in.
      if (claims.sub !== '') await this.explainMissingProject(missing);
      throw this.challenge(access, `the token does not grant ${missing.map(scopeOf).join(' ')}`, 'insufficient_scope');
    }
    this.callers.set(request, { via: 'token', claims });
  }

  /**
   * Clients send the same token with every request of a push or pull: its signature is checked
   * once per process, then the claims are reused until the token expires.
   */
  private async verified(token: string): Promise<TokenClaims> {
    const cached = this.tokens.get(token);
    if (cached && cached.exp > Date.now() / 1000) return cached;
    const claims = await verifyToken(token, { publicKey: this.publicKey, issuer: this.issuer, audience: this.service });
    this.tokens.set(token, claims);
    return claims;
  }

  private async authorizeBasic(request: FastifyRequest, username: string, password: string, access: AccessRequest[]): Promise<void> {
    const principal = await this.basicPrincipal(username, password, request.ip);
    if (principal === LOCKED) throw this.challenge(access, 'too many failed attempts; try again later');
    if (!principal) throw this.challenge(access, 'invalid username or password');
    const rights = new Access(principal);
    for (const a of access) {
      if (isCatalog(a)) continue;
      const project = await this.projectOf(a.name);
      const granted: string[] = project ? grantedRegistryActions(rights, project, a.actions) : [];
      const missing = a.actions.filter((x) => !granted.includes(x));
      if (missing.length === 0) continue;
      await this.explainMissingProject([a]);
      throw new OciError('DENIED', `${principal.kind === 'robot' ? principal.name : username} may not ${missing.join(', ')} repository ${a.name}`);
    }
    this.callers.set(request, { via: 'basic', principal });
  }

  /** Basic credentials to a principal, behind the login throttle. */
  private basicPrincipal(username: string, password: string, address: string): Promise<Principal | typeof LOCKED | undefined> {
    const key = createHmac('sha256', this.checkSecret).update(username).update('\u0000').update(password).update('\u0000').update(address).digest('base64');
    let pending = this.checking.get(key);
    if (!pending) {
      pending = this.checkCredentials(username, password, address);
      pending.finally(() => this.checking.delete(key)).catch(() => undefined);
      this.checking.set(key, pending);
    }
    return pending;
  }

  private async checkCredentials(username: string, password: string, address: string): Promise<Principal | typeof LOCKED | undefined> {
    // While locked, credentials are not even checked (and a right guess does not unlock).
    if (await this.throttle.locked(username, address)) {
      this.logger.debug(`refused basic credentials while locked: user ${username}, address ${address}`);
      return LOCKED;
    }
    const principal = await this.authenticate(username, password);
    if (!principal) {
      await this.throttle.failed(username, address);
      this.logger.debug(`refused basic credentials: user ${username}, address ${address}`);
      return undefined;
    }
    await this.throttle.succeeded(username, address);
    return principal;
  }

  /**
   * An unreachable directory is an outage (503), not a wrong password: it neither answers with a
   * challenge (clients would ask for the password again) nor counts towards the throttle.
   */
  private async authenticate(username: string, password: string): Promise<Principal | undefined> {
    try {
      return await this.identity.authenticate(username, password);
    } catch (err) {
      if (!(err instanceof AuthBackendUnavailableError)) throw err;
      this.logger.error(`failed to reach the ${err.backend} authentication backend: ${err.message}`);
      throw new OciError('UNAVAILABLE', `the ${err.backend} authentication backend is unavailable; try again later`);
    }
  }

  /**
   * Requests of a signed-in caller into a project that does not exist (or under a name without a
   * project part) are answered with the reason rather than another challenge: in token mode the
   * registry never creates projects, so no token would help. Pushes get DENIED saying why; reads
   * get NAME_UNKNOWN, which lets a client's blob-exists check (a HEAD without a body to read a
   * message from) go on to the upload, where the DENIED message reaches the user.
   */
  private async explainMissingProject(accesses: readonly AccessRequest[]): Promise<void> {
    for (const a of accesses) {
      if (a.type !== 'repository') continue;
      const slash = a.name.indexOf('/');
      let reason: string | undefined;
      if (slash <= 0) reason = `repository name "${a.name}" has no project part: use <project>/${a.name} in an existing project`;
      else if (!(await this.projectOf(a.name))) reason = `project "${a.name.slice(0, slash)}" does not exist: create it before pushing (the registry does not create projects)`;
      if (reason === undefined) continue;
      if (a.actions.includes('push')) throw new OciError('DENIED', reason);
      throw new OciError('NAME_UNKNOWN', `repository ${a.name} is unknown: ${reason}`, { name: a.name });
    }
  }

  private async projectOf(repository: string): Promise<ProjectRef | undefined> {
    const slash = repository.indexOf('/');
    if (slash <= 0) return undefined;
    const name = repository.slice(0, slash);
    const cached = this.projects.get(name);
    if (cached) return cached;
    const project = await this.identity.project(name);
    // Only found projects are remembered: one created a moment ago must be usable at once.
    if (project) this.projects.set(name, project);
    return project;
  }

  private challenge(access: readonly AccessRequest[], message: string, error?: ChallengeError): OciError {
    return unauthorized(bearerChallenge(this.realm, this.service, access, error), message, access);
  }
}
