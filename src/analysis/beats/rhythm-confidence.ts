import { median } from '../median.js';
import type { OnsetEnvelope } from './onset-strength.js';
import { estimateTempo, type TempoEstimate, type TempoOptions } from './tempo.js';

/**
 * Quieter than this throughout (dBFS, frame RMS) is silence: no beats, and no tempo invented for
 * it. Under 16-bit's dither (about -90) and over nothing music is: a 24-bit recording peaking at
 * -54 dBFS was called silent at -60, and has its beats (the rhythm gate still refuses noise).
 */
export const SILENCE_DBFS = -85;

/** The loudest frame's RMS (linear), 0 for none. */
export function loudestFrame(rms: Float64Array): number {
  let peak = 0;
  for (const v of rms) peak = Math.max(peak, v);
  return peak;
}

/** The same in dBFS (-240 for digital silence). */
export function loudestDbfs(rms: Float64Array): number {
  return 20 * Math.log10(Math.max(1e-12, loudestFrame(rms)));
}

/**
 * Where a frame of a track at a normal level holds no sound (dBFS): a quieter track is brought up
 * to QUIET_TARGET_DBFS at its loudest first (levelled), so that it is judged as if played louder.
 */
const INAUDIBLE_DBFS = -60;
const QUIET_TARGET_DBFS = -20;

/**
 * The envelope with its linear level curves (RMS, low and high bands) brought up so that the
 * loudest frame is at QUIET_TARGET_DBFS, where it is under INAUDIBLE_DBFS; as it is otherwise.
 * The log-spectral curves (onsets, harmony) are relative to the loudest cell already.
 */
export function levelled<E extends Pick<OnsetEnvelope, 'rms' | 'low' | 'high'>>(env: E): E {
  const peak = loudestFrame(env.rms);
  if (!(peak > 0) || 20 * Math.log10(peak) >= INAUDIBLE_DBFS) return env;
  const gain = 10 ** (QUIET_TARGET_DBFS / 20) / peak;
  const power = gain * gain;
  return {
    ...env,
    rms: Float64Array.from(env.rms, (v) => v * gain),
    low: Float64Array.from(env.low, (v) => v * power),
    high: Float64Array.from(env.high, (v) => v * power),
  };
}

/** Under INAUDIBLE_DBFS, or this far (dB) under the loudest frame, a frame holds no music. */
const INAUDIBLE_DB = 50;

/**
 * Seconds from the first frame that holds sound to the last: the confidence's chance level falls
 * with the seconds the autocorrelation averages, and digital silence before and after the music
 * averages nothing (one hit in ten minutes of silence was given 206 BPM, its confidence growing
 * with the silence). The gaps between the clicks of a click track are the track's own.
 */
export function audibleSeconds(env: Pick<OnsetEnvelope, 'rms' | 'frameRate'>): number {
  const peak = loudestFrame(env.rms);
  const floor = Math.max(10 ** (INAUDIBLE_DBFS / 20), peak * 10 ** (-INAUDIBLE_DB / 20));
  const first = env.rms.findIndex((v) => v >= floor);
  if (first < 0) return 0;
  const last = env.rms.findLastIndex((v) => v >= floor);
  return (last - first + 1) / env.frameRate;
}

/**
 * Sound shorter than this (seconds) rarely proves a beat: the confidence needs pulse * sqrt(seconds)
 * >= 1, and a clear groove's pulse (0.3-0.5) needs 4-11 s of it. A jingle of 3.75 s was refused.
 */
const SHORT_SOUND_SEC = 8;

/**
 * A pulse that would prove a beat within this many seconds is one: 4-5 s of a piano's eighths
 * measure 0.34 (8.7 s), a steady tone 0.0001 and 5 s of pink noise 0.011.
 */
const PULSE_WITHIN_SEC = 30;

/**
 * Why a track without beats may have none. Its length is named only where it may be why: the
 * sound is short and has a pulse that more of it would prove (PULSE_WITHIN_SEC), or is too short
 * for any tempo to be read. A steady tone or noise has no beat at any length: a new user's trial
 * was told "6.0 s ... under 8 s is too short" of a tone, and saw 6.2 s of music cut on its beats.
 * Pure.
 */
export function noRhythmReason(heardSec: number, tempo: TempoEstimate | undefined | 'unknown'): string {
  const none = 'no steady rhythm found in the audio';
  if (heardSec >= SHORT_SOUND_SEC) return none;
  const only = `${none}: only ${heardSec.toFixed(1)} s of sound`;
  // Too short for a tempo to be read at all (two of the slowest beat's periods), or unknown.
  if (tempo === undefined || tempo === 'unknown') return `${only}, too short to be sure of a beat`;
  if (rhythmConfidence(tempo, PULSE_WITHIN_SEC) < 0.5) return none;
  // The seconds at which this pulse would reach a confidence of 0.5 (pulse * sqrt(seconds) = 1).
  const needed = Math.ceil(10 / tempo.pulse ** 2) / 10;
  return `${only}, too short to be sure of the beat it seems to have, which needs about ${needed.toFixed(1)} s`;
}

/** Whether a tempo estimate shows a beat at all: periodic enough, and surely so for its length. */
export function hasRhythm(tempo: TempoEstimate | undefined, durationSec: number): boolean {
  return tempo !== undefined && tempo.pulse >= 0.05 && rhythmConfidence(tempo, durationSec) >= 0.5;
}

