/**
 * Percentile by the nearest-rank method on ascending `sorted` values: the smallest value with at
 * least p% of the samples at or below it. Exact (no interpolation), so a reported p99 is a latency
 * some request really had. Undefined for an empty sample.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number | undefined {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const n = sorted.length;
  if (n === 0) return undefined;
  const rank = Math.max(1, Math.ceil((p / 100) * n));
  return sorted[rank - 1];
}

/** Sorts a copy ascending (numerically, which `Array.prototype.sort` does not do by default). */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/** The middle value (the lower one for an even count, so it is always a measured sample). */
export function median(values: ArrayLike<number>): number | undefined {
  return percentile(sortedCopy(values), 50);
}

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export function summarizeLatencies(latenciesMs: ArrayLike<number>): LatencySummary | undefined {
  const sorted = sortedCopy(latenciesMs);
  if (sorted.length === 0) return undefined;
  return {
    count: sorted.length,
    p50Ms: percentile(sorted, 50) as number,
    p99Ms: percentile(sorted, 99) as number,
    maxMs: sorted[sorted.length - 1],
  };
}
