import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { isApiRoute } from '../http/api-prefix';
import { ApiAuthenticator } from './api-authenticator';
import { ANONYMOUS, NO_AUTH } from './request-access';

/**
 * Authenticates every request under /api/ once, before its handler, and leaves the resulting
 * `Access` on the request. It never decides what a caller may do: handlers do that with the
 * helpers of authorize.ts. Other routes (the token service) handle credentials themselves.
 */
@Injectable()
export class ApiAuthGuard implements CanActivate {
  constructor(
    private readonly authenticator: ApiAuthenticator,
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
    request.access ??= await this.authenticator.authenticate(request.headers.authorization, request.ip);
    return true;
  }
}
