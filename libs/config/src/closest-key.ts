/**
 * Edit distance counting a swap of two neighbours as one edit (optimal string alignment), so
 * `hsotname` is one typo away from `hostname`, like `hostnam` is.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[rows - 1][cols - 1];
}

/** Case and `-`/`_` do not count as typos: `Private-Key` is `private_key`. */
export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/-/g, '_');
}

/**
 * The candidate `key` most likely stands for, or undefined when none is close enough to be a
 * plausible typo (short keys allow fewer edits, or every unknown key would "mean" `port`).
 */
export function closestKey(key: string, candidates: readonly string[]): string | undefined {
  const wanted = normalizeKey(key);
  const allowed = wanted.length <= 4 ? 1 : wanted.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, normalizeKey(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (bestDistance <= allowed) return best;
  // A key missing a word (`max_workers` for `max_job_workers`) is far in edits but plain to a reader.
  if (wanted.length < 4) return undefined;
  for (const candidate of candidates) {
    const c = normalizeKey(candidate);
    if (c.includes(wanted) || wanted.includes(c) || sameWords(c, wanted)) return candidate;
  }
  return undefined;
}

function sameWords(a: string, b: string): boolean {
  const words = (s: string) => s.split('_').filter(Boolean);
  const wa = words(a);
  const wb = words(b);
  const shorter = wa.length <= wb.length ? wa : wb;
  const longer = wa.length <= wb.length ? wb : wa;
  return shorter.length > 1 && shorter.every((w) => longer.includes(w));
}
