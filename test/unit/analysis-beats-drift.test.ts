import { describe, expect, it } from 'vitest';
import { analyzeBeats } from '../../src/analysis/beats/index.js';
import { mulberry32 } from '../../src/random.js';
import { beatFMeasure } from '../../bench/lib/beat-score.js';
import { voice } from '../../bench/lib/drum-track.js';

const RATE = 11025;

/** A drummer slowing from `from` to `to` BPM over `seconds`: kick on one and three, snare on two and four, eighth hats. */
function ramp(from: number, to: number, seconds: number): { samples: Float32Array; beats: number[] } {
  const samples = new Float32Array(seconds * RATE);
  const random = mulberry32(5);
  const beats: number[] = [];
  for (let t = 0.5, k = 0; t < seconds - 1; k++) {
    beats.push(t);
    const bpm = from + ((to - from) * t) / seconds;
    const beat = 60 / bpm;
    voice(samples, Math.round(t * RATE), RATE, k % 2 === 0 ? 'kick' : 'snare', 0.8, random);
    voice(samples, Math.round(t * RATE), RATE, 'hat', 0.3, random);
    voice(samples, Math.round((t + beat / 2) * RATE), RATE, 'hat', 0.25, random);
    t += beat;
  }
  return { samples, beats };
}

describe('a tempo that drifts', () => {
  // Found by a new user's trial: a song slowing from 100 to 80 BPM got "no steady rhythm" (the
  // whole track's periodicity is smeared by the drift) and a montage refused its music.
  it.each([
    [100, 80],
    [90, 115],
  ])('from %i to %i BPM over 45 s: beats all the way', (from, to) => {
    const { samples, beats } = ramp(from, to, 45);
    const result = analyzeBeats(samples, RATE);
    expect(result.confidence).toBeGreaterThanOrEqual(0.5);
    expect(beatFMeasure(result.beats, beats)).toBeGreaterThan(0.9);
  });
});
