import { median, percentile, sortedCopy, summarizeLatencies } from './stats';

describe('percentile', () => {
  const hundred = sortedCopy(Array.from({ length: 100 }, (_, i) => 100 - i)); // 1..100

  it('uses the nearest rank, so every answer is a measured value', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 99.5)).toBe(100);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 51)).toBe(3);
  });

  it('maps 0 to the minimum and 100 to the maximum', () => {
    expect(percentile(hundred, 0)).toBe(1);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
  });

  it('is undefined without samples and rejects out-of-range percentiles', () => {
    expect(percentile([], 50)).toBeUndefined();
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });
});

describe('median and summaries', () => {
  it('sorts numerically, not as strings', () => {
    expect(Array.from(sortedCopy([10, 9, 100, 1]))).toEqual([1, 9, 10, 100]);
    expect(median([10, 9, 100])).toBe(10);
  });

  it('summarizes latencies without reordering the input', () => {
    const input = Float64Array.from([5, 1, 3, 2, 4]);
    expect(summarizeLatencies(input)).toEqual({ count: 5, p50Ms: 3, p99Ms: 5, maxMs: 5 });
    expect(Array.from(input)).toEqual([5, 1, 3, 2, 4]);
    expect(summarizeLatencies([])).toBeUndefined();
  });
});
