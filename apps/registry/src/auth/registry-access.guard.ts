import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { validateRepositoryName } from '@wharf/oci';
import type { FastifyRequest } from 'fastify';
import { queryParam } from '../http/request-body';
import { AccessRequest, REGISTRY_AUTHORIZER, RegistryAction, RegistryAuthorizer } from './access';

const ACCESS_KEY = 'wharf:registry-access';
const MOUNT_KEY = 'wharf:registry-mount';

/** Declares the actions a route needs on the repository named by its `:name` parameter. */
export const RequireAccess = (...actions: RegistryAction[]) => SetMetadata(ACCESS_KEY, actions);
/** Declares a route that needs only an authenticated caller (`/v2/`), whatever it may access. */
export const RequireRegistryAccess = () => SetMetadata(ACCESS_KEY, 'registry');
/** Declares the catalog route: scope `registry:catalog:*`, its listing filtered by the caller's rights. */
export const RequireCatalogAccess = () => SetMetadata(ACCESS_KEY, 'catalog');
/**
 * Declares the route that mounts blobs (`?mount=<digest>&from=<repository>`): such a request also
 * needs pull on `from`, and asks for it together with the route's own actions, so that the first
 * challenge names both and a token client fetches one token that holds both (as distribution and
 * Harbor challenge). A challenge naming only the route's actions got a token without `from`, and
 * the mount's own challenge then a token without the route's actions.
 */
export const MountsFrom = () => SetMetadata(MOUNT_KEY, true);

@Injectable()
export class RegistryAccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(REGISTRY_AUTHORIZER) private readonly authorizer: RegistryAuthorizer,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const declared = this.reflector.get<RegistryAction[] | 'registry' | 'catalog' | undefined>(ACCESS_KEY, context.getHandler());
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    let access: AccessRequest[];
    if (declared === undefined || declared === 'registry') {
      access = [];
    } else if (declared === 'catalog') {
      access = [{ type: 'registry', name: 'catalog', actions: ['*'] }];
    } else {
      const name = (request.params as Record<string, string>)['name'] ?? '';
      // Every route that names a repository passes here first: nothing reaches a service,
      // the database or storage under a name outside the grammar.
      validateRepositoryName(name);
      access = [{ type: 'repository', name, actions: declared }];
      const source = this.reflector.get<boolean | undefined>(MOUNT_KEY, context.getHandler()) ? mountSource(request) : undefined;
      if (source !== undefined) access.push({ type: 'repository', name: source, actions: ['pull'] });
    }
    await this.authorizer.authorize(request, access);
    return true;
  }
}

/** The repository a mount request takes its blob from, checked against the grammar like `:name`. */
function mountSource(request: FastifyRequest): string | undefined {
  const from = queryParam(request, 'from');
  if (queryParam(request, 'mount') === undefined || from === undefined) return undefined;
  validateRepositoryName(from);
  return from;
}
