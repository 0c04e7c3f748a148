import { Inject, Injectable, Logger } from '@nestjs/common';
import { parseRobotName } from '@wharf/identity';
import type { FastifyRequest } from 'fastify';
import { AuditService } from '../audit/audit.service';
import { ApiAuthenticator } from '../auth/api-authenticator';
import type { CoreConfig } from '../config';
import { badRequest, HarborError, unauthorized } from '../http/harbor-error';
import { CORE_CONFIG } from '../infra/tokens';
import { single } from '../token/token-request';
import { ConsoleSessions } from './console-sessions';
import { CSRF_HEADER, CsrfTokens } from './csrf-tokens';
import { sessionDigest, sessionIdOf } from './session-cookie';

const FORM = /^application\/x-www-form-urlencoded\s*(;|$)/i;

/**
 * Harbor's /c/login and /c/log_out: a user's name and password (the same identity store and login
 * throttle as Basic credentials) start a console session; logging out ends it. Both are audited
 * as Harbor does (operations `login` and `logout` of the user).
 */
@Injectable()
export class ConsoleLogin {
  private readonly logger = new Logger('session');

  constructor(
    private readonly authenticator: ApiAuthenticator,
    private readonly sessions: ConsoleSessions,
    private readonly csrf: CsrfTokens,
    private readonly audit: AuditService,
    @Inject(CORE_CONFIG) private readonly config: CoreConfig,
  ) {}

  /**
   * Checks the form's `principal` and `password` and starts a session: its id (for the cookie)
   * and its CSRF token. As in Harbor, the form must carry a CSRF token: the one of no session
   * (every API response hands it out), or that of the session the browser still has.
   */
  async login(request: FastifyRequest, body: unknown): Promise<{ sid: string; csrfToken: string }> {
    const previous = sessionIdOf(request.headers.cookie);
    await this.csrf.check(request.headers[CSRF_HEADER.toLowerCase()], [undefined, ...(previous === undefined ? [] : [sessionDigest(previous)])]);
    const type = request.headers['content-type'];
    if (type === undefined || !FORM.test(type)) {
      throw new HarborError('UNSUPPORTED_MEDIA_TYPE', 'send the login form as application/x-www-form-urlencoded');
    }
    const form = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
    const name = single(form['principal']);
    const password = single(form['password']);
    if (!name || password === undefined) throw badRequest('the login form needs principal and password');
    const principal = await this.authenticate(name, password, request.ip);
    const { sid, digest } = await this.sessions.start(principal);
    // A browser that logs in again (as someone else, say) leaves no session behind.
    if (previous !== undefined) await this.sessions.end(request).catch(() => undefined);
    await this.audit.record({ projectId: null, operation: 'login', resourceType: 'user', resource: principal.username, username: principal.username, clientIp: request.ip });
    this.logger.log(`started a session: user=${JSON.stringify(principal.username)} address=${request.ip}`);
    return { sid, csrfToken: await this.csrf.tokenFor(digest) };
  }

  /**
   * The form's user, or the refusal; a refused login is in the extended audit log as Harbor has
   * it (operation login, result false, the name as given), but not in the older log.
   */
  private async authenticate(name: string, password: string, address: string) {
    try {
      // Refused before the secret is checked: the answer tells nothing about it.
      if (parseRobotName(name, this.config.robotPrefix)) throw unauthorized('robot accounts cannot log in to the web console');
      const principal = await this.authenticator.login(name, password, address);
      if (principal.kind !== 'user') throw unauthorized('robot accounts cannot log in to the web console');
      return principal;
    } catch (err) {
      if (err instanceof HarborError && err.code === 'UNAUTHORIZED') {
        await this.audit
          .record({ projectId: null, operation: 'login', resourceType: 'user', resource: name, username: name, clientIp: address, success: false })
          .catch((e: unknown) => this.logger.warn(`failed to record a refused login: ${(e as Error).message}`));
      }
      throw err;
    }
  }

  /** Ends the browser's session (if it has one); 503 when the session store cannot be reached. */
  async logout(request: FastifyRequest): Promise<void> {
    const session = await this.sessions.resume(request);
    await this.sessions.end(request);
    if (session?.principal.kind !== 'user') return;
    const username = session.principal.username;
    await this.audit.record({ projectId: null, operation: 'logout', resourceType: 'user', resource: username, username, clientIp: request.ip });
  }
}
