import type { FastifyReply } from 'fastify';
import { unprocessable } from './harbor-error';

export const DEFAULT_PAGE_SIZE = 10;
export const MAX_PAGE_SIZE = 100;
/** Keeps offsets within PostgreSQL's bigint and JavaScript's safe integers. */
const MAX_PAGE = 1_000_000_000;

export interface Paging {
  page: number;
  pageSize: number;
  offset: number;
}

/** A query parameter declared int64 in Harbor's API: anything else is its OpenAPI layer's 422. */
function int64(name: string, raw: string): number {
  if (!/^[+-]?\d{1,15}$/.test(raw)) throw unprocessable(`${name} in query must be of type int64: ${JSON.stringify(raw)}`);
  return Number(raw);
}

/**
 * Harbor's `page` (from 1; 0 or less is the first page, as Harbor applies no offset then) and
 * `page_size` (default 10, at most 100: more is a 422 as in Harbor). Harbor reads a `page_size` of
 * 0 or less as "no limit"; here it is refused (422), so that no request lists a table whole.
 */
export function parsePaging(page: string | undefined, pageSize: string | undefined): Paging {
  const p = page === undefined || page === '' ? 1 : Math.max(1, int64('page', page));
  const size = pageSize === undefined || pageSize === '' ? DEFAULT_PAGE_SIZE : int64('page_size', pageSize);
  if (size > MAX_PAGE_SIZE) throw unprocessable(`page_size in query should be less than or equal to ${MAX_PAGE_SIZE}`);
  if (size < 1) throw unprocessable('page_size in query should be greater than or equal to 1');
  if (p > MAX_PAGE) throw unprocessable(`page in query should be less than or equal to ${MAX_PAGE}`);
  return { page: p, pageSize: size, offset: (p - 1) * size };
}

/**
 * Harbor's `Link` header: the request's own path and query with `page`/`page_size` replaced, a
 * `prev` link unless this is the first page and a `next` link while items remain, joined by " , ".
 */
export function pageLinks(requestUrl: string, paging: Paging, total: number): string | undefined {
  const [path, query = ''] = requestUrl.split('?', 2);
  const link = (page: number, rel: string) => {
    const params = new URLSearchParams(query);
    params.set('page', String(page));
    params.set('page_size', String(paging.pageSize));
    return `<${path}?${params.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (paging.page > 1 && (paging.page - 1) * paging.pageSize < total) links.push(link(paging.page - 1, 'prev'));
  if (paging.page * paging.pageSize < total) links.push(link(paging.page + 1, 'next'));
  return links.length > 0 ? links.join(' , ') : undefined;
}

/** `X-Total-Count` and, when there are other pages, `Link`. */
export function setPageHeaders(reply: FastifyReply, requestUrl: string, paging: Paging, total: number): void {
  reply.header('X-Total-Count', String(total));
  const link = pageLinks(requestUrl, paging, total);
  if (link) reply.header('Link', link);
}
