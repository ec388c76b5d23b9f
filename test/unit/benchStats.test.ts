// The statistics `npm run bench` reports its figures with (scripts/bench/stats.mjs). The figures
// themselves are never asserted: speed goals live in the benchmark, not in tests.
import { describe, expect, it } from 'vitest';
import { median, quantile, round, spread } from '../../scripts/bench/stats.mjs';

describe('bench statistics', () => {
  it('takes the median of odd and even counts without reordering the samples', () => {
    const xs = [5, 1, 3];
    expect(median(xs)).toBe(3);
    expect(xs).toEqual([5, 1, 3]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('takes the p95 by nearest rank: the 19th of 20 samples, the largest of 10', () => {
    const twenty = Array.from({ length: 20 }, (_, i) => 20 - i); // 20 … 1, unsorted on purpose
    expect(quantile(twenty, 0.95)).toBe(19);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95)).toBe(10);
    expect(quantile([7], 0.95)).toBe(7);
    expect(quantile([3, 1, 2], 0)).toBe(1);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('gives the spread and rounds for the table', () => {
    expect(spread([3, 9, 1])).toEqual({ min: 1, max: 9 });
    expect(spread([]).min).toBeNaN();
    expect(round(1.23456, 2)).toBe(1.23);
    expect(round(Infinity)).toBe(Infinity);
  });
});
