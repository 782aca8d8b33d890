export interface LevelOptions {
  minBpm?: number;
  maxBpm?: number;
}

/**
 * Corrects an octave error of the tempo estimate by looking at the tracked beats: when the
 * points halfway between beats carry accents as strong as half the beats' (a snare between
 * kicks), the true beat is twice as fast; when every other beat is far weaker than its
 * neighbours (off-beat hi-hats between kick and snare), it is half as fast. Accents are rises
 * of linear RMS energy, not log-mel flux: the log scale makes a faint hi-hat look as strong as a
 * kick, which is right for finding onsets and wrong for weighing them. Returns the factor to
 * apply to the tempo: 2, 0.5 or 1.
 */
export function metricalFactor(
  rms: Float64Array,
  beats: readonly number[],
  period: number,
  frameRate: number,
  options: LevelOptions = {},
): 1 | 2 | 0.5 {
  if (beats.length < 8) return 1;
  const bpm = (60 * frameRate) / period;
  const accent = Float64Array.from(rms, (v, i) => Math.max(0, v - (rms[i - 2] ?? 0)));
  const reach = Math.max(1, Math.round(period / 16));
  const peak = (at: number) => {
    let best = 0;
    for (let t = Math.round(at) - reach; t <= Math.round(at) + reach; t++)
      best = Math.max(best, accent[t] ?? 0);
    return best;
  };
  const onBeat = beats.map(peak);
  const halfway = beats.slice(1).map((b, i) => peak((b + beats[i]!) / 2));
  const beatLevel = median(onBeat);
  if (beatLevel <= 0) return 1;
  if (bpm * 2 <= (options.maxBpm ?? 200) && median(halfway) >= 0.5 * beatLevel) return 2;
  const even = median(onBeat.filter((_, i) => i % 2 === 0));
  const odd = median(onBeat.filter((_, i) => i % 2 === 1));
  if (bpm / 2 >= (options.minBpm ?? 60) && Math.min(even, odd) < 0.2 * Math.max(even, odd)) return 0.5;
  return 1;
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
