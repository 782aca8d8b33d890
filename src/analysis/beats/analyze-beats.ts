import { findBars } from './downbeats.js';
import { chooseLevel, type LevelOptions } from './metrical-level.js';
import type { OnsetOptions } from './onset-stream.js';
import { onsetStrength, type OnsetEnvelope } from './onset-strength.js';
import { estimateTempo, type TempoOptions } from './tempo.js';

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
  /** Bar starts in seconds (a subset of `beats`), and the beats in a bar (3 or 4). */
  downbeats: number[];
  beatsPerBar: number | null;
  /** Why the beat sits at this metrical level and not at double, half, 3:2 or 2:3 of it. */
  level?: string;
  /** Why there are no beats, when there are none. */
  message?: string;
  silent: boolean;
  /** Loudness (RMS, dBFS) and onset strength curves at `curveRate` points per second. */
  curveRate: number;
  energy: number[];
  onset: number[];
}

/** Quieter than this throughout (dBFS) is silence: no beats, and no tempo invented for it. */
const SILENCE_DBFS = -60;

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
  env: OnsetEnvelope,
  sampleCount: number,
  sampleRate: number,
  options: BeatOptions = {},
): BeatResult {
  const pool = options.curvePool ?? 4;
  const base = {
    kind: 'beats' as const,
    sampleRate,
    durationSec: round(sampleCount / sampleRate),
    curveRate: round(env.frameRate / pool),
    energy: pooled(env.rms, pool, 'mean').map((v) => round(20 * Math.log10(Math.max(1e-6, v)))),
    onset: pooled(env.onset, pool, 'max').map(round),
  };
  let peak = 0;
  for (const v of env.rms) peak = Math.max(peak, v);
  if (20 * Math.log10(Math.max(1e-12, peak)) < SILENCE_DBFS) {
    return {
      ...base,
      tempo: null,
      beats: [],
      downbeats: [],
      beatsPerBar: null,
      silent: true,
      message: `the audio is silent (below ${SILENCE_DBFS} dBFS throughout); no beats`,
    };
  }
  const tempo = estimateTempo(env.onset, env.frameRate, options);
  // A periodicity this weak is noise or a drone: better no beats than invented ones.
  if (!tempo || tempo.strength < 0.05) {
    return {
      ...base,
      tempo: null,
      beats: [],
      downbeats: [],
      beatsPerBar: null,
      silent: false,
      message: 'no steady rhythm found in the audio; no beats',
    };
  }
  const {
    beats: frames,
    period,
    reason,
  } = chooseLevel(env, tempo.period, {
    ...options,
    // The level may move beyond the tempo search range only within 50-210 BPM.
    minBpm: Math.min(options.minBpm ?? 50, 50),
    maxBpm: Math.max(options.maxBpm ?? 210, 210),
  });
  const bars = findBars(env, frames, period);
  const seconds = (f: number) => round((f * env.hop) / sampleRate);
  const beats = frames.map(seconds);
  return {
    ...base,
    tempo: round(meanTempo(beats) ?? (60 * env.frameRate) / period),
    beats,
    downbeats: bars.downbeats.map((i) => beats[i]!),
    beatsPerBar: bars.beatsPerBar,
    level: reason,
    silent: false,
  };
}

/** Tempo from the least-squares slope of beat time against beat number: sub-frame precise. */
export function meanTempo(beats: readonly number[]): number | undefined {
  const n = beats.length;
  if (n < 4) return undefined;
  const meanI = (n - 1) / 2;
  const meanT = beats.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  beats.forEach((t, i) => {
    num += (i - meanI) * (t - meanT);
    den += (i - meanI) ** 2;
  });
  return num > 0 ? (60 * den) / num : undefined;
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
