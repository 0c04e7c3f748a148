/**
 * Values for Harbor's `q` terms (see list.ts): what a person types becomes a term the server reads
 * as they meant it. The grammar splits terms at commas and reads quotes as the bounds of a value,
 * so a typed quote must be wrapped in the other kind and a comma cannot be searched for.
 */

/** `~text` (contains, ignoring case), or undefined for nothing typed. */
export function fuzzyTerm(text: string | undefined): string | undefined {
  const value = (text ?? '').replace(/,/g, '').trim();
  if (!value) return undefined;
  const hasDouble = value.includes('"');
  const hasSingle = value.includes("'");
  if (hasDouble && hasSingle) return `~${value.replace(/"/g, '')}`;
  if (hasDouble) return `~'${value}'`;
  if (hasSingle) return `~"${value}"`;
  return `~${value}`;
}

/** An exact value; a leading ~ [ { ( would otherwise be read as another kind of term. */
export function exactTerm(value: string | undefined): string | undefined {
  const v = (value ?? '').replace(/,/g, '').trim();
  if (!v) return undefined;
  return /^[~[{(\\]/.test(v) ? `\\${v}` : v;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Midnight at the start of a local calendar day `YYYY-MM-DD`, or undefined if it is not one. */
function localDay(value: string): Date | undefined {
  const m = DAY.exec(value.trim());
  if (!m) return undefined;
  const date = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return date.getFullYear() === Number(m[1]) && date.getMonth() === Number(m[2]) - 1 && date.getDate() === Number(m[3]) ? date : undefined;
}

/**
 * A range of whole local days as `[from~to]` in UTC instants: from the first moment of `from` to
 * the last millisecond of `to`. Either end may be left open; nothing (or an unreadable day, or
 * `to` before `from`) gives undefined, i.e. no filter.
 */
export function dayRangeTerm(from: string | undefined, to: string | undefined): string | undefined {
  const start = from ? localDay(from) : undefined;
  const endDay = to ? localDay(to) : undefined;
  if ((from && !start) || (to && !endDay)) return undefined;
  const end = endDay ? new Date(endDay.getFullYear(), endDay.getMonth(), endDay.getDate() + 1, 0, 0, 0, -1) : undefined;
  if (!start && !end) return undefined;
  if (start && end && end < start) return undefined;
  return `[${start ? start.toISOString() : ''}~${end ? end.toISOString() : ''}]`;
}
