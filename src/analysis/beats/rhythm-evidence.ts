import { scratch } from '../../wasm/dsp.js';
import { median } from '../median.js';
import type { LevelEnvelope } from './level-types.js';
/** Accents: the rise of a linear energy curve over two frames (0 where it falls). */
export function rises(curve: Float64Array): Float64Array {
  return Float64Array.from(curve, (v, i) => Math.max(0, v - (curve[i - 2] ?? 0)));
}

/**
 * Sums of products of `x`'s deviations from its mean `lag` frames apart (index: the lag), for the
 * lags from `minLag` to `maxLag` and lag 0 (the deviations' energy); other lags, and lags past the
 * curve's end, are 0. Pure. How periodic a curve is at each lag, before the normalisation its caller
 * wants (per overlap, or by the energy).
 */
export function lagProducts(x: Float64Array, maxLag: number, minLag = 1): Float64Array {
  // Compiled (wasm/dsp.ts): n x maxLag products, a million for a 30 s track's tempo, which a fresh
  // process would run in the interpreter, a number object per product.
  const n = x.length;
  const { dsp, at } = scratch({ x: 8 * n, d: 8 * n, out: 8 * (maxLag + 1) });
  dsp.f64(at.x, n).set(x);
  dsp.f64(at.out, maxLag + 1).fill(0);
  dsp.kernels.lagProducts(at.x, n, minLag, maxLag, at.d, at.out);
  return dsp.f64(at.out, maxLag + 1).slice();
}

/**
 * `lagProducts` per overlap: each lag's sum over the number of frame pairs it has, so that a long
 * lag is not marked down for its shorter overlap (0 past the curve's end). Pure.
 */
export function acfPerOverlap(x: Float64Array, maxLag: number, minLag = 1): Float64Array {
  const n = x.length;
  return lagProducts(x, maxLag, minLag).map((sum, lag) => (lag < n ? sum / (n - lag) : 0));
}

/** The largest value of `curve` within +-reach frames of `at`. */
export function peakAt(curve: Float64Array, at: number, reach: number): number {
  let best = 0;
  const centre = Math.round(at);
  for (let t = centre - reach; t <= centre + reach; t++) best = Math.max(best, curve[t] ?? 0);
  return best;
}

/**
 * The median of `curve`'s peaks (within +-reach) at each place of a cycle of `cycle` points: at the
 * 1st, (cycle+1)th... point, at the 2nd..., in order.
 */
export function placeMedians(
  curve: Float64Array,
  points: readonly number[],
  reach: number,
  cycle: number,
): number[] {
  return Array.from({ length: cycle }, (_, k) =>
    median(points.filter((_, i) => i % cycle === k).map((t) => peakAt(curve, t, reach))),
  );
}

/**
 * The weaker of every other point's medians against the louder (placeMedians of 2), 0..1: near 0
 * for a snare on two and four, near 1 for a hit on every beat; 1 where both are nothing.
 */
export function everyOtherShare(curve: Float64Array, points: readonly number[], reach: number): number {
  const [even, odd] = placeMedians(curve, points, reach, 2) as [number, number];
  const louder = Math.max(even, odd);
  return louder > 0 ? Math.min(even, odd) / louder : 1;
}

export interface HarmonicPeriod {
  /** Frames between chord changes (the bar, or half of it). */
  period: number;
  /** Autocorrelation at the period relative to lag 0. */
  strength: number;
}

/**
 * The longest bar the harmony is looked for at (seconds): four beats at 50 BPM, the slowest level
 * reported, are 4.8 s (at 4.5 s, a ballad at 53 BPM had no bar and read at 106, a slow jam at 50
 * at 100). Shorter than most four-bar chord progressions, whose repeat would otherwise win; a
 * fast one within reach is taken apart below.
 */
export const MAX_BAR_SEC = 5;

/**
 * How often the harmony changes: the first strong peak (at least 60% of the highest: the bar, not
 * a run of bars) of the harmonic-change curve's autocorrelation between 0.7 s and MAX_BAR_SEC.
 * Undefined when the curve has no periodicity to speak of (drums alone, a drone), so that no
 * evidence is invented.
 */
