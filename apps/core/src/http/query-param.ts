import { applyDecorators, createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { badRequest } from './harbor-error';
import { type Paging, parsePaging, setPageHeaders } from './paging';
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

/** Which list parameters an operation takes besides `page` and `page_size` (both by default). */
export interface ListOptions {
  query?: boolean;
  sort?: boolean;
}

/** A list request as its handler gets it. */
export interface Listing extends ListRequest {
  /** The page's items, after setting X-Total-Count and (when there are other pages) Link. */
  answer<T>(page: { total: number; items: T[] }): T[];
}

const readList = createParamDecorator((options: ListOptions | undefined, ctx: ExecutionContext): Listing => {
  const paging = parsePaging(queryValue(ctx, 'page'), queryValue(ctx, 'page_size'));
  const http = ctx.switchToHttp();
  return {
    query: parseQuery(options?.query === false ? undefined : queryValue(ctx, 'q')),
    sort: parseSort(options?.sort === false ? undefined : queryValue(ctx, 'sort')),
    paging,
    answer: ({ total, items }) => {
      setPageHeaders(http.getResponse<FastifyReply>(), http.getRequest<FastifyRequest>().url, paging, total);
      return items;
    },
  };
});

/**
 * The list parameters of a request (see Listing), each a 422 (page, page_size) or 400 (q, sort, or any of them
 * repeated) when malformed, and their OpenAPI documentation on the operation. A parameter the
 * options leave out is neither read nor documented: that operation ignores it, as Harbor's does.
 */
export function ListParams(options: ListOptions = {}): ParameterDecorator {
  return (target, key, index) => {
    readList(options)(target, key, index);
    if (key === undefined) return;
    const descriptor = Object.getOwnPropertyDescriptor(target, key);
    if (descriptor) ApiListQueries(options)(target, key, descriptor);
  };
}

function ApiListQueries(options: ListOptions): MethodDecorator {
  const decorators = [
    ApiQuery({ name: 'page', required: false, type: Number, description: 'page number, from 1' }),
    ApiQuery({ name: 'page_size', required: false, type: Number, description: 'items per page, 1 to 100 (default 10)' }),
  ];
  if (options.query !== false) {
    decorators.push(ApiQuery({ name: 'q', required: false, type: String, description: 'k=v exact, k=~v fuzzy, k=[min~max] range, k={v1 v2} any of; comma separated' }));
  }
  if (options.sort !== false) decorators.push(ApiQuery({ name: 'sort', required: false, type: String, description: 'e.g. name,-creation_time' }));
  return applyDecorators(...decorators);
}

/** OpenAPI documentation of optional string query parameters that QueryParam reads. */
export function ApiQueryStrings(...names: string[]): MethodDecorator {
  return applyDecorators(...names.map((name) => ApiQuery({ name, required: false, type: String })));
}
