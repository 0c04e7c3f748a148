import type { QueryValue } from './client';

/** One page of a server-side list: what the tables send as page, page_size, sort and q. */
export interface ListState {
  page: number;
  pageSize: number;
  /** Harbor's sort grammar: `name`, `-creation_time`, comma separated. */
  sort?: string;
  /** Harbor's q terms, e.g. { name: '~nginx' } becomes q=name=~nginx. */
  filters?: Record<string, string | undefined>;
}

export const DEFAULT_PAGE_SIZE = 15;
export const PAGE_SIZES = [15, 25, 50, 100];

/**
 * Harbor's `q`: comma-separated key=value terms; `~` makes a fuzzy match. Values are sent as
 * typed; commas inside a value would split it, so they are dropped.
 */
export function qParam(filters: Record<string, string | undefined> | undefined): string | undefined {
  const terms = Object.entries(filters ?? {})
    .filter(([, v]) => v !== undefined && v !== '' && v !== '~')
    .map(([k, v]) => `${k}=${String(v).replace(/,/g, '')}`);
  return terms.length ? terms.join(',') : undefined;
}

export function listQuery(state: ListState, extra: Record<string, QueryValue> = {}): Record<string, QueryValue> {
  return { page: state.page, page_size: state.pageSize, sort: state.sort, q: qParam(state.filters), ...extra };
}

/** antd's sorter (field and order) as Harbor's sort parameter. */
export function sortParam(field: string | undefined, order: 'ascend' | 'descend' | null | undefined): string | undefined {
  if (!field || !order) return undefined;
  return order === 'descend' ? `-${field}` : field;
}
