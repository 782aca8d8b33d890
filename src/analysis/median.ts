/**
 * The median of `values` (the upper one of an even count), 0 for none. Pure. The analysis
 * detectors' robust level of a run of measurements.
 */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** The value with a fraction `q` of `values` below it (nearest rank, the upper one), 0 for none. Pure. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
}

/** The arithmetic mean of `values`, 0 for none. Pure. */
export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / Math.max(1, values.length);
}
