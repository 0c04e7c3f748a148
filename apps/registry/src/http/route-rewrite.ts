/**
 * Repository names contain slashes (`team/app/api`), which a path router cannot capture in the
 * middle of a route. Before routing, the name is percent-encoded into a single path segment, so
 * controllers declare plain routes like `:name/manifests/:reference`. Greedy matching of the name
 * means a repository may itself be called `x/blobs` or `x/manifests`.
 */
const V2_ROUTE =
  /^\/v2\/(.+)\/(blobs\/uploads\/?[^/]*|blobs\/[^/]+|manifests\/[^/]+|tags\/list|referrers\/[^/]+)$/;

export function rewriteRegistryUrl(url: string): string {
  if (!url.startsWith('/v2/')) return url;
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const m = V2_ROUTE.exec(path);
  if (!m || !m[1].includes('/')) return url;
  const name = m[1];
  return `/v2/${encodeURIComponent(name)}/${m[2]}${q === -1 ? '' : url.slice(q)}`;
}
