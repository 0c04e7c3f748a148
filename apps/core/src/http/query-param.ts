import { applyDecorators, createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { badRequest } from './harbor-error';
import { type Paging, parsePaging } from './paging';
import { type ParsedQuery, parseQuery, parseSort, type SortKey } from './query';

function queryValue(ctx: ExecutionContext, name: string): string | undefined {
  const query = (ctx.switchToHttp().getRequest<FastifyRequest>().query ?? {}) as Record<string, unknown>;
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw badRequest(`query parameter ${name} must be given once`);
  return value;
}

/**
 * One query parameter as a string (undefined when absent). Repeating it is a 400: a list
 * parameter would otherwise reach code that expects one value.
 */
export const QueryParam = createParamDecorator((name: string, ctx: ExecutionContext): string | undefined => queryValue(ctx, name));

/** Harbor's list parameters, parsed: `q`, `sort`, `page` and `page_size`. */
export interface ListRequest {
  query: ParsedQuery;
  sort: SortKey[];
  paging: Paging;
}

/** The list parameters of a request (each a 400 when malformed or repeated); document them with ApiListQueries. */
export const ListParams = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): ListRequest => {
    const paging = parsePaging(queryValue(ctx, 'page'), queryValue(ctx, 'page_size'));
    return { query: parseQuery(queryValue(ctx, 'q')), sort: parseSort(queryValue(ctx, 'sort')), paging };
  },
);

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
