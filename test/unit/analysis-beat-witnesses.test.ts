import { describe, expect, it } from 'vitest';
import { onStrongPhase } from '../../src/analysis/beats/beat-phase.js';
import { backbeatBetween, onChordChanges } from '../../src/analysis/beats/chord-phase.js';
import type { LevelEnvelope } from '../../src/analysis/beats/level-types.js';
import { harmonicPeriod } from '../../src/analysis/beats/rhythm-evidence.js';

const RATE = 86;
/** Frames to a beat, and bars of four in the synthetic envelopes. */
const BEAT = 40;
const BARS = 12;

/** A curve of BARS bars with `levels[k]` at the k-th eighth of every bar (0 elsewhere). */
function eighths(levels: Record<number, number>): Float64Array {
  const curve = new Float64Array(BARS * 4 * BEAT + BEAT);
  for (let bar = 0; bar < BARS; bar++)
    for (const [k, v] of Object.entries(levels)) curve[bar * 4 * BEAT + (Number(k) * BEAT) / 2] = v;
  return curve;
}

function envelope(parts: {
  harmonic: Record<number, number>;
  low: Record<number, number>;
  high: Record<number, number>;
}): LevelEnvelope {
  const onset = eighths({ 0: 1, 1: 0.8, 2: 1, 3: 0.8, 4: 1, 5: 0.8, 6: 1, 7: 0.8 });
  return {
    frameRate: RATE,
    onset,
    rms: onset,
    low: eighths(parts.low),
    high: eighths(parts.high),
    harmonic: eighths(parts.harmonic),
    chords: new Float64Array(onset.length),
  };
}

/** Beats on the quarter notes (eighths 0, 2, 4, 6), or on the "and"s. */
const quarters = (offBeat: boolean) =>
  Array.from({ length: BARS * 4 - 1 }, (_, i) => i * BEAT + (offBeat ? BEAT / 2 : 0));

describe('what moves the beats half a beat (chord-phase.ts)', () => {
  // A UK garage two-step: chords struck on the "and" of one, kick on one and the "and" of three.
  const garage = { harmonic: { 0: 0.2, 1: 1 }, low: { 0: 1, 5: 1 } };

  it('a snare on two and four far louder than anything between holds the beats against the chords', () => {
    const env = envelope({ ...garage, high: { 2: 1, 6: 1 } });
    expect(onChordChanges(env, quarters(false), BEAT)).toBeUndefined();
  });

  it('a snare on every beat is no backbeat: the chords move beats it holds', () => {
    const env = envelope({ ...garage, high: { 0: 1, 2: 1, 4: 1, 6: 1 } });
    expect(onChordChanges(env, quarters(false), BEAT)?.onto).toBe('the chord changes');
  });

  it('the chords still move beats whose snare barely stands out (hats on every "and")', () => {
    const env = envelope({ ...garage, high: { 1: 0.6, 2: 1, 3: 0.6, 5: 0.6, 6: 1, 7: 0.6 } });
    expect(onChordChanges(env, quarters(false), BEAT)?.onto).toBe('the chord changes');
  });

  // Tracked on the "and"s: the chords lean a hair their way (+0.1), the kick and bass (-0.74) and
  // the clap (-0.81) hold the quarter notes; together, clearly.
  const afrobeats = (chordsOnTracked: number) =>
    envelope({
      harmonic: { 1: chordsOnTracked, 0: 1 },
      low: { 1: 0.6, 0: 1 },
      high: { 3: 0.57, 7: 0.57, 2: 1, 6: 1 },
    });

  it('chords that hardly lean to the tracked beats do not outvote the kick, bass and clap', () => {
    const moved = onChordChanges(afrobeats(1.07), quarters(true), BEAT);
    expect(moved?.onto).toBe('the bar starts that chords, bass and snare agree on');
    expect(moved!.beats.length).toBeGreaterThan(40);
    expect(moved!.beats.every((b) => b % BEAT === 0)).toBe(true);
  });

  // A four-part organ hymn: a chord on every beat, the pedal bass moving in eighths (rising between
  // the beats), the onsets three times as strong on the beats as between them.
  const hymn = (onsetBetween: number) => ({
    ...envelope({
      harmonic: { 0: 1, 2: 1, 4: 1, 6: 1, 1: 0.4, 3: 0.4, 5: 0.4, 7: 0.4 },
      low: { 1: 1, 3: 1, 5: 1, 7: 1 },
      high: {},
    }),
    onset: eighths({
      0: 1,
      2: 1,
      4: 1,
      6: 1,
      1: onsetBetween,
      3: onsetBetween,
      5: onsetBetween,
      7: onsetBetween,
    }),
  });

  it('the kick and bass do not move beats that the onsets themselves hold', () => {
    expect(onChordChanges(hymn(0.33), quarters(false), BEAT)).toBeUndefined();
  });

  it('the kick and bass move beats that the onsets hardly hold', () => {
    expect(onChordChanges(hymn(0.7), quarters(false), BEAT)?.onto).toBe("the bass's bar starts");
  });

  it('chords that clearly lean to the tracked beats keep them there', () => {
    expect(onChordChanges(afrobeats(1.5), quarters(true), BEAT)).toBeUndefined();
  });
});

