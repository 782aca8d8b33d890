/**
 * The median of `values` (the upper one of an even count), 0 for none. Pure. The analysis
 * detectors' robust level of a run of measurements.
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
