const UNITS: Readonly<Record<string, number>> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

/**
 * logrotate's `size`: a byte count, optionally followed by K, M or G (either case). Returns the
 * canonical spelling (upper-case unit) and the bytes, or why the value is not one.
 */
export function parseRotateSize(raw: string | number): { size: string; bytes: number } | { problem: string } {
  const text = String(raw).trim();
  const m = /^(\d+)\s*([kmg]?)$/i.exec(text);
  if (!m) {
    const unit = /^\d+\s*([kmg])i?b$/i.exec(text);
    if (unit) return { problem: `write the unit as one letter, like ${text.replace(/\D+$/, '')}${unit[1].toUpperCase()}` };
    return { problem: `expected a size like 200M, 1G, 512K or a number of bytes, got ${JSON.stringify(raw)}` };
  }
  const unit = m[2].toUpperCase();
  const bytes = Number(m[1]) * UNITS[unit];
  if (bytes <= 0) return { problem: 'must be more than 0' };
  if (!Number.isSafeInteger(bytes)) return { problem: 'is too large' };
  return { size: `${Number(m[1])}${unit}`, bytes };
}