export function harmonicPeriod(harmonic: Float64Array, frameRate: number): HarmonicPeriod | undefined {
  const minLag = Math.round(0.7 * frameRate);
  const maxLag = Math.round(MAX_BAR_SEC * frameRate);
  const n = harmonic.length;
  if (n < 2 * maxLag) return undefined;
  const smooth = new Float64Array(n);
  for (let t = 0; t < n; t++) smooth[t] = (harmonic[t - 1] ?? 0) + harmonic[t]! + (harmonic[t + 1] ?? 0);
  const acf = acfPerOverlap(smooth, maxLag + 1);
  if (!(acf[0]! > 0)) return undefined;
  let topLag = minLag;
  for (let lag = minLag; lag <= maxLag; lag++) if (acf[lag]! > acf[topLag]!) topLag = lag;
  const top = acf[topLag]!;
  if (top / acf[0]! < 0.3) return undefined;
  for (let first = minLag; first <= maxLag; first++) {
    const v = acf[first]!;
    if (v < 0.6 * top || v < acf[first - 1]! || v < acf[first + 1]!) continue;
    // A side peak (the bar less one sixteenth) may come first: take the highest one near it.
    let lag = first;
    for (let k = first; k <= Math.min(maxLag, Math.round(first * 1.08)); k++)
      if (acf[k]! > acf[lag]!) lag = k;
    if (!divides(acf, lag, topLag)) continue;
    // A fast bar may repeat as a four-bar progression within reach: a clear peak at a half, a
    // third or a quarter of the lag is the bar itself, if it is more than the comb of beats.
    for (const k of [4, 3, 2]) {
      const sub = bestNear(acf, lag / k, Math.max(1, Math.round(lag / k / 25)));
      if (
        lag / k >= minLag &&
        sub.value >= 0.45 * top &&
        isPeak(acf, sub.lag) &&
        divides(acf, sub.lag, topLag) &&
        standsOut(acf, sub, top)
      ) {
        lag = sub.lag;
        break;
      }
    }
    // Chords struck staccato, or comped on every beat or eighth, change the harmony faster than
    // any bar: a comb of peaks at a fraction of the lag, below the bar range, is articulation.
    if (pulsesFaster(acf, lag, 0.6 * top, Math.round(0.1 * frameRate), minLag)) return undefined;
    // Nor is a comb whose fifth or seventh tooth happens to be its highest: a skank struck on two
    // and four, its teeth at every beat 0.54-0.71 of the top at five beats, read as a bar of four
    // slow beats (a one-drop at 72 at 54). Chords changing once a bar of five or seven leave no
    // comb of teeth within it (the bench's 5/4 and 7/4 renders keep their bars).
    if (oddComb(acf, lag)) return undefined;
    const [a, b, c] = [acf[lag - 1]!, acf[lag]!, acf[lag + 1]!];
    const denom = a - 2 * b + c;
    const offset = denom < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / denom)) : 0;
    return { period: lag + offset, strength: b / acf[0]! };
  }
  return undefined;
}

/**
 * Whether the strongest repeat of the harmony (`topLag`) is a whole number of `lag`s, as it is
 * when `lag` is the bar (the top: one bar, or the progression of two or four). Chords struck in a
 * pattern that is not the bar (3+3+2 eighths over 4/4) also correlate at some of its gaps (three
 * eighths, six), but the bar of eight is no multiple of them. A lag nearly as strong as the top
 * stands on its own.
 */
function divides(acf: Float64Array, lag: number, topLag: number): boolean {
  if (acf[lag]! >= 0.9 * acf[topLag]!) return true;
  const times = Math.round(topLag / lag);
  return times >= 1 && Math.abs(topLag - times * lag) <= Math.max(2, 0.04 * topLag);
}

/**
 * Whether a peak of the autocorrelation rises above the value at half its lag: a chord struck on
 * every beat correlates at every beat alike (a staccato chord at 100 BPM: 0.33 of the top at one
 * beat, 0.31 at two), and two beats of that comb are no half bar.
 */
function standsOut(acf: Float64Array, peak: { lag: number; value: number }, top: number): boolean {
  const half = bestNear(acf, peak.lag / 2, Math.max(1, Math.round(peak.lag / 50)));
  return peak.value - half.value >= 0.1 * top;
}

/** The lag of the highest value of `acf` within +-reach of `at`, and that value. */
export function bestNear(acf: Float64Array, at: number, reach: number): { lag: number; value: number } {
  let lag = Math.round(at);
  for (let k = Math.round(at) - reach; k <= Math.round(at) + reach; k++) if (acf[k]! > acf[lag]!) lag = k;
  return { lag, value: acf[lag]! };
}

function isPeak(acf: Float64Array, lag: number): boolean {
  return acf[lag]! >= acf[lag - 1]! && acf[lag]! >= acf[lag + 1]!;
}

/** Whether `lag` is the fifth or seventh tooth of a comb: peaks of ODD_TOOTH of it at every lag/k. */
function oddComb(acf: Float64Array, lag: number): boolean {
  return [5, 7].some((k) => {
    const step = lag / k;
    const reach = Math.max(1, Math.round(step / 10));
    for (let j = 1; j < k; j++) {
      const tooth = bestNear(acf, j * step, reach);
      if (tooth.value < ODD_TOOTH * acf[lag]! || !isPeak(acf, tooth.lag)) return false;
    }
    return true;
  });
}

/**
 * A tooth of an odd comb reaches this share of the comb's top: 0.54-0.71 on the one-drop above
 * (at 0.65 it was read at 54 again; from 0.4 to 0.5 no other evaluation track changes).
 */
const ODD_TOOTH = 0.5;

/**
 * Whether the autocorrelation repeats at lag/k for some k, with lag/k in [shortest, below): a
 * peak of at least `floor` at every multiple of lag/k up to the lag.
 */
