/**
 * The project settings Wharf keeps and acts on, between the project as the API answers it and
 * PUT /projects/{id}: the access level (metadata.public) and the CVE allowlist.
 */

export interface CveAllowlist {
  items?: { cve_id: string }[];
  /** Seconds since the epoch; absent or null for no expiry. */
  expires_at?: number | null;
}

export interface ConfigValues {
  public: boolean;
  /** The allowlisted ids as typed: one per line, or separated by commas or spaces. */
  cveIds: string;
  /** YYYY-MM-DD (the list expires at the end of that day, UTC), or '' for never. */
  expiresOn: string;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The ids in the text, trimmed and without repeats (CVE ids upper-cased), and the tokens that are not ids. */
export function parseCveIds(text: string): { ids: string[]; invalid: string[] } {
  const ids: string[] = [];
  const invalid: string[] = [];
  for (const token of text.split(/[\s,;]+/).filter((s) => s !== '')) {
    const id = /^cve-/i.test(token) ? token.toUpperCase() : token;
    if (!ID.test(id)) invalid.push(token);
    else if (!ids.includes(id)) ids.push(id);
  }
  return { ids, invalid };
}

/** The end of the day YYYY-MM-DD in UTC as seconds, undefined for '' (never), NaN for an impossible date. */
export function expiresAtOf(day: string): number | undefined {
  if (day.trim() === '') return undefined;
  const m = DAY.exec(day.trim());
  if (!m) return Number.NaN;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d, 23, 59, 59));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return Number.NaN;
  return Math.floor(date.getTime() / 1000);
}

/** The UTC day (YYYY-MM-DD) of an expiry, '' for none. */
export function dayOf(expiresAt: number | null | undefined): string {
  if (expiresAt === null || expiresAt === undefined || !Number.isFinite(expiresAt) || expiresAt <= 0) return '';
  return new Date(expiresAt * 1000).toISOString().slice(0, 10);
}

export function configValuesOf(project: { metadata: Record<string, string>; cve_allowlist?: CveAllowlist }): ConfigValues {
  return {
    public: project.metadata?.public === 'true',
    cveIds: (project.cve_allowlist?.items ?? []).map((i) => i.cve_id).join('\n'),
    expiresOn: dayOf(project.cve_allowlist?.expires_at),
  };
}

/**
 * The body of PUT /projects/{id}. The allowlist is sent only when it changed, so that saving the
 * access level does not touch the allowlist's update time. Throws nothing: check the values with
 * {@link parseCveIds} and {@link expiresAtOf} first.
 */
export function configBody(values: ConfigValues, project: { cve_allowlist?: CveAllowlist }) {
  const body: { metadata: { public: string }; cve_allowlist?: { items: { cve_id: string }[]; expires_at: number | null } } = {
    metadata: { public: String(values.public) },
  };
  const ids = parseCveIds(values.cveIds).ids;
  const expiresAt = expiresAtOf(values.expiresOn) ?? null;
  const currentIds = (project.cve_allowlist?.items ?? []).map((i) => i.cve_id);
  const currentExpiry = project.cve_allowlist?.expires_at ?? null;
  const same = ids.length === currentIds.length && ids.every((id, i) => id === currentIds[i]) && expiresAt === currentExpiry;
  if (!same) body.cve_allowlist = { items: ids.map((cve_id) => ({ cve_id })), expires_at: expiresAt };
  return body;
}
