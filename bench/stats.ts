/** Percentiles and spreads of measured values. */

/** The nearest-rank percentile `p` (0..100) of `sorted` (ascending); NaN if empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** p50, p99 and max of a set of latencies. */
export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** Summarises latencies (any order). */
export function summarise(values: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(values).sort();
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
  };
}

/** Median and range of repeated measurements. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

/** The spread of finite values; `null` when there are none. */
export function spread(values: readonly number[]): Spread | null {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return null;
  const mid = finite.length / 2;
  const median = finite.length % 2
    ? finite[Math.floor(mid)]
    : (finite[mid - 1] + finite[mid]) / 2;
  return {
    median,
    min: finite[0],
    max: finite[finite.length - 1],
    n: finite.length,
  };
}
