import { Inject, Injectable, Logger } from '@nestjs/common';
import * as client from 'openid-client';
import type { FastifyRequest } from 'fastify';
import { AuditService } from '../audit/audit.service';
import type { CoreConfig } from '../config';
import { badRequest, conflict, HarborError, precondition } from '../http/harbor-error';
import { isUniqueViolation } from '../infra/pg-errors';
import { CORE_CONFIG } from '../infra/tokens';
import { ConsoleSessions } from '../session/console-sessions';
import { CSRF_HEADER, CsrfTokens } from '../session/csrf-tokens';
import { sessionDigest, sessionIdOf } from '../session/session-cookie';
import { usernameProblem } from '../users/user-rules';
import { OidcAuthentication } from './oidc-authentication';
import type { OidcUserInfo } from './oidc-claims';
import { OidcProviderClient } from './oidc-provider-client';
import { OidcUsers } from './oidc-users.service';
import type { OidcSettings } from './oidc-settings';
import { loginIdOf, PendingLogins } from './pending-login.store';

/**
 * The console's page where a new user picks a user name: Harbor's /oidc-onboard, under /harbor/
 * with the console's other pages (the gateway serves the console there).
 */
export const ONBOARD_PAGE = '/harbor/oidc-onboard';

/** The console's sign-in page, where a logout ends. */
export const SIGN_IN_PAGE = '/harbor/sign-in';

/** Harbor's IsLocalPath: empty, or a path of this site (not `//host`, which browsers take as another site). */
export function isLocalPath(path: string): boolean {
  return path === '' || (path.startsWith('/') && !path.startsWith('//') && !path.includes('\\'));
}

/** Where a finished login sends the browser, with the session to set when one started. */
export interface LoginOutcome {
  location: string;
  session?: { sid: string; csrfToken: string };
}

/**
 * The console's login through the OIDC provider (Harbor's OIDCController): the redirect to the
 * provider (authorization code flow with PKCE, state and nonce kept in Redis for any replica),
 * the callback (code exchange, ID token verified, the user found by subject and issuer, or
 * onboarded), and the onboarding form of users who pick their own name.
 */
@Injectable()
export class OidcLogin {
  private readonly logger = new Logger('oidc');

  constructor(
    @Inject(CORE_CONFIG) private readonly config: CoreConfig,
    private readonly authentication: OidcAuthentication,
    private readonly provider: OidcProviderClient,
    private readonly pending: PendingLogins,
    private readonly sessions: ConsoleSessions,
    private readonly csrf: CsrfTokens,
    private readonly audit: AuditService,
    private readonly oidcUsers: OidcUsers,
  ) {}

  /** GET /c/oidc/login: the provider's authorization URL, and the cookie that ties the callback to this browser. */
  async begin(redirectUrl: string): Promise<{ location: string; loginId: string }> {
    const settings = await this.settings();
    if (!isLocalPath(redirectUrl)) throw badRequest('cannot redirect to other site');
    const loginId = this.pending.newId();
    const start = { state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier(), redirectUrl };
    let location: string;
    try {
      location = await this.provider.authorizationUrl(settings, start);
    } catch (err) {
      this.logger.error(`failed to read the provider's configuration: error=${JSON.stringify((err as Error).message)}`);
      throw new HarborError('INTERNAL_SERVER_ERROR', 'failed to reach the OIDC provider');
    }
    await this.pending.saveStart(loginId, start);
    return { location, loginId };
  }

  /** GET /c/oidc/callback: the provider's answer for the login this browser started. */
  async callback(request: FastifyRequest): Promise<LoginOutcome> {
    const settings = await this.settings();
    const query = new URL(request.url, 'http://callback').searchParams;
    const loginId = loginIdOf(request.headers.cookie);
    // Taken once: a replayed callback, or one of a login another browser started, finds nothing.
    const start = loginId === undefined ? undefined : await this.pending.takeStart(loginId);
    if (!start || query.get('state') !== start.state) {
      this.logger.warn(`refused an OIDC callback: reason=state mismatch address=${request.ip}`);
      throw badRequest('State mismatch');
    }
    const error = query.get('error');
    if (error) throw badRequest(`OIDC callback returned error: ${error} - ${query.get('error_description') ?? ''}`);
    let token;
    try {
      token = await this.provider.exchange(settings, query.toString(), start);
    } catch (err) {
      this.logger.error(`failed to exchange the code: error=${JSON.stringify((err as Error).message)}`);
      // Harbor answers 4xx here, so that an administrator sees a misconfiguration.
      throw badRequest(`failed to exchange the code: ${(err as Error).message}`);
    }
    let info: OidcUserInfo;
    try {
      info = await this.authentication.userInfoOf(settings, token);
    } catch (err) {
      this.logger.error(`failed to verify the ID token: error=${JSON.stringify((err as Error).message)}`);
      throw new HarborError('INTERNAL_SERVER_ERROR', 'failed to verify the ID token');
    }
    const sealedToken = await this.oidcUsers.sealToken(token);
    const existing = await this.oidcUsers.bySubjectAndIssuer(info.subject, info.issuer);
    let userId: number;
    if (existing) {
      userId = existing.user_id;
      await this.oidcUsers.refresh(userId, sealedToken, this.authentication.membership(settings, info));
    } else {
      const username = info.username.replace(/ /g, '_');
      if (!settings.autoOnboard) {
        await this.pending.saveOnboard(loginId as string, { info, token: sealedToken, redirectUrl: start.redirectUrl });
        return { location: `${ONBOARD_PAGE}?${new URLSearchParams({ username, redirect_url: start.redirectUrl }).toString()}` };
      }
      if (username === '') throw new HarborError('INTERNAL_SERVER_ERROR', `unable to recover username for auto onboard, username claim: ${settings.userClaim}`);
      userId = await this.onboardUser(settings, info, username, sealedToken, request.ip);
    }
    return { location: start.redirectUrl || '/', session: await this.startSession(request, userId) };
  }

