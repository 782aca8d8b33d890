import { median } from '../median.js';
import { acfPerOverlap } from './rhythm-evidence.js';
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
  /**
   * The same at the period or at twice it, whichever is higher: how steady the pulse is. A slow
   * ballad struck on one and three (every 2 s at 60 BPM) repeats at two beats, not at one.
   */
  pulse: number;
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
  const acf = acfPerOverlap(onset, 2 * maxLag + 1);
  if (!(acf[0]! > 0)) return undefined;
  const weight = (lag: number) => {
    const bpm = (60 * frameRate) / lag;
    return Math.exp(-0.5 * (Math.log2(bpm / prior) / octaves) ** 2);
  };
  // The period lies within half a frame of the lag, so its double within a frame of 2 * lag: a
  // period between frames (124 BPM is 41.7 frames) would otherwise lose its double to rounding.
  const near = (at: number) => Math.max(acf[at - 1] ?? 0, acf[at]!, acf[at + 1] ?? 0);
  const score = (lag: number) => weight(lag) * (Math.max(0, acf[lag]!) + 0.5 * Math.max(0, near(2 * lag)));
  let best = -1;
  for (let lag = minLag; lag <= maxLag; lag++) if (best < 0 || score(lag) > score(best)) best = lag;
  if (best < 0 || !(score(best) > 0)) return undefined;
  best = metrical(best, acf, score, minLag, maxLag);
  // Parabolic interpolation of the peak gives the period between frames.
  const [a, b, c] = [acf[best - 1] ?? acf[best]!, acf[best]!, acf[best + 1] ?? acf[best]!];
  const denom = a - 2 * b + c;
  const period = best + (denom < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / denom)) : 0);
  const strength = acf[best]! / acf[0]!;
  const pulse = Math.max(strength, near(Math.round(2 * period)) / acf[0]!);
  return { bpm: (60 * frameRate) / period, period, strength, pulse };
}

/**
 * A beat is 1, 2, 3, 4, 6 or 8 of the fastest pulse, never 5 or 7: under a grid struck alike (a
 * snare on every sixteenth) the autocorrelation is nearly flat over the pulse's multiples, and five
 * sixteenths can edge out four by a hair. Where the lag is 5 or 7 pulses of such a grid (every
 * multiple of the pulse up to the lag nearly as strong as the lag, nothing halfway between them),
 * the best-scoring metrical multiple near it (4, 6 or 8 pulses) is the beat.
 */
function metrical(
  lag: number,
  acf: Float64Array,
  score: (lag: number) => number,
  minLag: number,
  maxLag: number,
): number {
  const near = (at: number) => {
    const k = Math.round(at);
    return Math.max(acf[k - 1]!, acf[k]!, acf[k + 1]!);
  };
  for (const parts of [5, 7]) {
    const pulse = lag / parts;
    if (pulse < 4) continue;
    const multiples = Array.from({ length: parts - 1 }, (_, k) => near((k + 1) * pulse));
    if (Math.min(...multiples) < 0.7 * acf[lag]! || acf[Math.round(pulse / 2)]! > 0.5 * multiples[0]!)
      continue;
    let moved = -1;
    for (const whole of [4, 6, 8]) {
      const centre = Math.round(whole * pulse);
      for (let k = centre - 1; k <= centre + 1; k++)
        if (k >= minLag && k <= maxLag && (moved < 0 || score(k) > score(moved))) moved = k;
    }
    if (moved >= 0) return moved;
  }
  return lag;
}

/**
 * Tempo from the least-squares slope of beat time against beat number: sub-frame precise. Beats
 * dropped in a pause (audibleOnly) are counted as the beats the gap holds, at the median step.
 */
export function meanTempo(beats: readonly number[]): number | undefined {
  const n = beats.length;
  if (n < 4) return undefined;
  const step = median(beats.slice(1).map((t, i) => t - beats[i]!));
  const number = [0];
  for (let i = 1; i < n; i++)
    number.push(number[i - 1]! + Math.max(1, Math.round((beats[i]! - beats[i - 1]!) / step)));
  const meanI = number.reduce((a, b) => a + b, 0) / n;
  const meanT = beats.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  beats.forEach((t, i) => {
    num += (number[i]! - meanI) * (t - meanT);
    den += (number[i]! - meanI) ** 2;
  });
  return num > 0 ? (60 * den) / num : undefined;
}
