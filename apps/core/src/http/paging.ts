import type { FastifyReply } from 'fastify';
import { badRequest } from './harbor-error';

export const DEFAULT_PAGE_SIZE = 10;
export const MAX_PAGE_SIZE = 100;

export interface Paging {
  page: number;
  pageSize: number;
  offset: number;
}

function positiveInt(name: string, raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d{1,9}$/.test(raw)) throw badRequest(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  const n = Number(raw);
  if (n < 1) throw badRequest(`${name} must be at least 1`);
  if (n > max) throw badRequest(`${name} must be at most ${max}`);
  return n;
}

/** Harbor's `page` (from 1) and `page_size` (1 to 100, default 10). */
export function parsePaging(page: string | undefined, pageSize: string | undefined): Paging {
  const p = positiveInt('page', page, 1, 1_000_000_000);
  const size = positiveInt('page_size', pageSize, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
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
