import type { LevelEnvelope } from './level-types.js';
import { peakAt } from './rhythm-evidence.js';

/**
 * The cycle (2, 3 or 4 beats) in which one beat is heard and the others are silent, if any: onsets
 * (which hear faint hits too) under SILENT_BEAT of the loud beats' at 80% of their places, when
 * the heard beat's are. A half-time groove's hi-hats between kick and snare are clear onsets
 * (0.15-0.19 of the loud beats' on the bench); a piano ballad's empty eighths are none (0.03-0.04).
 * A syncopated pattern (3+3+2 eighths over 4/4: the second and third beats silent) is heard on two
 * beats of its four, and keeps its level.
 */
export function onlyOneHeard(
  env: LevelEnvelope,
  beats: readonly number[],
  period: number,
): number | undefined {
  const onsets = beats.map((b) => peakAt(env.onset, b, Math.max(1, Math.round(period / 16))));
  const loud = [...onsets].sort((x, y) => x - y)[Math.floor(0.9 * (onsets.length - 1))] ?? 0;
  const silent = onsets.map((v) => v < SILENT_BEAT * loud);
  for (const cycle of [2, 3, 4]) {
    if (beats.length < 4 * cycle) continue;
    const shares = silentShares(silent, cycle);
    if (shares.filter((x) => x < 0.5).length === 1 && shares.filter((x) => x >= 0.8).length === cycle - 1)
      return cycle;
  }
  return undefined;
}

/**
 * Each place of a cycle's share of silent beats, counted in stretches of WINDOW_CYCLES cycles, each
 * turned so that its most heard place comes first: a pause or a bar of two beats moves which beat
 * of the cycle is heard for the rest of the piece (a looped ballad at 92 BPM read at 184 from its
 * second minute on), and places counted over the whole track from its first beat would find each
 * heard half the time.
 */
function silentShares(silent: readonly boolean[], cycle: number): number[] {
  const quiet = new Array<number>(cycle).fill(0);
  const count = new Array<number>(cycle).fill(0);
  const window = WINDOW_CYCLES * cycle;
  for (let start = 0; start < silent.length; start += window) {
    const part = silent.slice(start, start + window);
    const heard = Array.from(
      { length: cycle },
      (_, k) => part.filter((s, i) => i % cycle === k && !s).length,
    );
    const first = heard.indexOf(Math.max(...heard));
    part.forEach((s, i) => {
      const place = (i - first + cycle) % cycle;
      count[place]!++;
      if (s) quiet[place]!++;
    });
  }
  return quiet.map((q, k) => q / Math.max(1, count[k]!));
}

/** Cycles to a stretch in which the heard beat's place is found (8: four bars of 4 at half time). */
const WINDOW_CYCLES = 8;

/** Onsets this far under the loud beats' are no beat of their own. */
const SILENT_BEAT = 0.08;
