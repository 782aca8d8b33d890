import type { LevelEnvelope } from './metrical-level.js';
import { peakAt, rises } from './rhythm-evidence.js';

export interface Bars {
  /** 3 or 4; 4 when the evidence cannot tell. */
  beatsPerBar: 3 | 4;
  /** Indexes into the beats of the first beat of each bar. */
  downbeats: number[];
}

/**
 * Bar starts among tracked beats: the meter (3 or 4) and phase where chord changes and low accents
 * (kick, bass) gather on one beat of the bar and the high band (snare) stays away from it.
 * Each curve is scaled by its mean at the beats so that neither outweighs the other by loudness.
 */
export function findBars(env: LevelEnvelope, beats: readonly number[], period: number): Bars {
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
  const weight = beats.map((_, i) => 2 * harmonic[i]! + low[i]! - 0.5 * high[i]!);
  let best = { beatsPerBar: 4 as 3 | 4, phase: 0, contrast: -Infinity };
  for (const m of [4, 3] as const) {
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
      // 3 must beat 4 clearly: a 4/4 bar's accents on 1 and 3 also look like a weak 3-grouping.
      const contrast = on / Math.max(1, onCount) - off / Math.max(1, offCount) - (m === 3 ? 0.15 : 0);
      if (contrast > best.contrast) best = { beatsPerBar: m, phase, contrast };
    }
  }
  const downbeats: number[] = [];
  for (let i = best.phase; i < beats.length; i += best.beatsPerBar) downbeats.push(i);
  return { beatsPerBar: best.beatsPerBar, downbeats };
}
