/** The kinds of announcement Harbor's portal shows, by colour. */
export const BANNER_TYPES = ['success', 'info', 'warning', 'danger'] as const;

/** The parsed form of the banner_message setting, as Harbor's portal writes it. */
export interface BannerMessage {
  message: string;
  type?: (typeof BANNER_TYPES)[number];
  closable?: boolean;
  /** When the banner starts and stops showing (any date Date.parse reads, usually ISO 8601). */
  fromDate?: string;
  toDate?: string;
}

/** An announcement is a sentence or a paragraph; the setting row is no place for a document. */
const BANNER_MAX = 4096;

function isDate(value: unknown): boolean {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value));
}

/**
 * Why a banner_message value cannot be stored, or undefined. Harbor stores any string and its
 * portal then fails to show it; here the value must be empty (no banner) or the JSON object the
 * console reads: a non-empty message, and type, closable and dates of the right kinds.
 */
export function bannerMessageProblem(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > BANNER_MAX) return `banner_message must be at most ${BANNER_MAX} characters long`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return 'banner_message must be empty or a JSON object such as {"message":"...","type":"info","closable":true}';
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return 'banner_message must be a JSON object';
  const banner = parsed as Record<string, unknown>;
  if (typeof banner.message !== 'string' || banner.message.trim() === '') return 'banner_message needs a non-empty "message"';
  if (banner.type !== undefined && !(BANNER_TYPES as readonly unknown[]).includes(banner.type)) return `banner_message "type" must be one of ${BANNER_TYPES.join(', ')}`;
  if (banner.closable !== undefined && typeof banner.closable !== 'boolean') return 'banner_message "closable" must be true or false';
  for (const key of ['fromDate', 'toDate'] as const) {
    if (banner[key] !== undefined && banner[key] !== null && banner[key] !== '' && !isDate(banner[key])) return `banner_message "${key}" must be a date`;
  }
  if (isDate(banner.fromDate) && isDate(banner.toDate) && Date.parse(banner.toDate as string) < Date.parse(banner.fromDate as string)) {
    return 'banner_message "toDate" must not be before "fromDate"';
  }
  return undefined;
}
