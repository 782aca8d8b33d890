import { mean, median } from '../median.js';
import { onStrongPhase } from './beat-phase.js';
import { trackBeats } from './beat-track.js';
import { chordPeriod } from './chord-change.js';
import { backbeatBetween, onChordChanges } from './chord-phase.js';
import { inThrees } from './compound-meter.js';
import { onlyOneHeard } from './heard-cycle.js';
import {
  backbeatNeeded,
  GAP_STANDS_OUT,
  levelAllowed,
  type LevelChoice,
  type LevelEnvelope,
  type LevelOptions,
} from './level-types.js';
import { accents, everyOtherShare, harmonicPeriod } from './rhythm-evidence.js';
import { estimateTempo } from './tempo.js';

export type { LevelChoice, LevelEnvelope, LevelOptions } from './level-types.js';

/**
 * Picks the metrical level of the beat among the tempo estimate and its 2:1, 1:2, 3:2 and 2:3
 * relatives by evidence, not only the tempo prior: accents are rises of linear energy (a faint
 * hi-hat weighs little, a kick or snare much), looked up at the tracked beats and between them.
 *
 * - Bar structure: chords change once a bar, every 4 or 3 beats. When the harmony changes
 *   periodically, the beat is a quarter or a third of that period, whichever the onsets repeat at
 *   more; this settles half-time grooves, two-steps and ballads that the tempo prior gets wrong.
 * - Backbeat: accents halfway between beats as strong as half the beats' (a snare between kicks;
 *   louder where twice as fast would pass 160 BPM: backbeatNeeded) say the beat is twice as fast;
 *   accents at a third of the way (kick every 1.5 beats) say 3:2.
 * - Onset density: when every other beat (or two of three) is far weaker than the rest, the
 *   tracked beats are subdivisions: half (or 2:3) as fast.
 * - Division (compound-meter.ts, last): where the onsets group in threes, the beat is three
 *   eighths (6/8, 12/8) and the level moves there from its quarters, eighths or bars.
 */
export function chooseLevel(env: LevelEnvelope, period: number, options: LevelOptions = {}): LevelChoice {
  // Beat lists that onStrongPhase moved (half a beat, or onto the quarters at twice the rate).
  const moved = new WeakSet<number[]>();
  const doubled = new WeakSet<number[]>();
  const maxBpm = options.maxBpm ?? 210;
  const track = (p: number) => {
    const tracked = trackBeats(env.onset, p, { tightness: options.tightness });
    const twice = (120 * env.frameRate) / p <= maxBpm;
    const { beats, quarters } = onStrongPhase(env, tracked, p, twice);
    if (beats !== tracked) moved.add(beats);
    if (quarters) doubled.add(beats);
    return beats;
  };
  const choice = levelOf(env, period, options, track, (beats) => doubled.has(beats));
  const final = doubled.has(choice.beats)
    ? {
        ...choice,
        factor: choice.factor * 2,
        period: choice.period / 2,
        reason: `${choice.reason}; the loud hits fall on the quarters between faint beats: twice as fast, on them`,
      }
    : moved.has(choice.beats)
      ? {
          ...choice,
          reason: `${choice.reason}; beats moved half a beat onto the loud hits between faint ones`,
        }
      : choice;
  const settled = inThrees(env, final, options, moved.has(choice.beats)) ?? final;
  if (settled.compound || moved.has(settled.beats)) return settled;
  const onChords = onChordChanges(env, settled.beats, settled.period);
  if (!onChords) return settled;
  const reason = `${settled.reason}; beats moved half a beat onto ${onChords.onto}`;
  // Moved onto the kick and bass's bar starts, the beats may have the backbeat between them now: a
  // two-step's snare, which fell on the beats tracked at half speed (drum and bass at 174 read 87).
  const twice = onChords.byBass ? backbeatBetween(env, onChords.beats, settled.period, options) : undefined;
  return twice
    ? {
        ...settled,
        factor: settled.factor * 2,
        period: settled.period / 2,
        beats: twice,
        reason: `${reason}, where accents halfway between them make the beat twice as fast`,
      }
    : { ...settled, beats: onChords.beats, reason };
}

