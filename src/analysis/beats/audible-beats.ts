import { SILENCE_DBFS } from './rhythm-confidence.js';
import { peakAt, rises } from './rhythm-evidence.js';

/** An end beat this far (dB) under the music's loud level, with no rise of its own, is not heard. */
const FAINT_DB = 10;

/** Beats this many in a row or more in silence are a pause between pieces, not a rest in one. */
const PAUSE_BEATS = 4;

/**
 * Drops beats at either end that sit in what is no longer music: far under its loud level (the
 * 95th percentile of the frames' RMS) with no rise in level of their own. A fade's last beats
 * still rise with each hit; the hiss left after the music (8-bit quantisation noise, tape hiss)
 * is flat, yet its log-spectral flux looks like onsets to the tracker. Inside, a run of
 * PAUSE_BEATS or more beats in silence (under SILENCE_DBFS: the gap between two songs of one
 * file, where the tracker's grid ran on at -120 dBFS) goes too; a rest with room tone or a
 * reverb tail keeps its beats.
 */
export function audibleOnly(frames: number[], rms: Float64Array, period: number): number[] {
  if (frames.length === 0) return frames;
  const sorted = Float64Array.from(rms).sort();
  const faint = sorted[Math.floor(0.95 * (sorted.length - 1))]! * 10 ** (-FAINT_DB / 20);
  const silence = 10 ** (SILENCE_DBFS / 20);
  const reach = Math.max(1, Math.round(period / 8));
  const rise = rises(rms);
  const levelAt = (f: number) => {
    let level = 0;
    let count = 0;
    for (let t = Math.max(0, f - reach); t <= Math.min(rms.length - 1, f + reach); t++, count++)
      level += rms[t]!;
    return level / Math.max(1, count);
  };
  // A hit raises the level by a good part of itself; hiss wavers by a few per cent.
  const heard = (f: number) => {
    const level = levelAt(f);
    return level >= faint || peakAt(rise, f, reach) >= 0.1 * level;
  };
  let first = 0;
  let last = frames.length - 1;
  while (first <= last && !heard(frames[first]!)) first++;
  while (last >= first && !heard(frames[last]!)) last--;
  const kept: number[] = [];
  for (let i = first; i <= last;) {
    let j = i;
    while (j <= last && levelAt(frames[j]!) < silence) j++;
    if (j - i < PAUSE_BEATS) kept.push(...frames.slice(i, Math.max(j, i + 1)));
    i = Math.max(j, i + 1);
  }
  return kept;
}
