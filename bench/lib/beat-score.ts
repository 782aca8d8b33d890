/**
 * Beat-tracking F-measure as mir_eval computes it: estimated and reference beats before `skip`
 * seconds are ignored, each reference matches at most one estimate within +-window seconds.
 */
export function beatFMeasure(
  estimated: readonly number[],
  reference: readonly number[],
  window = 0.07,
  skip = 5,
): number {
  const est = estimated.filter((t) => t >= skip);
  const ref = reference.filter((t) => t >= skip);
  if (est.length === 0 || ref.length === 0) return 0;
  const used = new Set<number>();
  let hits = 0;
  for (const r of ref) {
    let best = -1;
    let bestDistance = Infinity;
    est.forEach((e, i) => {
      const d = Math.abs(e - r);
      if (d <= window && d < bestDistance && !used.has(i)) {
        best = i;
        bestDistance = d;
      }
    });
    if (best >= 0) {
      used.add(best);
      hits++;
    }
  }
  const precision = hits / est.length;
  const recall = hits / ref.length;
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}

/** The mean tempo of reference beats (BPM), from the first to the last beat. */
export function referenceTempo(beats: readonly number[]): number {
  return (60 * (beats.length - 1)) / (beats[beats.length - 1]! - beats[0]!);
}