function levelOf(
  env: LevelEnvelope,
  period: number,
  options: LevelOptions,
  track: (period: number) => number[],
  doubled: (beats: number[]) => boolean,
): LevelChoice {
  const beats = track(period);
  const keep: LevelChoice = { factor: 1, period, beats, reason: 'tempo prior' };
  // Beats already moved to twice the rate have their level from the loud hits themselves.
  if (beats.length < 8 || doubled(beats)) return keep;
  const bpm = (60 * env.frameRate) / period;
  const allowed = (f: number) => levelAllowed(bpm, f, options);
  const move = (factor: number, reason: string): LevelChoice =>
    allowed(factor) ? { factor, period: period / factor, beats: track(period / factor), reason } : keep;

  // A bar of 4 or 3 beats (5 or 7, rarely): of the beat periods it allows, the one the onsets
  // repeat at more.
  const bar = harmonyHeard(env) ? chordPeriod(env, harmonicPeriod(env.harmonic, env.frameRate)) : undefined;
  if (bar) {
    // Harmony that changes faster than four beats could be played (bass or chords on one and
    // three of a fast-looking bar) changes every half bar: two beats, then, against three.
    // A chord held for two bars (bossa nova, slow-changing pop) reads as a bar of four slow beats;
    // eight beats to it are heard where its onsets repeat clearly better at eight (ODDS).
    const fourBpm = (60 * env.frameRate * 4) / bar.period;
    const counts = allowed(fourBpm / bpm)
      ? fourBpm < TWO_BAR_BELOW
        ? [4, 3, 5, 7, 8]
        : [4, 3, 5, 7]
      : [2, 3];
    // One beat to each change (a hymn: a new chord on every beat) only where the tempo estimate
    // is that beat already: the onsets repeat at it and not at twice it (a hymn at 60: 0.15 at 60,
    // -0.01 at 120). Offered wherever, one beat to each change of a fast-looking harmony would take
    // half-time grooves' hats and snare at half speed; at the estimate, none of 338 tracks moved.
    const atEstimate = (c: { bpm: number }) => Math.abs(c.bpm - bpm) / bpm < 0.04;
    const fits = [...counts, 1]
      .map((count) => ({ count, bpm: (60 * env.frameRate * count) / bar.period }))
      .filter((c) => allowed(c.bpm / bpm) && (c.count > 1 || atEstimate(c)))
      .map((c) => ({
        ...c,
        tempo: estimateTempo(env.onset, env.frameRate, {
          minBpm: 0.96 * c.bpm,
          maxBpm: 1.04 * c.bpm,
          priorOctaves: 100,
        }),
      }))
      // A count whose beat the onsets do not repeat at (MIN_FIT) is no reading of the bar.
      .filter((c) => c.tempo !== undefined && c.tempo.strength >= MIN_FIT)
      // Five or seven beats a bar only where neither three nor four fits the onsets at all.
      .filter(
        (c, _, all) =>
          !oddCount(c.count) || all.every((o) => oddCount(o.count) || o.tempo!.strength < ODD_ONLY),
      )
      // Other counts must repeat clearly better (ODDS): 4/4 is the common case.
      .sort((a, b) => b.tempo!.strength * ODDS[b.count]! - a.tempo!.strength * ODDS[a.count]!);
    const best = fits[0];
    if (best) {
      const p = best.tempo!.period;
      const found = Math.abs(p - period) / period < 0.04 ? beats : track(p);
      const chosen = {
        factor: period / p,
        period: p,
        beats: found,
        reason:
          best.count === 8
            ? 'a chord change every two bars of 4'
            : best.count === 1
              ? 'a chord change on every beat'
              : `a chord change every ${best.count} beats`,
        ...(oddCount(best.count) && { oddBar: best.count }),
      };
      // A slow ballad's bass struck again on three (or on every beat) reads as a chord change every
      // half bar (or beat), and four or three beats to it leave most of them empty (a piano struck
      // on each beat at 64 BPM was read at 128; hits every 2 s at 60 BPM at 90).
      const cycle = onlyOneHeard(env, found, p);
      if (!cycle) return chosen;
      // The slowest level allowed at the pulse that is heard or twice, three times... as fast.
      const heard = cycle * p;
      const slower = [1, 2, 3, 4].map((k) => heard / k).find((q) => allowed(period / q));
      if (slower === undefined) return chosen;
      return {
        factor: period / slower,
        period: slower,
        beats: track(slower),
        reason: `${chosen.reason}, but only one in ${cycle} of those beats is heard`,
      };
    }
  }

  const { level, halfway, thirds, bothThirds, quarters, eitherSixth, onBeat, halfways } = accents(
    env,
    beats,
    period,
  );
  const phase = (cycle: number) =>
    Array.from({ length: cycle }, (_, k) => median(onBeat.filter((_, i) => i % cycle === k)));
  // Accents between beats count only beside the loudest beats, not beside the median beat alone:
  // in a waltz two beats in three are faint hats, and a rustle between them is not a backbeat.
  const loudest = Math.max(...phase(2), ...phase(3));
  const heard = (accent: number) => accent >= 0.5 * level && accent >= 0.1 * loudest;
  // Accents between beats say more only where they stand out from the rest of the gap: under
  // running sixteenths (a train beat, a shaker) every point between beats is struck alike. Thirds
  // are a twelfth of a beat from those quarters, so they must stand out from the quarters too.
  // The faster the beat would be, the louder they must be (backbeatNeeded).
  if (
    level > 0 &&
    heard(halfway) &&
    halfway >= backbeatNeeded(2 * bpm) * level &&
    halfway > GAP_STANDS_OUT * quarters &&
    allowed(2)
  )
    return move(2, 'accents halfway between beats');
  // Both thirds' louder against both sixths' louder, as well: the louder of two places is louder
  // than one by chance, and accents at random (speech over music) would pass for thirds.
  // Struck at both thirds of each gap, the gap is a bar of three beats (three times as fast where
  // allowed; else 3:2, whose beats fall on those strikes too: clicks at 300 BPM read at 150).
  if (
    level > 0 &&
    heard(thirds) &&
    thirds > GAP_STANDS_OUT * Math.max(halfway, quarters) &&
    thirds > 1.3 * eitherSixth
  ) {
    if (bothThirds >= BOTH_THIRDS * thirds && allowed(3))
      return move(3, 'accents at both thirds of the way between beats: a bar of three');
    if (allowed(1.5)) return move(1.5, 'accents a third of the way between beats');
  }
  const [even, odd] = phase(2) as [number, number];
  const cycle = phase(3);
  const strong = cycle.indexOf(Math.max(...cycle));
  const three = [...cycle].sort((a, b) => b - a);
  // One loud beat in three (a waltz whose strings on two and three barely raise the energy) leaves
  // the even or odd beats' median near nothing too, where a slipped beat shifts the cycle: it is a
  // bar of three, not every other beat weak (a waltz at 150 was read at 75). Beats that alternate
  // loud and weak are alike at each place of a cycle of three.
  const oneInThree = three[1]! < 0.2 * three[0]!;
  // Where the median beat has no accent at all and the onsets strike every beat alike, the beats'
  // energy tells nothing of which are weak (a pad pumped by the kick dips at every beat: a
  // synth-pop at 128, its onsets alternating 0.76, was read at 64).
  const silentEnergy =
    level === 0 && everyOtherShare(env.onset, beats, Math.max(1, Math.round(period / 16))) >= ALIKE;
  if (!silentEnergy && !oneInThree && Math.min(even, odd) < 0.2 * Math.max(even, odd))
    return move(0.5, 'every other beat weak');
  if (oneInThree && thirds < 0.25 * three[0]!) {
    // Beats tracked 3:2 too fast leave a true beat halfway through each weak pair; a bar of three
    // (a waltz: a kick on one, hats on two and three) leaves nothing there and keeps its beat.
    const inPair = median(halfways.filter((_, i) => i % 3 === (strong + 1) % 3));
    if (inPair >= 0.3 * three[0]!) return move(2 / 3, 'two beats in three weak, hits halfway between them');
  }
  return keep;
}

