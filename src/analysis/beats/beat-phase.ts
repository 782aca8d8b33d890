import { median, quantile } from '../median.js';
import type { LevelEnvelope } from './level-types.js';
import { peakAt, rises, strongest } from './rhythm-evidence.js';

/**
 * Accents halfway between the beats this many times those at them: the beats sit on the weak
 * phase (the "every other beat weak" rule's one in five, seen from the tracked beats).
 */
const OFF_PHASE = 5;

/**
 * How many times louder the drums (drumRises: amplitude, like the energy's) must be halfway between
 * the beats than at them for the energy to move the beats there: 6.4-27 where a sine kick or a
 * synth bass drum falls between the tracked beats, 0.97 for the sidechained synth-pop.
 */
const DRUMS_AGREE = 2;

type Gap = readonly [start: number, length: number];

/** The low band's measures: the lower quartile where it must strike every time, the upper where never. */
const mostTimes = (xs: readonly number[]) => quantile(xs, 0.25);
const hardlyEver = (xs: readonly number[]) => quantile(xs, 0.75);

/**
 * Beats moved half a beat when they sit on faint events (hi-hats on the off-beat) and the loud
 * ones (the kicks) fall between them: a pure sine kick or an 808 changes few mel bands, so its
 * spectral flux can lose to a click, but its energy does not. A snare between kicks is loud enough
 * (a quarter of the kick or more) to stay with the backbeat rule, which doubles the tempo. Each
 * moved beat is the midpoint of two tracked ones, set on the onset peak nearby; the ends gain a
 * beat where the signal accents one half a beat outside. Where the loud hits fall on both quarters
 * instead (and twice the rate is allowed), the beat is twice as fast and on them (`quarters`).
 *
 * The low band (kick, bass) is the second witness, heard alone: a kick or bass on every point
 * between the beats and on none of them puts the beats on the off-beats however loud those are (a
 * snare or a chord on every "and", an oom-pah heard from its pah). Quartiles, not medians, there:
 * a syncopated kick (trap, funk) lands between beats often, but not every time. Halfway, it counts
 * only where the beat cannot be twice as fast: where it can, kicks between the beats are a faster
 * beat's, which the level's backbeat rule weighs.
 */
export function onStrongPhase(
  env: LevelEnvelope,
  beats: number[],
  period: number,
  canDouble: boolean,
): { beats: number[]; quarters: boolean } {
  if (beats.length < 8) return { beats, quarters: false };
  const gaps: Gap[] = beats.slice(1).map((b, i) => [beats[i]!, b - beats[i]!] as const);
  const reach = Math.max(1, Math.round(period / 8));
  const near = Math.max(1, Math.round(period / 16));
  const energy = rises(env.rms);
  const low = rises(env.low);
  if (canDouble) {
    // Loud hits on both quarters, faint ones at the beats and halfway: a fast beat (a sine kick
    // every beat at 150-180 BPM) tracked at half speed on its off-beat clicks.
    const level =
      onQuarters(energy, beats, gaps, reach, near, median) ??
      onQuarters(low, beats, gaps, reach, near, mostTimes, hardlyEver);
    if (level !== undefined) {
      const { curve, loud } = level;
      // Ends: the quarters outside the first and last tracked beats, where the signal has them.
      const heard = (t: number) =>
        t >= near && t < env.onset.length - near && peakAt(curve, t, near) >= 0.5 * loud;
      const [first, firstGap] = [beats[0]!, gaps[0]![1]];
      const [last, lastGap] = [beats.at(-1)!, gaps.at(-1)![1]];
      const points = [
        ...[first - (3 * firstGap) / 4, first - firstGap / 4].filter(heard),
        ...gaps.flatMap(([b, gap]) => [b + gap / 4, b + (3 * gap) / 4]),
        ...[last + lastGap / 4, last + (3 * lastGap) / 4].filter(heard),
      ];
      return { beats: points.map((t) => strongest(env.onset, t, near)), quarters: true };
    }
  }
  const loudBetween = (curve: Float64Array, most = median, least = median, times = OFF_PHASE) => {
    const at = (t: number) => peakAt(curve, t, reach);
    const between = most(gaps.map(([b, gap]) => at(b + gap / 2)));
    return between > times * least(beats.map(at)) ? { curve, between } : undefined;
  };
  // The energy's word needs the drums' (the low and high bands) as well: a pad pumped by the
  // kick (sidechained) falls at every beat and swells after it, and a synth-pop at 128 with a kick
  // on every beat and a clap on two and four was moved onto its "and"s.
  const byEnergy = loudBetween(energy);
  const offBeat =
    (byEnergy && loudBetween(drumRises(env), median, median, DRUMS_AGREE) ? byEnergy : undefined) ??
    (canDouble ? undefined : loudBetween(low, mostTimes, hardlyEver));
  if (!offBeat) return { beats, quarters: false };
  // An end beat needs a whole reach of signal around it for its onset to be placed.
  const accented = (t: number) =>
    t >= reach && t < env.onset.length - reach && peakAt(offBeat.curve, t, reach) >= 0.5 * offBeat.between;
  const first = beats[0]! - gaps[0]![1] / 2;
  const last = beats.at(-1)! + gaps.at(-1)![1] / 2;
  const moved = [
    ...(accented(first) ? [first] : []),
    ...gaps.map(([b, gap]) => b + gap / 2),
    ...(accented(last) ? [last] : []),
  ];
  // On the onset peak nearby, as every other beat is placed (the energy's rise lags it).
  return { beats: moved.map((t) => strongest(env.onset, t, reach)), quarters: false };
}

/**
 * Rises of the drums' amplitude: the square root of the low and high bands' power (kick and bass,
 * snare and hats), as the RMS the energy rises are read from is an amplitude.
 */
function drumRises(env: LevelEnvelope): Float64Array {
  return rises(Float64Array.from(env.low, (v, i) => Math.sqrt(v + env.high[i]!)));
}

/**
 * Whether `curve` accents both quarters of the gaps (`most` of them) many times more than the beats
 * and the halfway points (`least` of them): the level `loud` of the quarters, or undefined.
 */
function onQuarters(
  curve: Float64Array,
  beats: readonly number[],
  gaps: readonly Gap[],
  reach: number,
  near: number,
  most: (xs: number[]) => number,
  least = most,
): { curve: Float64Array; loud: number } | undefined {
  const at = (t: number) => peakAt(curve, t, reach);
  const narrow = (t: number) => peakAt(curve, t, near);
  const quarter = (k: number) => most(gaps.map(([b, gap]) => narrow(b + (k * gap) / 4)));
  const faint = OFF_PHASE * Math.max(least(beats.map(at)), least(gaps.map(([b, gap]) => at(b + gap / 2))));
  const loud = Math.min(quarter(1), quarter(3));
  return loud > faint ? { curve, loud } : undefined;
}
