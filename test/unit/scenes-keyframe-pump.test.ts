import { describe, expect, it } from 'vitest';
import { isPump, keyframePumps, PUMP_RATIO } from '../../src/analysis/scenes/keyframe-pump.js';

/** Scores of `n` frames: `base` everywhere, `at` frames set to their values. */
function scores(n: number, base: number, at: Record<number, number>): number[] {
  return Array.from({ length: n }, (_, i) => at[i] ?? base);
}

describe('keyframePumps: the bar a cut must clear at a fixed GOP cadence', () => {
  const every60 = [0, 60, 120, 180, 240, 300, 360];

  it('sets PUMP_RATIO times the neighbours’ pump at each cadence keyframe', () => {
    const s = scores(420, 0.7, { 60: 4.9, 120: 3.9, 180: 3.7, 240: 3.4, 300: 3.5, 360: 3.7 });
    const bars = keyframePumps(every60, s, 0, 8);
    expect([...bars.keys()]).toEqual([60, 120, 180, 240, 300, 360]);
    // 60's neighbours: 120 and 180 (nothing before frame 0's GOP); the lower median of two.
    expect(bars.get(60)).toBeCloseTo(PUMP_RATIO * 3.7);
    // 240's: 120, 180, 300, 360 -> 3.7.
    expect(bars.get(240)).toBeCloseTo(PUMP_RATIO * 3.7);
  });

  it('is not raised by a cut that lands on a cadence keyframe, nor by a dark shot beside it', () => {
    const s = scores(420, 0.7, { 60: 4.9, 120: 3.9, 180: 3.4, 240: 27.6, 300: 0.4, 360: 0.5 });
    const bars = keyframePumps(every60, s, 0, 8);
    expect(bars.get(240)).toBeLessThan(27.6);
    expect(bars.get(180)).toBeGreaterThan(3.4);
  });

  it('is not raised by cuts on two of its four neighbours (a montage cut on the cadence)', () => {
    // A new user's trial at 60 fps, a keyframe every 120 frames, cuts at 240, 480 and 720: the
    // pump at 360 between two cuts read as a cut.
    const keys = [0, 120, 240, 360, 480, 600, 720, 840];
    const s = scores(900, 0.7, { 120: 4.1, 240: 40, 360: 4.7, 480: 38, 600: 4.05, 720: 45, 840: 3.9 });
    expect(keyframePumps(keys, s, 0, 8).get(360)).toBeCloseTo(PUMP_RATIO * 4.1);
  });

  it('keeps no bar where the neighbours change as much as a cut (cuts on every keyframe)', () => {
    const s = scores(420, 0.7, { 60: 30, 120: 42, 180: 35, 240: 50, 300: 33, 360: 40 });
    expect(keyframePumps(every60, s, 0, 8).size).toBe(0);
  });

  it('finds no cadence in scene-cut keyframes, two equal GOPs, short GOPs or no keyframes', () => {
    const s = scores(600, 0.7, {});
    expect(keyframePumps([0, 38, 60, 87, 105, 198, 257, 333], s, 0, 8).size).toBe(0);
    expect(keyframePumps([0, 90, 180, 250], s, 0, 8).size).toBe(0);
    expect(keyframePumps([0, 8, 16, 24, 32, 40, 48], s, 0, 8).size).toBe(0);
    expect(keyframePumps([], s, 0, 8).size).toBe(0);
    expect(keyframePumps(undefined, s, 0, 8).size).toBe(0);
  });

  it('reads a cadence a frame off (x264 with B-frames) and scene-cut keyframes between', () => {
    const keys = [0, 60, 77, 137, 197, 256, 316];
    const bars = keyframePumps(keys, scores(400, 3, {}), 0, 8);
    expect([...bars.keys()]).toEqual([60, 137, 197, 256, 316]);
  });

  it('numbers by the series’ own frames when it starts later (global keyframes)', () => {
    const bars = keyframePumps([1000, 1060, 1120, 1180, 1240], scores(300, 3, {}), 1000, 8);
    expect([...bars.keys()]).toEqual([60, 120, 180, 240]);
  });

  it('isPump: a change that is mostly texture, or keeps the layout', () => {
    const at = (luma: number, blocks: number, contrast: number) =>
      isPump({ luma: [0, luma], blocks: [0, blocks], contrast: [contrast, contrast] }, 1);
    expect(at(18.3, 4.2, 4.5)).toBe(true); // grain back on a grainy gradient
    expect(at(1.5, 1.2, 4.6)).toBe(true); // a smooth dark gradient shifted
    expect(at(5.4, 6.5, 5.2)).toBe(false); // a cut between two dark shots
    expect(at(70, 26.5, 24)).toBe(false); // a cut into a busy shot
  });
});