function pulsesFaster(
  acf: Float64Array,
  lag: number,
  floor: number,
  shortest: number,
  below: number,
): boolean {
  for (let k = 2; lag / k >= shortest; k++) {
    const step = lag / k;
    if (step >= below) continue;
    const reach = Math.max(1, Math.round(step / 10));
    let comb = true;
    for (let j = 1; j < k && comb; j++) {
      const near = bestNear(acf, j * step, reach);
      comb = near.value >= floor && isPeak(acf, near.lag);
    }
    if (comb) return true;
  }
  return false;
}

/**
 * Whether a beat of `period` frames splits into three (compound meter: 6/8, 12/8, a shuffle) by
 * the onset autocorrelation `acf` (per overlap, any scale): peaks at a third and two thirds of the
 * beat over the half-beat (the division is three, not two); the beat over the two-eighth lags
 * beside it, 2/3 and 4/3 of it (three eighths group as beats, not two as quarters: a waltz with
 * running eighths groups its six as three quarters); and two beats over 8/3 (the eighths do not
 * group into a bar of eight: 3+3+2 tresillo in 4/4 repeats at eight, not six), nor four over
 * 16/3 (two bars of eight: a bossa nova's comping over two bars). Measured on the
 * GM renders of the beat bench: 6/8 and 12/8 beat over 2/3 and 4/3 1.4-2.4, two beats over 8/3
 * 1.3-2.2; simple meters at three eighths 1 or less, or the 8/3 test under 0.6. Pure.
 */
export function dividesInThree(acf: Float64Array, period: number): boolean {
  const reach = Math.max(1, Math.round(period / 20));
  if (Math.round((8 / 3) * period) + reach >= acf.length || !(acf[0]! > 0)) return false;
  const at = (lag: number) => bestNear(acf, lag, reach).value / acf[0]!;
  const beat = at(period);
  return (
    beat >= COMPOUND_BEAT &&
    Math.max(at(period / 3), at((2 * period) / 3)) > at(period / 2) + 0.1 &&
    beat > THREE_OVER_TWO * Math.max(at((2 * period) / 3), at((4 * period) / 3)) &&
    at(2 * period) > THREE_OVER_TWO * at((8 / 3) * period) &&
    // ...nor into two bars of eight (a bossa's comping repeats at sixteen eighths, and its 3+3+2
    // bass, heard alone, did pass the test at eight), where the lags are in reach.
    (Math.round((16 / 3) * period) + reach >= acf.length ||
      at(4 * period) > THREE_OVER_TWO * at((16 / 3) * period))
  );
}

/**
 * The onsets' repeat at the dotted quarter (against lag 0) under which no division is judged. A
 * 6/8 for strings, pizzicato eighths under a held pad, repeats at only 0.20 there though its threes
 * out-repeat its twos twice over (it was read at 87, its quarters, at 0.3); the ratios below
 * decide. None of 338 tracks, simple meters among them, changed at 0.15.
 */
const COMPOUND_BEAT = 0.15;
/** How much the grouping in threes must out-repeat the grouping in twos (measured: 1.3-2.4). */
const THREE_OVER_TWO = 1.2;

/** The frame of the largest value within +-reach of `at`. */
export function strongest(curve: Float64Array, at: number, reach: number): number {
  const centre = Math.round(at);
  let best = Math.max(0, Math.min(curve.length - 1, centre));
  for (let t = Math.max(0, centre - reach); t <= Math.min(curve.length - 1, centre + reach); t++)
    if (curve[t]! > curve[best]!) best = t;
  return best;
}

/**
 * Median accents (linear energy rises) at the beats, halfway between them, a third of the way and
 * at both quarters.
 */
export function accents(env: Pick<LevelEnvelope, 'rms'>, beats: readonly number[], period: number) {
  const accent = rises(env.rms);
  const reach = Math.max(1, Math.round(period / 16));
  const at = (t: number) => peakAt(accent, t, reach);
  const near = (t: number) => peakAt(accent, t, Math.max(1, Math.round(period / 32)));
  const onBeat = beats.map(at);
  const gaps = beats.slice(1).map((b, i) => [beats[i]!, b - beats[i]!] as const);
  const halfways = gaps.map(([b, gap]) => at(b + gap / 2));
  return {
    onBeat,
    level: median(onBeat),
    halfway: median(halfways),
    /** The accent halfway after each beat but the last. */
    halfways,
    thirds: median(gaps.map(([b, gap]) => Math.max(at(b + gap / 3), at(b + (2 * gap) / 3)))),
    /** The fainter of the two thirds: struck where the gap is a bar of three beats. */
    bothThirds: median(gaps.map(([b, gap]) => Math.min(at(b + gap / 3), at(b + (2 * gap) / 3)))),
    // Struck at both quarters (one is a syncopated kick), looked up narrowly: a hit at a third
    // (2:3 beats) is only a twelfth of a beat from them.
    quarters: median(gaps.map(([b, gap]) => Math.min(near(b + gap / 4), near(b + (3 * gap) / 4)))),
    /**
     * The louder of the two sixths, looked up as widely as the thirds: random accents (a voice)
     * are as loud there, a hit a third of the way is not (it is a sixth of a gap off).
     */
    eitherSixth: median(gaps.map(([b, gap]) => Math.max(at(b + gap / 6), at(b + (5 * gap) / 6)))),
  };
}
