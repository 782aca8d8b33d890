import { describe, expect, it } from 'vitest';
import { findBars, type LevelEnvelope } from '../../src/analysis/beats/index.js';

describe('bars where nothing is struck on one', () => {
  // Found on a held-out reggae one-drop at 76 BPM (every beat right, downbeat F 0): the kick and rim
  // on three only, the guitar's skank on two and four, the bass and organ changing the bands on
  // every beat, the chord changing on one. The bars started on the kick.
  it('start where the chord changes, not on the kick on three', () => {
    const frames = 2000;
    const beats = Array.from({ length: 48 }, (_, k) => 20 + 40 * k);
    /** A spike at each beat whose place in the bar of four is in `places`, with a little noise. */
    const at = (places: readonly number[], height = 1) =>
      Float64Array.from(
        { length: frames },
        (_, t) =>
          ((t - 20) % 40 === 0 && places.includes(((t - 20) / 40) % 4) ? height : 0) + 0.001 * ((t * 7) % 5),
      );
    const env: LevelEnvelope = {
      frameRate: 86,
      onset: at([0, 1, 2, 3]),
      rms: at([0, 1, 2, 3]),
      low: at([2]),
      high: at([1, 3]),
      harmonic: at([0, 1, 2, 3]),
      chords: at([0]),
    };
    const bars = findBars(env, beats, 40);
    expect(bars.beatsPerBar).toBe(4);
    expect(bars.downbeats.slice(0, 3)).toEqual([0, 4, 8]);
    // Without the chord's pitch classes the kick decides: the bars start on three.
    const kick = findBars({ ...env, chords: at([0, 1, 2, 3]) }, beats, 40);
    expect(kick.downbeats.slice(0, 3)).toEqual([2, 6, 10]);
  });
});

describe('the end of a piece', () => {
  // A new user's EDM track at 128 BPM ended on a hit on its last beat, and a bar started there,
  // 1.4 s after the one before: a move of the bar start with no bar after it to show for it.
  it('starts no bar on a loud last beat that falls inside a bar', () => {
    const frames = 2000;
    const beats = Array.from({ length: 47 }, (_, k) => 20 + 40 * k);
    const at = (places: readonly number[], last = 0) =>
      Float64Array.from(
        { length: frames },
        (_, t) =>
          ((t - 20) % 40 === 0 && places.includes(((t - 20) / 40) % 4) ? 1 : 0) +
          (t === beats.at(-1) ? last : 0) +
          0.001 * ((t * 7) % 5),
      );
    const env: LevelEnvelope = {
      frameRate: 86,
      onset: at([0, 1, 2, 3]),
      rms: at([0, 1, 2, 3]),
      low: at([0], 8),
      high: at([1, 3]),
      harmonic: at([0], 8),
      chords: at([0], 8),
    };
    const bars = findBars(env, beats, 40);
    expect(bars.beatsPerBar).toBe(4);
    // Beat 46 is the third of its bar (44 starts it).
    expect(bars.downbeats.slice(-2)).toEqual([40, 44]);
    expect(bars.downbeats.every((d, i) => i === 0 || d - bars.downbeats[i - 1]! === 4)).toBe(true);
  });
});
