import { findBars, type Bars } from './downbeats.js';
import { chooseLevel, type LevelOptions } from './metrical-level.js';
import type { OnsetOptions } from './onset-stream.js';
import { onsetStrength, type OnsetEnvelope } from './onset-strength.js';
import { estimateTempo, meanTempo, type TempoOptions } from './tempo.js';
import { audibleOnly } from './audible-beats.js';
import { trackBeatsAlong } from './beat-track.js';
import { agreedConfidence, heardSpan, shortWindows, tempoRamp, type TempoRamp } from './tempo-ramp.js';
import { tempoChanges } from './tempo-sections.js';
import {
  audibleSeconds,
  levelled,
  noRhythmReason,
  loudestDbfs,
  hasRhythm,
  rhythmConfidence,
  SILENCE_DBFS,
  WINDOW_CONFIDENCE,
  windowConfidence,
} from './rhythm-confidence.js';

export interface BeatOptions extends OnsetOptions, TempoOptions, LevelOptions {
  /** Envelope frames pooled into one point of the energy and onset curves in the output. */
  curvePool?: number;
}

export interface BeatResult {
  kind: 'beats';
  sampleRate: number;
  durationSec: number;
  /** Mean tempo of the tracked beats in BPM; null when there is no beat to speak of. */
  tempo: number | null;
  /** Beat times in seconds. */
  beats: number[];
  /** Bar starts in seconds (a subset of `beats`), and the beats in a bar (3 or 4; 2 in 6/8; 5 or 7). */
  downbeats: number[];
  beatsPerBar: number | null;
  /** Why the beat sits at this metrical level and not at double, half, 3:2 or 2:3 of it. */
  level?: string;
  /**
   * Where the tempo changes (a medley, a mix): each section's start (seconds) and tempo, each
   * tracked on its own. Absent for one tempo; `tempo` and `beatsPerBar` are then the longest
   * section's.
   */
  tempoChanges?: { at: number; tempo: number }[];
  /** Why there are no beats, when there are none. */
  message?: string;
  /** What the user should know about the input (a WAV cut short: only what is there was analysed). */
  warnings?: string[];
  /**
   * How sure the analysis is that there is a steady beat, 0..1 (rhythmConfidence): beats are
   * reported from 0.5 up; speech and ambience stay under it. 0 for silence.
   */
  confidence?: number;
  silent: boolean;
  /** Loudness (RMS, dBFS) and onset strength curves at `curveRate` points per second. */
  curveRate: number;
  energy: number[];
  onset: number[];
}

/** Beats, tempo, energy and onset curves of mono PCM. Pure. */
export function analyzeBeats(
  samples: Float32Array,
  sampleRate: number,
  options: BeatOptions = {},
): BeatResult {
  return beatsOfEnvelope(onsetStrength(samples, sampleRate, options), samples.length, sampleRate, options);
}

/**
 * The same from the onset envelope of `sampleCount` samples (an OnsetStream fed as the audio was
 * decoded). Pure.
 */
