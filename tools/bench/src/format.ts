/** Plain-text and markdown rendering of the result tables; no I/O. */

export type Align = 'left' | 'right';

export interface Table {
  title?: string;
  headers: string[];
  align: Align[];
  rows: string[][];
  notes?: string[];
}

/** Fixed decimals by magnitude: three significant figures for small values, whole numbers above 100. */
export function formatNumber(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  if (abs >= 100) return Math.round(value).toLocaleString('en-US');
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

/**
 * `value / base` as "1.23×". `better: 'lower'` inverts it (base / value), so that above 1 always
 * means `value` is the better of the two. "n/a" when either side is missing or zero.
 */
export function formatRatio(value: number | undefined, base: number | undefined, better: 'higher' | 'lower' = 'higher'): string {
  const r = ratio(value, base, better);
  return r === undefined ? 'n/a' : `${r.toFixed(2)}×`;
}

export function ratio(value: number | undefined, base: number | undefined, better: 'higher' | 'lower' = 'higher'): number | undefined {
  if (value === undefined || base === undefined || !Number.isFinite(value) || !Number.isFinite(base)) return undefined;
  if (value <= 0 || base <= 0) return undefined;
  return better === 'higher' ? value / base : base / value;
}

/** `part` as a whole-number percentage of `whole` ("37%"), "n/a" when unknown. */
export function formatPercent(part: number | undefined, whole: number | undefined): string {
  if (part === undefined || whole === undefined || !Number.isFinite(part) || !(whole > 0)) return 'n/a';
  return `${Math.round((part / whole) * 100)}%`;
}

function pad(cell: string, width: number, align: Align): string {
  const fill = ' '.repeat(Math.max(0, width - [...cell].length));
  return align === 'right' ? fill + cell : cell + fill;
}

export function renderText(table: Table): string {
  const widths = table.headers.map((h, i) => Math.max([...h].length, ...table.rows.map((r) => [...(r[i] ?? '')].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => pad(c, widths[i], table.align[i] ?? 'left'))
      .join('  ')
      .trimEnd();
  const out: string[] = [];
  if (table.title) out.push(table.title);
  out.push(line(table.headers), widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of table.rows) out.push(line(r));
  for (const n of table.notes ?? []) out.push(n);
  return out.join('\n');
}

export function renderMarkdown(table: Table): string {
  const esc = (c: string) => c.replace(/\|/g, '\\|');
  const out: string[] = [];
  if (table.title) out.push(`**${table.title}**`, '');
  out.push(`| ${table.headers.map(esc).join(' | ')} |`);
  out.push(`|${table.headers.map((_, i) => (table.align[i] === 'right' ? ' ---: ' : ' --- ')).join('|')}|`);
  // Markdown drops leading spaces; keep the indent of sub-rows (latency under its throughput row).
  const indent = (c: string) => c.replace(/^ +/, (sp) => '&nbsp;'.repeat(sp.length));
  for (const r of table.rows) out.push(`| ${r.map((c) => indent(esc(c))).join(' | ')} |`);
  if (table.notes?.length) out.push('', ...table.notes);
  return out.join('\n');
}
