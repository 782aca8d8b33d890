import { describe, expect, it } from 'vitest';
import { chordChange, chordPeriod } from '../../src/analysis/beats/chord-change.js';
import { mulberry32 } from '../../src/random.js';

const RATE = 11025 / 128;

/** Chroma frames (x 12) from a pitch-class weight function of the frame. */
function chroma(frames: number, weights: (t: number) => number[]): Float32Array {
  const out = new Float32Array(frames * 12);
  for (let t = 0; t < frames; t++) out.set(weights(t), t * 12);
  return out;
}

const C = [1, 0, 0, 0, 0.8, 0, 0, 0.9, 0, 0, 0, 0];
const G = [0, 0, 0.8, 0, 0, 0, 0, 1, 0, 0, 0, 0];

describe('chordChange', () => {
  it('peaks where the pitch classes change, not where a class the chord holds is struck again', () => {
    const bar = Math.round(3 * RATE);
    const frames = 4 * bar;
    const curve = chordChange(
      chroma(frames, (t) => {
        const chord = Math.floor(t / bar) % 2 ? G : C;
        // The root struck again louder every half bar, and a drum hit (every class) every 40 frames.
        const restruck = chord.map((w, c) =>
          c === chord.indexOf(Math.max(...chord)) && t % bar > bar / 2 ? 2 * w : w,
        );
        return t % 40 < 2 ? restruck.map((w) => w + 3) : restruck;
      }),
      frames,
      RATE,
    );
    const around = (t: number) => Math.max(...curve.subarray(t - 8, t + 8));
    for (const k of [1, 2, 3]) expect(around(k * bar), `bar ${k}`).toBeGreaterThan(0.3);
    for (const k of [0, 1, 2, 3]) expect(around(k * bar + bar / 2), `half bar ${k}`).toBeLessThan(0.1);
  });

  it('is 0 for a curve too short to compare and for silence', () => {
    expect([...chordChange(new Float32Array(12 * 20), 20, RATE)].every((v) => v === 0)).toBe(true);
    expect([...chordChange(new Float32Array(12 * 2000), 2000, RATE)].every((v) => v === 0)).toBe(true);
  });
});

describe('chordPeriod', () => {
  const frames = Math.round(30 * RATE);
  const period = 4 * Math.round(0.43 * RATE);
  /**
   * A spike every `every` frames, every other one `weaker` times as high, with a little noise so
   * that no lag is exactly flat.
   */
  const spikes = (every: number, weaker = 1) =>
    Float64Array.from(
      { length: frames },
      (_, t) => (t % every === 0 ? ((t / every) % 2 ? weaker : 1) : 0) + 0.001 * ((t * 7) % 5),
    );
  const found = { period, strength: 0.9 };

  it('doubles the period where the pitch classes change far more every other time', () => {
    // The bass struck again mid-bar under the same chord: a little change each half bar.
    const env = { frameRate: RATE, chords: spikes(period, 0.15), low: new Float64Array(frames) };
    expect(chordPeriod(env, found)?.period).toBe(2 * period);
  });

  it('keeps it where the pitch classes change about as much each time', () => {
    const env = { frameRate: RATE, chords: spikes(period, 0.7), low: new Float64Array(frames) };
    expect(chordPeriod(env, found)?.period).toBe(period);
  });

  it('keeps it where a kick or bass pulses on every beat or every other beat of four to it', () => {
    for (const beats of [1, 2]) {
      const env = { frameRate: RATE, chords: spikes(period, 0.15), low: spikes((beats * period) / 4) };
      expect(chordPeriod(env, found)?.period, `every ${beats}`).toBe(period);
    }
  });

  it("doubles it where the low band's pulse at half of it is faint: a thumb under picked strings", () => {
    // A travis-picked guitar at 96 BPM plays its thumb on every beat, softly beside the fingers:
    // the low band's rises repeated at a beat (half the period) at 0.27, and the half bar held.
    // Spikes on every beat under seeded noise: 0.27 and 0.31 of lag 0 at the beat.
    for (const noise of [0.65, 0.7]) {
      const random = mulberry32(3);
      const low = Float64Array.from(
        { length: frames },
        (_, t) => (t % (period / 2) === 0 ? 1 : 0) + noise * random(),
      );
      const env = { frameRate: RATE, chords: spikes(period, 0.15), low };
      expect(chordPeriod(env, found)?.period, `noise ${noise}`).toBe(2 * period);
    }
  });

  it('keeps a period whose double is past the longest bar, and no period', () => {
    const long = { period: Math.round(2.6 * RATE), strength: 0.9 };
    const env = { frameRate: RATE, chords: spikes(long.period, 0.15), low: new Float64Array(frames) };
    expect(chordPeriod(env, long)?.period).toBe(long.period);
    expect(chordPeriod(env, undefined)).toBeUndefined();
  });
});
