import { applyDecorators, createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { badRequest } from './harbor-error';

/**
 * One query parameter as a string (undefined when absent). Repeating it is a 400: a list
 * parameter would otherwise reach code that expects one value.
 */
export const QueryParam = createParamDecorator((name: string, ctx: ExecutionContext): string | undefined => {
  const query = (ctx.switchToHttp().getRequest<FastifyRequest>().query ?? {}) as Record<string, unknown>;
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw badRequest(`query parameter ${name} must be given once`);
  return value;
});

/** OpenAPI documentation of Harbor's list parameters (QueryParam reads them). */
export function ApiListQueries(options: { query?: boolean; sort?: boolean; extra?: string[] } = {}): MethodDecorator {
  const decorators = [
    ApiQuery({ name: 'page', required: false, type: Number, description: 'page number, from 1' }),
    ApiQuery({ name: 'page_size', required: false, type: Number, description: 'items per page, 1 to 100 (default 10)' }),
  ];
  if (options.query !== false) {
    decorators.push(ApiQuery({ name: 'q', required: false, type: String, description: 'k=v exact, k=~v fuzzy, k=[min~max] range, k={v1 v2} any of; comma separated' }));
  }
  if (options.sort !== false) decorators.push(ApiQuery({ name: 'sort', required: false, type: String, description: 'e.g. name,-creation_time' }));
  for (const name of options.extra ?? []) decorators.push(ApiQuery({ name, required: false, type: String }));
  return applyDecorators(...decorators);
}
