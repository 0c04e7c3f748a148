/**
 * The banner_message setting as Harbor's portal writes it: '' for none, or the JSON text of
 * {message, type, closable, fromDate, toDate}. The API checks what it stores; the console still
 * reads defensively, since an older value may be anything.
 */
export const BANNER_TYPES = ['info', 'warning', 'success', 'danger'] as const;
export type BannerType = (typeof BANNER_TYPES)[number];

export interface Banner {
  message: string;
  type: BannerType;
  closable: boolean;
  fromDate?: string;
  toDate?: string;
}

/** The banner a setting value describes, or undefined for none (or nothing readable). */
export function parseBanner(value: string | undefined): Banner | undefined {
  if (!value) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object') return undefined;
  const raw = parsed as Record<string, unknown>;
  if (typeof raw.message !== 'string' || raw.message.trim() === '') return undefined;
  return {
    message: raw.message,
    type: (BANNER_TYPES as readonly unknown[]).includes(raw.type) ? (raw.type as BannerType) : 'info',
    closable: raw.closable === true,
    fromDate: typeof raw.fromDate === 'string' && raw.fromDate !== '' ? raw.fromDate : undefined,
    toDate: typeof raw.toDate === 'string' && raw.toDate !== '' ? raw.toDate : undefined,
  };
}

/** Whether the banner shows at `now`: from its start (if any) until its end (if any). */
export function bannerShowing(banner: Banner, now: Date): boolean {
  const from = banner.fromDate ? Date.parse(banner.fromDate) : NaN;
  const to = banner.toDate ? Date.parse(banner.toDate) : NaN;
  if (!Number.isNaN(from) && now.getTime() < from) return false;
  if (!Number.isNaN(to) && now.getTime() > to) return false;
  return true;
}

/** The setting value for a banner: '' when there is no message. */
export function bannerValue(banner: Banner): string {
  if (banner.message.trim() === '') return '';
  const value: Record<string, unknown> = { message: banner.message.trim(), type: banner.type, closable: banner.closable };
  if (banner.fromDate) value.fromDate = banner.fromDate;
  if (banner.toDate) value.toDate = banner.toDate;
  return JSON.stringify(value);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An ISO date as the reader's local "YYYY-MM-DDTHH:mm", the value of an <input type="datetime-local">. */
export function localInputOf(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The ISO date of a datetime-local value (the reader's local time), or undefined when empty. */
export function isoOfLocalInput(local: string | undefined): string | undefined {
  if (!local) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}
