import { describe, expect, it } from 'vitest';
import { findBars, type LevelEnvelope } from '../../src/analysis/beats/index.js';

const FRAMES = 2000;
/** `count` beats, 40 frames apart from frame 20. */
const beatGrid = (count: number) => Array.from({ length: count }, (_, k) => 20 + 40 * k);

/**
 * A spike at each beat of beatGrid whose place in a bar of four is in `places`, `hit` more at beat
 * `hitBeat`, with a little noise.
 */
function spikes(places: readonly number[], hit = 0, hitBeat = -1): Float64Array {
  return Float64Array.from({ length: FRAMES }, (_, t) => {
    const beat = (t - 20) / 40;
    const on = Number.isInteger(beat) && places.includes(beat % 4) ? 1 : 0;
    return on + (beat === hitBeat ? hit : 0) + 0.001 * ((t * 7) % 5);
  });
}

describe('bars where nothing is struck on one', () => {
  // Found on a held-out reggae one-drop at 76 BPM (every beat right, downbeat F 0): the kick and rim
  // on three only, the guitar's skank on two and four, the bass and organ changing the bands on
  // every beat, the chord changing on one. The bars started on the kick.
  it('start where the chord changes, not on the kick on three', () => {
    const beats = beatGrid(48);
    const env: LevelEnvelope = {
      frameRate: 86,
      onset: spikes([0, 1, 2, 3]),
      rms: spikes([0, 1, 2, 3]),
      low: spikes([2]),
      high: spikes([1, 3]),
      harmonic: spikes([0, 1, 2, 3]),
      chords: spikes([0]),
    };
    const bars = findBars(env, beats, 40);
    expect(bars.beatsPerBar).toBe(4);
    expect(bars.downbeats.slice(0, 3)).toEqual([0, 4, 8]);
    // Without the chord's pitch classes the kick decides: the bars start on three.
    const kick = findBars({ ...env, chords: spikes([0, 1, 2, 3]) }, beats, 40);
    expect(kick.downbeats.slice(0, 3)).toEqual([2, 6, 10]);
  });
});

describe('the end of a piece', () => {
  /** Bars of four from the first beat, with a loud hit on beat `hitBeat` (the third of its bar). */
  const ending = (hitBeat: number): LevelEnvelope => ({
    frameRate: 86,
    onset: spikes([0, 1, 2, 3]),
    rms: spikes([0, 1, 2, 3]),
    low: spikes([0], 8, hitBeat),
    high: spikes([1, 3]),
    harmonic: spikes([0], 8, hitBeat),
    chords: spikes([0], 8, hitBeat),
  });

  // A new user's EDM track at 128 BPM ended on a hit on its last beat, and a bar started there,
  // 1.4 s after the one before: a move of the bar start with no bar after it to show for it.
  it('starts no bar on a loud last beat that falls inside a bar', () => {
    const beats = beatGrid(47);
    const bars = findBars(ending(46), beats, 40);
    expect(bars.beatsPerBar).toBe(4);
    // Beat 46 is the third of its bar (44 starts it).
    expect(bars.downbeats.slice(-2)).toEqual([40, 44]);
    expect(bars.downbeats.every((d, i) => i === 0 || d - bars.downbeats[i - 1]! === 4)).toBe(true);
  });

  it('keeps a bar start moved by a hit where a whole bar follows it', () => {
    const bars = findBars(ending(42), beatGrid(46), 40);
    expect(bars.downbeats.slice(-2)).toEqual([40, 42]);
  });
});
