import { OciError } from '@wharf/oci';

export const MAX_PAGE = 10_000;

/**
 * `n` and `last` of a list request; `n` absent means "everything", capped at MAX_PAGE. `last` is
 * a tag or repository name: `isValidLast` says which grammar it must follow.
 */
export function parsePage(n: string | undefined, last: string | undefined, isValidLast: (s: string) => boolean): { limit: number; last?: string } {
  if (last && !isValidLast(last)) throw new OciError('PAGINATION_NUMBER_INVALID', `invalid pagination marker last=${JSON.stringify(last)}`);
  if (n === undefined || n === '') return { limit: MAX_PAGE, last: last || undefined };
  if (!/^\d{1,9}$/.test(n)) throw new OciError('PAGINATION_NUMBER_INVALID', `invalid page size n=${n}`);
  return { limit: Math.min(Number(n), MAX_PAGE), last: last || undefined };
}

/** The RFC 5988 `Link` header for the next page, or undefined when this page is the last. */
export function nextLink(path: string, n: number, items: string[], extra: Record<string, string> = {}): string | undefined {
  if (items.length === 0 || items.length < n) return undefined;
  const params = new URLSearchParams({ ...extra, n: String(n), last: items[items.length - 1] });
  return `<${path}?${params.toString()}>; rel="next"`;
}
