import { describe, expect, it } from 'vitest';
import { analyzeBeats } from '../../src/analysis/beats/index.js';
import { mulberry32 } from '../../src/random.js';

const RATE = 11025;

/** `seconds` of digital silence with one hit (a kick under a crash dying away) at `at`. */
function oneHit(seconds: number, at: number): Float32Array {
  const samples = new Float32Array(seconds * RATE);
  const random = mulberry32(3);
  const start = at * RATE;
  for (let i = 0; i < 3 * RATE; i++) {
    const t = i / RATE;
    const kick = Math.sin(2 * Math.PI * 55 * t) * Math.exp(-t / 0.15);
    const crash = (random() * 2 - 1) * 0.5 * Math.exp(-t / 0.8);
    samples[start + i] = 0.8 * (kick + crash);
  }
  return samples;
}

describe('silence around a single hit', () => {
  // Found by a new user's trial: one hit in ten minutes of silence was given 206 BPM, the rhythm's
  // confidence growing with the seconds of silence the autocorrelation averaged.
  it.each([60, 120, 300])('one hit in %i s of silence has no tempo', (seconds) => {
    const result = analyzeBeats(oneHit(seconds, seconds / 2), RATE);
    expect(result.tempo).toBeNull();
    expect(result.beats).toEqual([]);
    expect(result.confidence).toBeLessThan(0.5);
  });
});
