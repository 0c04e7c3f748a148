import { normalizeContentType } from '@wharf/oci';

/** The media types an `Accept` header lists (parameters and q-values dropped), or null for any. */
export function acceptedTypes(header: string | string[] | undefined): Set<string> | null {
  const raw = Array.isArray(header) ? header.join(',') : header;
  if (!raw || !raw.trim()) return null;
  const types = new Set<string>();
  for (const part of raw.split(',')) {
    const t = normalizeContentType(part);
    if (!t) continue;
    if (t === '*/*' || t === 'application/*') return null;
    types.add(t);
  }
  return types.size === 0 ? null : types;
}
