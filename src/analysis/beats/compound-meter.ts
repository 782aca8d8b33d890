import { mean } from '../median.js';
import { trackBeats } from './beat-track.js';
import { levelAllowed, type LevelChoice, type LevelEnvelope, type LevelOptions } from './level-types.js';
import { acfPerOverlap, dividesInThree, peakAt, rises, strongest } from './rhythm-evidence.js';

/**
 * Compound meter (6/8, 12/8, a shuffle): the beat is three eighths, the dotted quarter, where the
 * onsets group in threes (dividesInThree). The level rules (chooseLevel) know 2:1 and 3:2 but not
 * this division: a 6/8 comes out as 3/4 (its quarters, 3:2 too fast), as its eighths (a chord
 * struck every dotted quarter looks like a bar of three) or as its bars. The chosen beat, then
 * those three relatives: the first that splits in three; undefined where none does. The half-beat
 * move is undone: half a dotted quarter is no place for a beat.
 */
export function inThrees(
  env: LevelEnvelope,
  choice: LevelChoice,
  options: LevelOptions,
  halfMoved: boolean,
): LevelChoice | undefined {
  if (choice.beats.length < 8) return undefined;
  const acf = acfPerOverlap(env.onset, Math.ceil(8 * choice.period) + 8);
  const bpm = (60 * env.frameRate) / choice.period;
  const allowed = (f: number) => levelAllowed(bpm, f, options);
  const relatives: [number, string][] = [
    [1, 'the beat splits in three (compound meter)'],
    [2 / 3, 'three eighths a beat, not two (compound meter): 2:3 as fast'],
    [1 / 3, 'the beats group in threes (compound meter): a third as fast'],
    [2, 'two beats of three eighths a bar (compound meter): twice as fast'],
  ];
  for (const [factor, why] of relatives) {
    const period = choice.period / factor;
    if (!allowed(factor) || !dividesInThree(acf, period)) continue;
    const same = factor === 1 && !halfMoved;
    // The beats tracked already may sit on the wrong eighth as much as new ones.
    const beats = onAccentedEighth(env, same ? choice.beats : trackBeats(env.onset, period, options), period);
    if (factor === 1 / 3 && oomPahPah(env, beats, period)) continue;
    const reason = `${halfMoved ? choice.reason.replace(/; beats moved half a beat.*$/, '') : choice.reason}; ${why}`;
    return { factor: choice.factor * factor, period, beats, reason, compound: true };
  }
  return undefined;
}

/**
 * Whether the treble (the high band's rises) is struck clearly more on the second or third of each
 * beat's thirds than on its first: the "pah-pah" of a waltz's oom-pah-pah, whose bar the division
 * in three mistook for one beat of three eighths (a waltz at 150, bass on one and string chords on
 * two and three, was read at 50: treble 0.61, 1, 0.47 of the loudest). In a 12/8 or 6/8 the first
 * eighth carries the drums and the chord as well (a soul ballad at 54: 1, 0.15, 0.17; pizzicato
 * strings' even eighths 0.89, 1, 0.98).
 */
function oomPahPah(env: LevelEnvelope, beats: readonly number[], period: number): boolean {
  if (beats.length < 8) return false;
  const at = thirdsOf(rises(env.high), beats, period);
  return at[0]! < PAH_PAH * Math.max(at[1]!, at[2]!);
}

/**
 * The mean of `curve`'s peaks (within a twelfth of a beat) at each third of the beats: on them, a
 * third after and two thirds after (the last beat's gap taken as `period`). The mean, not the
 * median: a kick on every other beat and a snare between count.
 */
function thirdsOf(curve: Float64Array, beats: readonly number[], period: number): number[] {
  const reach = Math.max(1, Math.round(period / 12));
  return [0, 1, 2].map((k) =>
    mean(beats.map((b, i) => peakAt(curve, b + (k * ((beats[i + 1] ?? b + period) - b)) / 3, reach))),
  );
}

/** The first third's treble under this much of the louder other third's is no beat of three eighths. */
const PAH_PAH = 0.8;

/**
 * Beats tracked at the dotted quarter sit on whichever of its three eighths has the strongest
 * onsets: in a shuffle the chord on the last eighth, in a jig the melody. The beat is where the
 * accents gather (linear energy rises, and the low band's: the bass and kick play on the beat):
 * the beats move to that eighth, onto the onset peak nearby, when it is clearly stronger.
 * Measured (rms and low rises, each scaled by the loudest eighth): a 12/8 shuffle with the chord on
 * each beat's last eighth 1.23 on the chord, 2 on the beat; a jig and a piano 6/8 0.2-0.4 and 2.
 */
function onAccentedEighth(env: LevelEnvelope, beats: number[], period: number): number[] {
  if (beats.length < 8) return beats;
  const reach = Math.max(1, Math.round(period / 12));
  const gaps = beats.map((b, i) => (beats[i + 1] ?? b + period) - b);
  const score = [0, 0, 0];
  for (const curve of [rises(env.rms), rises(env.low)]) {
    const at = thirdsOf(curve, beats, period);
    const top = Math.max(...at);
    if (top > 0) at.forEach((v, k) => (score[k]! += v / top));
  }
  const swung = swungBeat(score);
  const best = swung ?? score.indexOf(Math.max(...score));
  if (best === 0 || (swung === undefined && !(score[best]! > EIGHTH_MOVE * score[0]!))) return beats;
  return beats
    .map((b, i) => b + (best * gaps[i]!) / 3)
    .filter((t) => t < env.onset.length - reach)
    .map((t) => strongest(env.onset, t, reach));
}

/**
 * A swung groove leaves the middle of the beat's three eighths empty (the beat, then the swung
 * "and" on the third): where one eighth is this much quieter than the loudest and it is not the
 * middle one, the beats sit on the swung "and" and belong on the eighth after it (undefined
 * otherwise). Measured on random swung grooves tracked a third of a beat early: the empty eighth
 * the one before the beats, 0.02-0.07 of the loudest, the other two 0.65-1; tracked right, the
 * middle 0.005-0.04. A jig or a 6/8 of running eighths plays all three.
 */
function swungBeat(score: readonly number[]): number | undefined {
  const empty = score.indexOf(Math.min(...score));
  const top = Math.max(...score);
  const played = score.filter((_, k) => k !== empty);
  if (empty === 1 || !(score[empty]! < SWING_GAP * top) || !played.every((v) => v >= SWING_PLAYED * top))
    return undefined;
  return (empty + 2) % 3;
}

const SWING_GAP = 0.1;
/**
 * Both other eighths must be played this loud (of the loudest): a groove whose hats alone mark
 * the swung "and" (kick and snare on the beats: 1, 0.03, 0.01) has two quiet eighths, and says
 * nothing of which one the swing leaves empty.
 */
const SWING_PLAYED = 0.5;

/** How much more accented another eighth must be than the tracked one to move the beats there. */
const EIGHTH_MOVE = 1.3;