export function beatsOfEnvelope(
  input: OnsetEnvelope,
  sampleCount: number,
  sampleRate: number,
  options: BeatOptions = {},
): BeatResult {
  const pool = options.curvePool ?? 4;
  const base = {
    kind: 'beats' as const,
    sampleRate,
    durationSec: round(sampleCount / sampleRate),
    curveRate: round(input.frameRate / pool),
    energy: pooled(input.rms, pool, 'mean').map((v) => round(20 * Math.log10(Math.max(1e-6, v)))),
    onset: pooled(input.onset, pool, 'max').map(round),
  };
  const none = (silent: boolean, confidence: number, message: string): BeatResult => ({
    ...base,
    tempo: null,
    beats: [],
    downbeats: [],
    beatsPerBar: null,
    silent,
    confidence,
    message,
  });
  if (loudestDbfs(input.rms) < SILENCE_DBFS)
    return none(true, 0, `the audio is silent (below ${SILENCE_DBFS} dBFS throughout); no beats`);
  // A very quiet recording is judged as if it were played louder.
  const env = levelled(input);
  const tempo = estimateTempo(env.onset, env.frameRate, options);
  const heard = audibleSeconds(env);
  const steady = hasRhythm(tempo, heard);
  // A tempo that drifts is steady window by window, though the whole track's periodicity is weak.
  const windows = steady ? 0 : windowConfidence(env, options);
  const drifting = windows >= WINDOW_CONFIDENCE;
  // A tempo that ramps all the way through is steady only in shorter windows still, and is
  // tracked along its curve (a fixed period loses its phase towards either end).
  const local = shortWindows(env, options);
  const ramp = steady ? undefined : tempoRamp(env, options, local);
  const ramping = ramp !== undefined && Math.max(ramp.to / ramp.from, ramp.from / ramp.to) >= RAMP_SPAN;
  // Or the short windows agree on the whole track's beat, though it repeats weakly overall.
  const agreed = steady || drifting || ramp || !tempo ? 0 : agreedConfidence(local, tempo.period);
  const confidence = round(
    drifting ? windows : (ramp?.confidence ?? (agreed || rhythmConfidence(tempo, heard))),
  );
  // A periodicity this weak is speech, noise or a drone: better no beats than invented ones.
  if (!tempo || (!steady && !drifting && !ramp && !agreed))
    return none(false, confidence, `${noRhythmReason(heard, tempo)}; no beats`);
  const seconds = (f: number) => round((f * env.hop) / sampleRate);
  // Where the tempo changes, the sections' analyses alone (the whole track's would be discarded).
  const sections = ramping ? undefined : tempoSections(env, options);
  if (!sections) {
    // Beats only where 6-s windows hear a rhythm (none through a spoken intro), or find the beat
    // (a soft waltz's windows, 0.3-0.4 sure): the level chosen, or the estimate it moved from.
    const span = (period?: number) =>
      heardSpan(local, env.onset.length, period === undefined ? [] : [period, tempo.period]);
    const whole = ramping
      ? rampSection(env, options, ramp, span())
      : trackSection(env, options, tempo, true, span)!;
    const beats = whole.frames.map(seconds);
    // Fewer beats than a bar in seconds of music: a rhythm heard in one window only (a 6/8 piece's
    // fade-out gave "120 BPM, 2 beats in 40 s"), not the piece's beat.
    if (beats.length < MIN_BEATS && heard >= MIN_BEATS_AFTER_SEC) {
      const some = `${beats.length} beat${beats.length === 1 ? '' : 's'}`;
      return none(
        false,
        confidence,
        `a rhythm heard for ${some} in ${heard.toFixed(1)} s of sound; no beats`,
      );
    }
    return {
      ...base,
      tempo: round(meanTempo(beats) ?? (60 * env.frameRate) / whole.period),
      beats,
      downbeats: whole.bars.downbeats.map((i) => beats[i]!),
      beatsPerBar: whole.bars.beatsPerBar,
      level: whole.reason,
      silent: false,
      confidence,
    };
  }
  const beats: number[] = [];
  const downbeats: number[] = [];
  for (const section of sections) {
    // A section's first beat too close to the last one before it (the seam) is one beat, not two.
    const last = beats[beats.length - 1];
    const gap = (0.5 * section.period * env.hop) / sampleRate;
    const own = section.frames.map((f) => seconds(section.start + f));
    const kept = own.filter((t) => last === undefined || t - last >= gap);
    const dropped = own.length - kept.length;
    beats.push(...kept);
    for (const i of section.bars.downbeats) if (i >= dropped) downbeats.push(own[i]!);
  }
  // The tempo and meter of the longest section.
  const main = sections.reduce((x, y) => (y.frames.length > x.frames.length ? y : x));
  const tempoOf = (s: Section) =>
    round(meanTempo(s.frames.map((f) => seconds(s.start + f))) ?? (60 * env.frameRate) / s.period);
  return {
    ...base,
    tempo: tempoOf(main),
    beats,
    downbeats,
    beatsPerBar: main.bars.beatsPerBar,
    level: main.reason,
    tempoChanges: sections.map((s) => ({ at: seconds(s.start), tempo: tempoOf(s) })),
    silent: false,
    confidence,
  };
}

/** One stretch of steady tempo, analysed on its own: its beats' frames are relative to `start`. */
interface Section {
  start: number;
  frames: number[];
  period: number;
  reason: string;
  bars: Bars;
}

/**
 * Beats of one stretch of steady tempo: the tempo, its metrical level, the bars. `gated`: the caller
 * has judged the rhythm (a drifting tempo passes there, not here); `span`: where beats may fall.
 */
