import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Access } from '@wharf/auth';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isApiRoute } from '../http/api-prefix';
import { ConsoleSessions } from '../session/console-sessions';
import { changesState, CSRF_HEADER, CsrfTokens } from '../session/csrf-tokens';
import { cliSecretAccepted } from '../oidc/cli-secret';
import { ApiAuthenticator } from './api-authenticator';
import { ANONYMOUS, NO_AUTH } from './request-access';

/**
 * Authenticates every request under /api/ once, before its handler, and leaves the resulting
 * `Access` on the request. It never decides what a caller may do: handlers do that with the
 * helpers of authorize.ts. Other routes (the token service, the console's login) handle
 * credentials themselves.
 *
 * An Authorization header decides who calls; without one, the console's session cookie does.
 * Every answer carries the CSRF token of the request's session (or of none), and a request that
 * changes state on the strength of the cookie alone must send that token back, as in Harbor:
 * clients with credentials of their own (Basic) are never asked for one.
 */
@Injectable()
export class ApiAuthGuard implements CanActivate {
  constructor(
    private readonly authenticator: ApiAuthenticator,
    private readonly sessions: ConsoleSessions,
    private readonly csrf: CsrfTokens,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    // The matched route, not the raw URL: the router also matches percent-encoded spellings.
    if (!isApiRoute(request)) return true;
    if (this.reflector.getAllAndOverride<boolean>(NO_AUTH, [context.getHandler(), context.getClass()])) {
      request.access = ANONYMOUS;
      return true;
    }
    request.access ??= await this.authenticate(request);
    const session = request.consoleSession;
    context.switchToHttp().getResponse<FastifyReply>().header(CSRF_HEADER, await this.csrf.tokenFor(session?.digest));
    if (session && changesState(request.method)) await this.csrf.check(request.headers[CSRF_HEADER.toLowerCase()], [session.digest]);
    return true;
  }

  private async authenticate(request: FastifyRequest): Promise<Access> {
    const authorization = request.headers.authorization;
    if (authorization !== undefined && authorization !== '') {
      return this.authenticator.authenticate(authorization, request.ip, { cliSecret: cliSecretAccepted(request.method, request.url) });
    }
    const session = await this.sessions.resume(request);
    if (!session) return ANONYMOUS;
    request.consoleSession = session;
    return new Access(session.principal);
  }
}
