/** Only paths of this console: an address elsewhere in redirect_url is ignored. */
export function safeRedirect(value: string | null): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/harbor/projects';
  return value;
}
