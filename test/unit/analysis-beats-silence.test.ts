import { describe, expect, it } from 'vitest';
import { analyzeBeats } from '../../src/analysis/beats/index.js';
import { mulberry32 } from '../../src/random.js';
import { beatFMeasure } from '../../bench/lib/beat-score.js';
import { BENCH_TRACKS, drumTrack } from '../../bench/lib/drum-track.js';

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

describe('a very quiet recording', () => {
  // Found by a new user's trial: a 24-bit recording peaking at -54 dBFS was called silent ("below
  // -60 dBFS throughout"), no beats.
  it.each([50, 70])('a drum track %i dB down keeps its beats', (down) => {
    const track = drumTrack(
      BENCH_TRACKS.find((t) => t.name === 'funk-100-sync')!,
      RATE,
    );
    const gain = 10 ** (-down / 20);
    const result = analyzeBeats(
      Float32Array.from(track.samples, (v) => v * gain),
      RATE,
    );
    expect(result.silent).toBe(false);
    expect(Math.abs(result.tempo! - 100) / 100).toBeLessThan(0.02);
    expect(beatFMeasure(result.beats, track.beats)).toBeGreaterThan(0.95);
  });
});
