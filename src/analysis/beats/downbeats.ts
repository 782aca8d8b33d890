import { harmonyHeard, type LevelEnvelope } from './metrical-level.js';
import { peakAt, rises } from './rhythm-evidence.js';

export interface Bars {
  /**
   * 3 or 4 (2, 4 or 3 for beats that split in three; 5 or 7 where the harmony changes that often); 4
   * (2) from the first beat when nothing tells.
   */
  beatsPerBar: number;
  /** Indexes into the beats of the first beat of each bar. */
  downbeats: number[];
}

/**
 * Bar starts among tracked beats: the meter (3 or 4) and phase where chord changes (the bands'
 * harmony and the chord's pitch classes) and low accents (kick, bass) gather on one beat of the
 * bar and the high band (snare) stays away from it; the meter is the track's, the bar start
 * followed along it (barStarts).
 * Each curve is scaled by its mean at the beats so that neither outweighs the other by loudness.
 */
export function findBars(
  env: LevelEnvelope,
  beats: readonly number[],
  period: number,
  compound = false,
  oddBar?: number,
): Bars {
  if (beats.length < 6) return { beatsPerBar: 4, downbeats: beats.length ? [0] : [] };
  const reach = Math.max(1, Math.round(period / 12));
  const curve = (c: Float64Array) => {
    const at = beats.map((b) => peakAt(c, b, reach));
    const mean = at.reduce((a, b) => a + b, 0) / at.length;
    return at.map((v) => (mean > 0 ? v / mean : 0));
  };
  const harmonic = curve(env.harmonic);
  const low = curve(rises(env.low));
  const high = curve(rises(env.high));
  // The chord's pitch classes beside the bands' harmony: a one-drop's kick on three, its bass and
  // skank changing the bands on every beat, put its bars on three (downbeat F 0) while the chord
  // changes on one, where nothing is struck. Only where harmony is heard: scaled by its mean, the
  // pitch classes of hats alone (a drummed waltz) would weigh as much as chords.
  const chords = harmonyHeard(env) ? curve(env.chords) : beats.map(() => 0);
  const weight = beats.map((_, i) => 2 * harmonic[i]! + 2 * chords[i]! + low[i]! - 0.5 * high[i]!);
  // Each bar length's strongest phase, once. 3 must beat 4 clearly: a 4/4 bar's accents on 1 and 3
  // also look like a weak 3-grouping. In compound meter 4 must beat 2 (6/8 is the common case): a
  // 12/8 bar is told from two bars of 6/8 only by what changes every fourth beat, a 6/8 pair by
  // chance variation; its bars of 3 are weighed apart (below).
  const unlikely = compound ? [4, 3] : [3];
  const lengths = compound ? [4, 2, 3] : oddBar ? [4, 3, oddBar] : [4, 3];
  const bars = new Map(
    lengths.map((m) => [m, strongestPhase(weight, m, unlikely.includes(m) ? UNLIKELY_BAR : 0)] as const),
  );
  let best = lengths
    .filter((m) => !compound || m !== 3)
    .map((m) => bars.get(m)!)
    .reduce((x, y) => (y.contrast > x.contrast ? y : x));
  // Beats that split in three may be a waltz's quarters (a jazz waltz's swung ride, an accordion's
  // triplets; its bars were read as 2 or 4 beats, downbeat F 0.33-0.60): bars of 3 where they
  // stand out most and bars of 2 far less, as they cannot in a 6/8 (a jig: 1.0 at 3 against 2.7
  // at 2; a jazz waltz 1.0 at 3, 0.08 at 2; an accordion waltz 3.3 at 3, 1.1 at 2).
  if (compound) {
    const three = bars.get(3)!;
    if (three.contrast >= best.contrast && bars.get(2)!.contrast < WALTZ_TWO * three.contrast) best = three;
  }
  // Nothing tells the bar (the same hit on every beat, a drone): bars of the default length from
  // the first beat, not the phase a rounding difference in the decode happened to favour.
  if (best.contrast < NO_BAR_EVIDENCE) {
    const downbeats: number[] = [];
    for (let i = 0; i < beats.length; i += compound ? 2 : 4) downbeats.push(i);
    return { beatsPerBar: compound ? 2 : 4, downbeats };
  }
  return { beatsPerBar: best.beatsPerBar, downbeats: barStarts(weight, best.beatsPerBar, best.contrast) };
}