  /** POST /c/oidc/onboard: the user name a new user picked; starts their session. */
  async onboard(request: FastifyRequest, body: unknown): Promise<{ sid: string; csrfToken: string }> {
    const settings = await this.settings();
    const previous = sessionIdOf(request.headers.cookie);
    await this.csrf.check(request.headers[CSRF_HEADER.toLowerCase()], [undefined, ...(previous === undefined ? [] : [sessionDigest(previous)])]);
    const username = body !== null && typeof body === 'object' ? (body as Record<string, unknown>)['username'] : undefined;
    if (typeof username !== 'string') throw badRequest('username with illegal length');
    const problem = usernameProblem(username, this.config.robotPrefix);
    if (problem) throw badRequest(problem);
    const loginId = loginIdOf(request.headers.cookie);
    const pending = loginId === undefined ? undefined : await this.pending.onboard(loginId);
    if (!pending) throw badRequest('Failed to get OIDC user info from session');
    // The same user onboarded meanwhile (another tab): the existing account, not a second one.
    const existing = await this.oidcUsers.bySubjectAndIssuer(pending.info.subject, pending.info.issuer);
    const userId = existing ? existing.user_id : await this.onboardUser(settings, pending.info, username, pending.token, request.ip);
    await this.pending.forgetOnboard(loginId as string);
    return this.startSession(request, userId);
  }

  /**
   * GET /c/oidc/logout: ends the console session and, with oidc_logout on, sends the browser to
   * the provider's end_session_endpoint (with the user's ID token as the hint) to end the
   * session there too, back to the sign-in page after it; else straight to the sign-in page.
   */
  async logout(request: FastifyRequest): Promise<string> {
    const settings = await this.settings();
    const session = await this.sessions.resume(request);
    await this.sessions.end(request);
    if (session?.principal.kind !== 'user') return SIGN_IN_PAGE;
    const username = session.principal.username;
    await this.audit.record({ projectId: null, operation: 'logout', resourceType: 'user', resource: username, username, clientIp: request.ip });
    if (!settings.logout) return SIGN_IN_PAGE;
    try {
      const idToken = await this.oidcUsers.idTokenOf(session.userId);
      const { endSession } = await this.provider.metadata(settings);
      if (!idToken || !endSession) return SIGN_IN_PAGE;
      const url = new URL(endSession);
      url.searchParams.set('id_token_hint', idToken);
      url.searchParams.set('post_logout_redirect_uri', `${this.config.externalUrl.replace(/\/+$/, '')}${SIGN_IN_PAGE}`);
      return url.href;
    } catch (err) {
      this.logger.warn(`failed to end the session at the provider: user=${JSON.stringify(username)} error=${JSON.stringify((err as Error).message)}`);
      return SIGN_IN_PAGE;
    }
  }

  private async onboardUser(settings: OidcSettings, info: OidcUserInfo, username: string, sealedToken: string, clientIp: string): Promise<number> {
    try {
      const userId = await this.oidcUsers.onboard(username, this.authentication.membership(settings, info), sealedToken);
      await this.audit.record({ projectId: null, operation: 'create', resourceType: 'user', resource: username, username, clientIp });
      this.logger.log(`onboarded an OIDC user: user=${JSON.stringify(username)}`);
      return userId;
    } catch (err) {
      if (isUniqueViolation(err, 'app_user_username_key')) throw conflict(`user ${username} already exists`);
      if (isUniqueViolation(err, 'oidc_user_subiss_key')) throw conflict('the OIDC user is onboarded already');
      throw err;
    }
  }

  private async startSession(request: FastifyRequest, userId: number): Promise<{ sid: string; csrfToken: string }> {
    const principal = await this.oidcUsers.principal(userId);
    if (!principal || principal.kind !== 'user') throw new HarborError('UNAUTHORIZED', 'the user no longer exists');
    const { sid, digest } = await this.sessions.start(principal);
    if (sessionIdOf(request.headers.cookie) !== undefined) await this.sessions.end(request).catch(() => undefined);
    await this.audit.record({ projectId: null, operation: 'login', resourceType: 'user', resource: principal.username, username: principal.username, clientIp: request.ip });
    this.logger.log(`started a session: user=${JSON.stringify(principal.username)} address=${request.ip} via=oidc`);
    return { sid, csrfToken: await this.csrf.tokenFor(digest) };
  }

  /** Harbor's Prepare: these routes answer 412 unless the auth mode is oidc_auth. */
  private async settings(): Promise<OidcSettings> {
    const settings = await this.authentication.activeSettings();
    if (!settings) throw precondition('the auth mode is not oidc_auth');
    return settings;
  }
}
