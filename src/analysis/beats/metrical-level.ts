import { trackBeats } from './beat-track.js';
import { harmonicPeriod, peakAt, rises } from './rhythm-evidence.js';

export interface LevelOptions {
  /** Slowest and fastest beat level a correction may move to (default 50-210 BPM). */
  minBpm?: number;
  maxBpm?: number;
  tightness?: number;
}

/** The curves the level choice weighs, all at `frameRate` (see OnsetEnvelope). */
export interface LevelEnvelope {
  frameRate: number;
  onset: Float64Array;
  rms: Float64Array;
  low: Float64Array;
  high: Float64Array;
  harmonic: Float64Array;
}

export interface LevelChoice {
  /** Tempo ratio to the estimate: 1, 2, 0.5, 1.5 or 2/3. */
  factor: number;
  /** Beat period in envelope frames at the chosen level. */
  period: number;
  /** Beat frames tracked at the chosen level. */
  beats: number[];
  /** Which evidence moved the level (or "tempo prior" when none did). */
  reason: string;
}

/**
 * Picks the metrical level of the beat among the tempo estimate and its 2:1, 1:2, 3:2 and 2:3
 * relatives by evidence, not only the tempo prior: accents are rises of linear energy (a faint
 * hi-hat weighs little, a kick or snare much), looked up at the tracked beats and between them.
 *
 * - Bar structure: chords and bass change once a bar, every 3 or 4 beats. A harmonic change every
 *   2 beats says the beats are too slow (a half-time groove), every 6 or 8 too fast (a ballad).
 * - Backbeat: accents halfway between beats as strong as half the beats' (a snare between kicks)
 *   say the beat is twice as fast; accents at a third of the way (kick every 1.5 beats) say 3:2.
 * - Onset density: when every other beat (or two of three) is far weaker than the rest, the
 *   tracked beats are subdivisions: half (or 2:3) as fast.
 */
export function chooseLevel(env: LevelEnvelope, period: number, options: LevelOptions = {}): LevelChoice {
  const track = (p: number) => trackBeats(env.onset, p, { tightness: options.tightness });
  const beats = track(period);
  const keep: LevelChoice = { factor: 1, period, beats, reason: 'tempo prior' };
  if (beats.length < 8) return keep;
  const bpm = (60 * env.frameRate) / period;
  const allowed = (f: number) => bpm * f >= (options.minBpm ?? 50) && bpm * f <= (options.maxBpm ?? 210);
  const move = (factor: number, reason: string): LevelChoice =>
    allowed(factor) ? { factor, period: period / factor, beats: track(period / factor), reason } : keep;

  const bar = harmonicPeriod(env.harmonic, env.frameRate);
  if (bar) {
    const beatsPerChange = bar.period / period;
    const near = (x: number) => Math.abs(beatsPerChange - x) / x < 0.08;
    if (near(3) || near(4)) return { ...keep, reason: `a chord change every ${Math.round(beatsPerChange)} beats` };
    if (near(2) || near(1.5)) return move(2, 'a chord change every 2 beats');
    if (near(8 / 3)) return move(1.5, 'a chord change every 2.67 beats');
    if (near(6)) return move(2 / 3, 'a chord change every 6 beats');
    if (near(8)) return move(0.5, 'a chord change every 8 beats');
  }

  const accent = rises(env.rms);
  const reach = Math.max(1, Math.round(period / 16));
  const at = (t: number) => peakAt(accent, t, reach);
  const onBeat = beats.map(at);
  const level = median(onBeat);
  if (level <= 0) return keep;
  const gaps = beats.slice(1).map((b, i) => [beats[i]!, b - beats[i]!] as const);
  const halfway = median(gaps.map(([b, gap]) => at(b + gap / 2)));
  const thirds = median(gaps.map(([b, gap]) => Math.max(at(b + gap / 3), at(b + (2 * gap) / 3))));
  if (halfway >= 0.5 * level && allowed(2)) return move(2, 'accents halfway between beats');
  if (thirds >= 0.5 * level && thirds > 1.5 * halfway && allowed(1.5))
    return move(1.5, 'accents a third of the way between beats');
  const phase = (cycle: number) =>
    Array.from({ length: cycle }, (_, k) => median(onBeat.filter((_, i) => i % cycle === k)));
  const [even, odd] = phase(2) as [number, number];
  if (Math.min(even, odd) < 0.2 * Math.max(even, odd)) return move(0.5, 'every other beat weak');
  const three = phase(3).sort((a, b) => b - a);
  if (three[1]! < 0.2 * three[0]! && thirds < 0.25 * level)
    return move(2 / 3, 'two beats in three weak');
  return keep;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
