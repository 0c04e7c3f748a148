/** Only paths of this console: an address elsewhere in redirect_url is ignored. */
export function safeRedirect(value: string | null): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/harbor/projects';
  return value;
}

/** Where the browser goes to log in through the OIDC provider: core sends it on, and back to `target`. */
export function oidcLoginUrl(target: string): string {
  return `/c/oidc/login?redirect_url=${encodeURIComponent(safeRedirect(target))}`;
}
