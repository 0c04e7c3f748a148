import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Access } from '@wharf/auth';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isApiRoute } from '../http/api-prefix';
import { changesState, CSRF_HEADER, CsrfTokens } from '../session/csrf-tokens';
import { API_STRATEGIES, PassportAuthenticator } from './passport/passport-authenticator';
import { ANONYMOUS, NO_AUTH } from './request-access';

/**
 * Authenticates every request under /api/ once, before its handler, and leaves the resulting
 * `Access` on the request. It never decides what a caller may do: handlers do that with the
 * helpers of authorize.ts. Other routes (the token service, the console's login) handle
 * credentials themselves.
 *
 * An Authorization header decides who calls (an OIDC ID token, a robot's or a user's Basic
 * credentials); without one, the console's session cookie does: passport's strategies, in that order.
 * Every answer carries the CSRF token of the request's session (or of none), and a request that
 * changes state on the strength of the cookie alone must send that token back, as in Harbor:
 * clients with credentials of their own (Basic) are never asked for one.
 */
@Injectable()
export class ApiAuthGuard implements CanActivate {
  constructor(
    private readonly passport: PassportAuthenticator,
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
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    request.access ??= await this.authenticate(request, reply);
    const session = request.consoleSession;
    reply.header(CSRF_HEADER, await this.csrf.tokenFor(session?.digest));
    if (session && changesState(request.method)) await this.csrf.check(request.headers[CSRF_HEADER.toLowerCase()], [session.digest]);
    return true;
  }

  /** Passport's strategies decide (passport/strategies.ts); a request that brings no credentials is anonymous. */
  private async authenticate(request: FastifyRequest, reply: FastifyReply): Promise<Access> {
    const principal = await this.passport.authenticate(request, reply, API_STRATEGIES);
    return principal ? new Access(principal) : ANONYMOUS;
  }
}