/** Every other beat's onsets alike with the others: the weaker half at this share or more (everyOtherShare). */
const ALIKE = 0.6;

/**
 * Whether the harmonic change is more than the ripple of a sound struck again alike: its mean
 * against the onsets' mean (both shape-only, the same at any gain) is 0.06 and up for the beat
 * bench's fluidsynth renders, 0.011 and up for the same grooves' synthetic voices, 0 for drums
 * alone, and 0.004 for the same click at 280-300 BPM, whose ripple read as a chord change every
 * seven beats.
 */
export function harmonyHeard(env: Pick<LevelEnvelope, 'harmonic' | 'onset'>): boolean {
  return mean(env.harmonic) >= HARMONY_SHARE * mean(env.onset);
}

const HARMONY_SHARE = 0.007;

/**
 * Beats tracked 3:2 too slow leave a true beat at one third of each gap (the first or the second, in
 * turn); the bar of a waltz tracked as its beat leaves one at both.
 */
const BOTH_THIRDS = 0.5;

/**
 * How much better the onsets must repeat at a bar's other counts than at four (or two) beats a bar:
 * three is common, five and seven rare.
 */
const ODDS: Record<number, number> = { 1: 1, 2: 1, 4: 1, 3: 0.75, 5: 0.6, 7: 0.5, 8: 0.65 };
/**
 * Four beats to the harmony's period slower than this (BPM) may be two bars of four: a bossa nova
 * at 130 whose chords last two bars was read at 65 (onsets repeating at 0.42 at 130 against 0.23 at
 * 65); ballads at 66-76 with eighth hi-hats repeat at 0.46-0.60 at the double against 0.63-0.73.
 */
const TWO_BAR_BELOW = 80;
const oddCount = (count: number) => count === 5 || count === 7;
/**
 * The onsets' periodicity at three or four beats a bar under which an odd bar may be chosen: 5/4
 * and 7/4 renders measure -0.07 to -0.05 there, a 4/4 groove whose onsets repeat at 5/4 of its beat
 * 0.2.
 */
const ODD_ONLY = 0.1;
/**
 * The onsets' periodicity a count's beat must reach: a gospel ballad at 66 whose chords change
 * every half bar was read at 99 (three beats to a change: 0.038 there, 0.006 at four, 0.65 at its
 * own 66); a random groove's reading at 188 measures 0.06.
 */
const MIN_FIT = 0.05;