/**
 * The phase of bars of `m` beats whose first beats' weight stands out most from the others' (less
 * `penalty`), and by how much.
 */
function strongestPhase(
  weight: readonly number[],
  m: number,
  penalty: number,
): { beatsPerBar: number; phase: number; contrast: number } {
  let best = { beatsPerBar: m, phase: 0, contrast: -Infinity };
  for (let phase = 0; phase < m; phase++) {
    let on = 0;
    let onCount = 0;
    let off = 0;
    let offCount = 0;
    weight.forEach((w, i) => {
      if (i % m === phase) {
        on += w;
        onCount++;
      } else {
        off += w;
        offCount++;
      }
    });
    const contrast = on / Math.max(1, onCount) - off / Math.max(1, offCount) - penalty;
    if (contrast > best.contrast) best = { beatsPerBar: m, phase, contrast };
  }
  return best;
}

/** How much more a less likely bar length must stand out (contrast) than the likelier one. */
const UNLIKELY_BAR = 0.15;

/** Bars of two beats this weak against bars of three: the beats' groups of three are a waltz's. */
const WALTZ_TWO = 0.5;

/**
 * Bars of `m` beats whose first beat is found along the piece (Viterbi over each beat's place in
 * its bar): from one beat to the next the place moves on by one, or jumps anywhere at the cost of
 * JUMP_BARS bars of the evidence (`contrast`, the chosen phase's per bar): a bar of two beats
 * before a chorus, a pause, a medley's next song move the bar start for the rest of the piece,
 * where one phase for the whole track put every second half's downbeats on beat three. A beat's
 * score at the bar's start is its weight above the mean; elsewhere the same below it shared among
 * the other places, so a bar scores its first beat against the mean of the others.
 */
function barStarts(weight: readonly number[], m: number, contrast: number): number[] {
  const mean = weight.reduce((a, b) => a + b, 0) / weight.length;
  const jump = JUMP_BARS * contrast;
  const score = (i: number, place: number) =>
    place === 0 ? weight[i]! - mean : -(weight[i]! - mean) / (m - 1);
  let total = Array.from({ length: m }, (_, place) => score(0, place));
  const from: Int8Array[] = [];
  for (let i = 1; i < weight.length; i++) {
    const best = total.indexOf(Math.max(...total));
    const back = new Int8Array(m);
    total = total.map((_, place) => {
      const before = (place + m - 1) % m;
      const moved = total[best]! - jump;
      back[place] = moved > total[before]! ? best : before;
      return Math.max(total[before]!, moved) + score(i, place);
    });
    from.push(back);
  }
  let place = total.indexOf(Math.max(...total));
  const starts: number[] = [];
  for (let i = weight.length - 1; i >= 0; i--) {
    if (place === 0) starts.push(i);
    if (i > 0) place = from[i - 1]![place]!;
  }
  starts.reverse();
  // A move in the last bar has no bar after it to show for it: a final hit on the last beat (an
  // EDM track's ending, a bar start on its last beat 1.4 s after the one before) is no bar.
  // A bar shortened by a move earlier, with a whole bar after its start, stays.
  const [before, last] = starts.slice(-2);
  if (before !== undefined && last !== undefined && last - before < m && weight.length - last < m)
    starts.pop();
  return starts;
}

/**
 * Bars of evidence a move of the bar start must be worth: the bench's 96 tracks keep their one
 * phase at 6 and 8 (at 4 a jig's bar start moved for a while: downbeat F 0.98 -> 0.96); a song
 * played again two beats late (rock, pop, funk, a waltz, 6/8, 5/4, bossa) is followed at 4-8.
 */
const JUMP_BARS = 6;

/**
 * The contrast below which no bar is found. Music with bars measures 0.6-9 (the bench's styles and
 * meters); identical kicks on every beat 0.005-0.08, where two decodes of the same audio that
 * differ by 1 % in their samples picked different phases.
 */
const NO_BAR_EVIDENCE = 0.2;
