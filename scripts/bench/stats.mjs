// Small statistics for `npm run bench`: medians, percentiles and spreads of samples.

/**
 * The q-quantile of `xs` (0 ≤ q ≤ 1), nearest rank on the sorted samples; NaN when there are none.
 * @param {readonly number[]} xs
 * @param {number} q
 */
export function quantile(xs, q) {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const rank = Math.ceil(q * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

/** The median of `xs` (mean of the middle two for an even count); NaN when empty. */
export function median(xs) {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Smallest and largest sample: the spread printed beside a median. */
export function spread(xs) {
  return xs.length ? { min: Math.min(...xs), max: Math.max(...xs) } : { min: NaN, max: NaN };
}

/** Rounds to `digits` decimals (for the JSON and the table). */
export const round = (x, digits = 2) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);