describe("the harmony's bar (harmonicPeriod)", () => {
  const SECONDS = 40;
  const PULSE = 72;
  const curve = (at: (i: number) => number) =>
    Float64Array.from({ length: SECONDS * RATE }, (_, t) => (t % PULSE === 0 ? at(t / PULSE) : 0));

  // A skank struck on every beat (the same chord again), its loudness uneven: the comb's teeth at
  // every beat are 0.51-0.61 of the one at five beats, which was read as the bar.
  it('a comb whose fifth tooth is highest is no bar of five', () => {
    const comb = curve((i) => [3, 0.4, 1.4, 0.4, 1.4][i % 5]!);
    expect(harmonicPeriod(comb, RATE)).toBeUndefined();
  });

  it('chords that change every fifth beat and nowhere else are a bar of five', () => {
    const changes = curve((i) => (i % 5 === 0 ? 1 : 0));
    expect(harmonicPeriod(changes, RATE)!.period).toBeCloseTo(5 * PULSE, 0);
  });
});

describe('loud hits between faint beats (onStrongPhase)', () => {
  // The energy rises on every "and" (an open hat, the synth bass and a pad pumped by the kick
  // swelling back), the kick and the clap are on the beats.
  it('the energy alone does not move beats that the drums hold', () => {
    const env = {
      ...envelope({ harmonic: {}, low: { 0: 1, 2: 1, 4: 1, 6: 1 }, high: { 2: 1, 6: 1 } }),
      rms: eighths({ 1: 1, 3: 1, 5: 1, 7: 1, 0: 0.05, 2: 0.05, 4: 0.05, 6: 0.05 }),
    };
    const beats = quarters(false);
    expect(onStrongPhase(env, beats, BEAT, false).beats).toBe(beats);
  });

  // A sine kick between hi-hat clicks: the energy rises between the beats, and so do the drums.
  // The low band alone (its quartiles) would not move them: the kick leaves 0.2 at the beats.
  const sineKick = (lowAtBeats: number) => ({
    ...envelope({
      harmonic: {},
      low: { 1: 1, 3: 1, 5: 1, 7: 1, 0: lowAtBeats, 2: lowAtBeats, 4: lowAtBeats, 6: lowAtBeats },
      high: {},
    }),
    rms: eighths({ 1: 1, 3: 1, 5: 1, 7: 1, 0: 0.05, 2: 0.05, 4: 0.05, 6: 0.05 }),
  });

  it('beats move onto a kick that falls between them, where the drums agree by 2', () => {
    // The drums' amplitude: 1 between, sqrt(0.2) = 0.45 at the beats (2.2 times).
    const moved = onStrongPhase(sineKick(0.2), quarters(false), BEAT, false).beats;
    expect(moved.length).toBeGreaterThan(40);
    expect(moved.every((b) => b % BEAT === BEAT / 2)).toBe(true);
  });

  it('not where the drums agree by less (sqrt(0.3) = 0.55 at the beats: 1.8 times)', () => {
    const beats = quarters(false);
    expect(onStrongPhase(sineKick(0.3), beats, BEAT, false).beats).toBe(beats);
  });
});

describe('the backbeat between beats moved onto the bass (backbeatBetween)', () => {
  // Beats on a two-step's kick and bass (one and three of a bar at twice the rate); the snare falls
  // halfway between them.
  const twoStep = (snare: number) => ({
    ...envelope({ harmonic: {}, low: {}, high: {} }),
    rms: eighths({ 0: 0.6, 2: snare, 4: 0.6, 6: snare }),
  });
  const beats = Array.from({ length: BARS * 2 - 1 }, (_, i) => i * 2 * BEAT);

  it('a snare halfway, louder than the beats by 1.5, doubles them in order', () => {
    const doubled = backbeatBetween(twoStep(1), beats, 2 * BEAT, {});
    expect(doubled).toHaveLength(2 * beats.length - 1);
    expect(doubled!.every((b, i) => i === 0 || b > doubled![i - 1]!)).toBe(true);
    expect(doubled!.every((b) => b % BEAT === 0)).toBe(true);
  });

  it('a snare halfway as loud as the beats does not', () => {
    expect(backbeatBetween(twoStep(0.6), beats, 2 * BEAT, {})).toBeUndefined();
  });

  it('nor where twice the tempo is not allowed', () => {
    expect(backbeatBetween(twoStep(1), beats, 2 * BEAT, { maxBpm: 100 })).toBeUndefined();
  });
});