/**
 * How surely an envelope `durationSec` long has a steady beat, 0..1: the autocorrelation peak at the
 * tempo or twice its period (TempoEstimate.pulse) in units of what an envelope without a beat reaches by chance at
 * its best lag. That chance level falls as 1/sqrt(duration) (the autocorrelation of an aperiodic
 * envelope averages out over more seconds), so the ratio is strength * sqrt(seconds), z, mapped to
 * z / (1 + z): 0.5 at z = 1. Measured: espeak-ng speech (English, German, French, 90-300 words a
 * minute, 4-32 s) z 0.20-0.58, pink and rain-like noise and a drone under 0.1; the 24 tracks of the
 * beat benchmark 1.71-4.27. Pure.
 */
export function rhythmConfidence(tempo: TempoEstimate | undefined, durationSec: number): number {
  if (!tempo || !(tempo.pulse > 0) || !(durationSec > 0)) return 0;
  const z = tempo.pulse * Math.sqrt(durationSec);
  return z / (1 + z);
}

/** Windows (seconds) a drifting tempo is judged in, and what their median must reach. */
const WINDOW_SEC = 12;
export const WINDOW_CONFIDENCE = 0.55;

/** One window's own tempo (its beat period in frames) and confidence; frames start..end. */
export interface LocalRhythm {
  start: number;
  end: number;
  period: number | undefined;
  /** 0 where the window holds no sound (`audible` false). */
  confidence: number;
  audible: boolean;
}

/** Windows read one by one, when first asked for (each reads its own tempo). */
export interface LocalWindows {
  readonly length: number;
  at(index: number): LocalRhythm;
}

/**
 * The rhythm of `windowSec` windows every `hopSec`, each with its own tempo and confidence, read
 * when first asked for: a steady track's heard span needs its first and last window only.
 */
export function localWindows(
  env: OnsetEnvelope,
  options: TempoOptions,
  windowSec: number,
  hopSec: number,
): LocalWindows {
  const size = Math.round(windowSec * env.frameRate);
  const hop = Math.round(hopSec * env.frameRate);
  const length = env.onset.length < size ? 0 : Math.floor((env.onset.length - size) / hop) + 1;
  const read: LocalRhythm[] = [];
  return {
    length,
    at(index) {
      if (!(index >= 0 && index < length)) throw new RangeError(`window ${index} of ${length}`);
      const start = index * hop;
      return (read[index] ??= windowAt(env, options, start, start + size));
    },
  };
}

/** The rhythm of `windowSec` windows every `hopSec`, each with its own tempo and confidence. */
export function localRhythm(
  env: OnsetEnvelope,
  options: TempoOptions,
  windowSec: number,
  hopSec: number,
): LocalRhythm[] {
  const windows = localWindows(env, options, windowSec, hopSec);
  return Array.from({ length: windows.length }, (_, i) => windows.at(i));
}

function windowAt(env: OnsetEnvelope, options: TempoOptions, start: number, end: number): LocalRhythm {
  const seconds = audibleSeconds({ rms: env.rms.subarray(start, end), frameRate: env.frameRate });
  const onset = env.onset.subarray(start, end);
  // Clipped only where sound fills most of the window: a lone hit in silence stays the one event
  // it is (clipped, the window's faint noise would be all there was to read a rhythm from).
  const full = seconds >= (0.5 * (end - start)) / env.frameRate;
  const tempo = estimateTempo(full ? clipped(onset) : onset, env.frameRate, options);
  const audible = seconds > 0;
  const confidence = audible ? rhythmConfidence(tempo, seconds) : 0;
  return { start, end, period: tempo?.period, confidence, audible };
}

/** The strongest onset frames of a window that are clipped to the next one's level. */
const CLIPPED_FRAMES = 2;

/**
 * A window's onsets with the two strongest frames clipped to the third's: one hit far louder than
 * the rest (music that starts at the file's first sample rises from the zero-padded silence before
 * it, 70 times the median onset, over two frames) took most of the window's energy and hid the
 * rhythm around it, so the first 6 s of a waltz went unheard and its first beats were dropped (a
 * new user's trial). A rhythm repeats: even a sparse ballad's 6 s hold three hits, so its own
 * strongest lose little. Pure.
 */
function clipped(onset: Float64Array): Float64Array {
  const ceiling = [...onset].sort((a, b) => b - a)[CLIPPED_FRAMES] ?? Infinity;
  return onset.map((v) => Math.min(v, ceiling));
}

/**
 * The median confidence of 12-s windows (half overlapping) that hold sound, each with its own
 * tempo: a tempo that drifts (100 to 80 BPM over 45 s) smears the whole track's autocorrelation
 * (0.47) but is steady in each window (0.62-0.67). Measured: espeak-ng speech 0.00-0.22, pink noise
 * 0.15, steady music 0.59-0.75. Beats are tracked where this reaches 0.55 though the whole track's
 * does not reach 0.5.
 */
export function windowConfidence(env: OnsetEnvelope, options: TempoOptions): number {
  const heard = localRhythm(env, options, WINDOW_SEC, WINDOW_SEC / 2).filter((w) => w.audible);
  return heard.length < 3 ? 0 : median(heard.map((w) => w.confidence));
}
