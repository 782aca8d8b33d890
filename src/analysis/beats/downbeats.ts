import type { LevelEnvelope } from './metrical-level.js';
import { peakAt, rises } from './rhythm-evidence.js';

export interface Bars {
  /**
   * 3 or 4 (2 or 4 for beats that split in three; 5 or 7 where the harmony changes that often); 4
   * (2) from the first beat when nothing tells.
   */
  beatsPerBar: number;
  /** Indexes into the beats of the first beat of each bar. */
  downbeats: number[];
}

/**
 * Bar starts among tracked beats: the meter (3 or 4) and phase where chord changes and low accents
 * (kick, bass) gather on one beat of the bar and the high band (snare) stays away from it.
 * Each curve is scaled by its mean at the beats so that neither outweighs the other by loudness.
 */
export function findBars(
  env: LevelEnvelope,
  beats: readonly number[],
  period: number,
  compound = false,
  oddBar?: number,
): Bars {
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
  let best = { beatsPerBar: 4, phase: 0, contrast: -Infinity };
  // Compound meter: 6/8 (two dotted quarters) or 12/8 (four); a bar of three is 9/8, rare.
  const unlikely = compound ? 4 : 3;
  for (const m of compound ? [4, 2] : oddBar ? [4, 3, oddBar] : [4, 3]) {
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
      // In compound meter 4 must beat 2 (6/8 is the common case): a 12/8 bar is told from two
      // bars of 6/8 only by what changes every fourth beat, a 6/8 pair by chance variation.
      const contrast = on / Math.max(1, onCount) - off / Math.max(1, offCount) - (m === unlikely ? 0.15 : 0);
      if (contrast > best.contrast) best = { beatsPerBar: m, phase, contrast };
    }
  }
  // Nothing tells the bar (the same hit on every beat, a drone): bars of the default length from
  // the first beat, not the phase a rounding difference in the decode happened to favour.
  if (best.contrast < NO_BAR_EVIDENCE) best = { beatsPerBar: compound ? 2 : 4, phase: 0, contrast: 0 };
  const downbeats: number[] = [];
  for (let i = best.phase; i < beats.length; i += best.beatsPerBar) downbeats.push(i);
  return { beatsPerBar: best.beatsPerBar, downbeats };
}

/**
 * The contrast below which no bar is found. Music with bars measures 0.6-9 (the bench's styles and
 * meters); identical kicks on every beat 0.005-0.08, where two decodes of the same audio that
 * differ by 1 % in their samples picked different phases.
 */
const NO_BAR_EVIDENCE = 0.2;