function trackSection(
  env: OnsetEnvelope,
  options: BeatOptions,
  tempo = estimateTempo(env.onset, env.frameRate, options),
  gated = false,
  span?: (period: number) => readonly [number, number],
): Omit<Section, 'start'> | undefined {
  if (!tempo || !(gated || hasRhythm(tempo, audibleSeconds(env)))) return undefined;
  const {
    beats: frames,
    period,
    reason,
    compound,
    oddBar,
  } = chooseLevel(env, tempo.period, {
    ...options,
    // The level may move beyond the tempo search range only within 50-210 BPM.
    minBpm: Math.min(options.minBpm ?? 50, 50),
    maxBpm: Math.max(options.maxBpm ?? 210, 210),
  });
  const heard = within(audibleOnly(frames, env.rms, period), span?.(period), period);
  return { frames: heard, period, reason, bars: findBars(env, heard, period, compound, oddBar) };
}

/** The beat frames within `span` (half a beat's grace either side); all where there is none. */
function within(frames: number[], span: readonly [number, number] | undefined, period: number): number[] {
  if (!span) return frames;
  return frames.filter((f) => f >= span[0] - period / 2 && f <= span[1] + period / 2);
}

/**
 * How far (ratio) a ramp's tempo must move from its first window to its last to be tracked along
 * its curve; one that holds its tempo has its level chosen and is tracked as any other.
 */
const RAMP_SPAN = 1.1;

/** Beats of a tempo ramp: each beat held to the tempo where it falls; bars as anywhere. */
function rampSection(
  env: OnsetEnvelope,
  options: BeatOptions,
  ramp: TempoRamp,
  span: readonly [number, number],
): Omit<Section, 'start'> {
  const { period } = ramp;
  const beats = trackBeatsAlong(env.onset, ramp.periods, period, { tightness: options.tightness });
  const frames = within(audibleOnly(beats, env.rms, period), span, period);
  const reason = `the tempo ramps from ${Math.round(ramp.from)} to ${Math.round(ramp.to)} BPM`;
  return { frames, period, reason, bars: findBars(env, frames, period) };
}

/**
 * Each section of a track whose tempo changes, analysed on its own; undefined where the tempo
 * holds, or where the sections come out at one tempo (or at metrical multiples of each other, as
 * a double-time chorus may: then one analysis of the whole track judges the level better).
 */
function tempoSections(env: OnsetEnvelope, options: BeatOptions): Section[] | undefined {
  const changes = tempoChanges(env.onset, env.frameRate);
  if (changes.length === 0) return undefined;
  const bounds = [0, ...changes, env.onset.length];
  const sections: Section[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const [from, to] = [bounds[i]!, bounds[i + 1]!];
    const slice = (x: Float64Array) => x.subarray(from, to);
    const part = { ...env, onset: slice(env.onset), rms: slice(env.rms), low: slice(env.low) };
    const tonal = { harmonic: slice(env.harmonic), chords: slice(env.chords) };
    const section = trackSection({ ...part, high: slice(env.high), ...tonal }, options);
    // A stretch without rhythm (a break between songs) has no beats.
    if (section) sections.push({ start: from, ...section });
  }
  const differ = sections.some((s, i) => i > 0 && newTempo(sections[i - 1]!.period / s.period));
  return differ ? sections : undefined;
}

/** Fewer beats than this in MIN_BEATS_AFTER_SEC or more of sound are no beat of the piece's. */
const MIN_BEATS = 4;
const MIN_BEATS_AFTER_SEC = 8;

/** A tempo ratio that is a change of tempo: 6 % or more, and not 2:1 or 1:2 (within 3 %). */
function newTempo(ratio: number): boolean {
  const r = Math.max(ratio, 1 / ratio);
  return r >= 1.06 && Math.abs(r / 2 - 1) > 0.03;
}

function pooled(values: Float64Array, size: number, how: 'mean' | 'max'): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i += size) {
    let acc = how === 'max' ? -Infinity : 0;
    const end = Math.min(values.length, i + size);
    for (let j = i; j < end; j++) acc = how === 'max' ? Math.max(acc, values[j]!) : acc + values[j]!;
    out.push(how === 'max' ? acc : acc / (end - i));
  }
  return out;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
