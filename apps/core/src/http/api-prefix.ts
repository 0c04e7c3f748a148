import type { FastifyRequest } from 'fastify';

/** Harbor's API base path (without slashes): controllers are mounted under it. */
export const API_PREFIX = 'api/v2.0';

/** True for requests routed (or, unrouted, addressed) to Harbor's API. */
export function isApiRoute(request: FastifyRequest): boolean {
  return (request.routeOptions.url ?? request.url).startsWith(`/${API_PREFIX}/`);
}
