import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { Access } from '@wharf/auth';
import type { FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling, set by ApiAuthGuard for every /api/ request. */
    access?: Access;
  }
}

export const ANONYMOUS = new Access({ kind: 'anonymous' });

/** The caller's `Access`; anonymous when nothing authenticated the request. */
export const RequestAccess = createParamDecorator((_data: unknown, ctx: ExecutionContext): Access => {
  return ctx.switchToHttp().getRequest<FastifyRequest>().access ?? ANONYMOUS;
});

export const NO_AUTH = 'wharf:no-auth';

/** Routes that never look at credentials (liveness probes): even wrong ones do not fail them. */
export const NoAuth = () => SetMetadata(NO_AUTH, true);
