import { applyDecorators, createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiHeader, ApiParam } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { IS_RESOURCE_NAME, isResourceName } from './project-key';

/** Where a request points: the project as `{project_name_or_id}` names it (see projectKey). */
export interface ProjectAddress {
  nameOrId: string;
  isName: boolean;
}

const readProject = createParamDecorator((_: unknown, ctx: ExecutionContext): ProjectAddress => {
  const req = ctx.switchToHttp().getRequest<FastifyRequest<{ Params: Record<string, string> }>>();
  const header = req.headers[IS_RESOURCE_NAME];
  // Optional; "true"/"false" in any case, anything else a 400 (before the project is looked up).
  return { nameOrId: req.params.project_name_or_id, isName: isResourceName(Array.isArray(header) ? header[0] : header) };
});

/**
 * The `{project_name_or_id}` path parameter with Harbor's X-Is-Resource-Name header, and their
 * OpenAPI documentation on the operation. Whether the project exists (404) is the service's to say.
 */
export function ProjectRef(): ParameterDecorator {
  return (target, key, index) => {
    readProject()(target, key, index);
    if (key === undefined) return;
    const descriptor = Object.getOwnPropertyDescriptor(target, key);
    if (descriptor) {
      applyDecorators(
        ApiParam({ name: 'project_name_or_id', required: true, type: String }),
        ApiHeader({ name: 'X-Is-Resource-Name', required: false }),
      )(target, key, descriptor);
    }
  };
}
