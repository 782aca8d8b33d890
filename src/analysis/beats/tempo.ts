import { lagProducts } from './rhythm-evidence.js';
export interface TempoOptions {
  /** Centre of the log-normal tempo prior (Ellis 2007: 120 BPM). */
  priorBpm?: number;
  /** Width of the prior in octaves. */
  priorOctaves?: number;
  minBpm?: number;
  maxBpm?: number;
}

export interface TempoEstimate {
  bpm: number;
  /** Beat period in envelope frames, with sub-frame precision. */
  period: number;
  /** Autocorrelation at the period relative to lag 0: how periodic the envelope is. */
  strength: number;
}

/**
 * Global tempo: the lag where the onset envelope's autocorrelation, weighted by a log-normal
 * prior around 120 BPM, peaks; a lag whose double is also strong (the bar level agrees) gains.
 * Returns undefined for an envelope with no periodicity to speak of.
 */
export function estimateTempo(
  onset: Float64Array,
  frameRate: number,
  options: TempoOptions = {},
): TempoEstimate | undefined {
  const prior = options.priorBpm ?? 120;
  const octaves = options.priorOctaves ?? 1;
  const minLag = Math.max(1, Math.floor((60 * frameRate) / (options.maxBpm ?? 240)));
  const maxLag = Math.ceil((60 * frameRate) / (options.minBpm ?? 40));
  const n = onset.length;
  if (n < 2 * maxLag) return undefined;
  const acf = lagProducts(onset, 2 * maxLag + 1).map((sum, lag) => (lag < n ? sum / (n - lag) : 0));
  if (!(acf[0]! > 0)) return undefined;
  const weight = (lag: number) => {
    const bpm = (60 * frameRate) / lag;
    return Math.exp(-0.5 * (Math.log2(bpm / prior) / octaves) ** 2);
  };
  let best = -1;
  let bestScore = -Infinity;
  for (let lag = minLag; lag <= maxLag; lag++) {
    const score = weight(lag) * (Math.max(0, acf[lag]!) + 0.5 * Math.max(0, acf[2 * lag] ?? 0));
    if (score > bestScore) {
      bestScore = score;
      best = lag;
    }
  }
  if (best < 0 || !(bestScore > 0)) return undefined;
  // Parabolic interpolation of the peak gives the period between frames.
  const [a, b, c] = [acf[best - 1] ?? acf[best]!, acf[best]!, acf[best + 1] ?? acf[best]!];
  const denom = a - 2 * b + c;
  const period = best + (denom < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / denom)) : 0);
  return { bpm: (60 * frameRate) / period, period, strength: acf[best]! / acf[0]! };
}
