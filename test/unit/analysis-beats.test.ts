import { describe, expect, it } from 'vitest';
import {
  analyzeBeats,
  beatsOfEnvelope,
  estimateTempo,
  meanTempo,
  onsetStrength,
  OnsetStream,
  onsetEnvelope,
  RealFft,
} from '../../src/analysis/beats/index.js';
import { beatFMeasure } from '../../bench/lib/beat-score.js';
import { drumTrack } from '../../bench/lib/drum-track.js';
import { mulberry32 } from '../../src/random.js';

const RATE = 22050;

function clicks(
  bpm: number,
  seconds: number,
  rate = RATE,
  first = 0.5,
): { samples: Float32Array; beats: number[] } {
  const samples = new Float32Array(Math.round(seconds * rate));
  const beats: number[] = [];
  for (let t = first; t < seconds - 0.2; t += 60 / bpm) {
    beats.push(t);
    const at = Math.round(t * rate);
    for (let i = 0; i < 400 && at + i < samples.length; i++)
      samples[at + i] = Math.sin(i * 0.3) * Math.exp(-i / 80);
  }
  return { samples, beats };
}

describe('RealFft', () => {
  it('matches a direct DFT', () => {
    const random = mulberry32(3);
    // Radix-4 stages after a radix-4 (n/2 = 4^k) or a radix-2 first stage (64, 1024).
    for (const n of [8, 64, 512, 1024]) {
      const x = Float64Array.from({ length: n }, () => random() - 0.5);
      const power = new Float64Array(n / 2 + 1);
      new RealFft(n).power(x, power);
      for (const k of [0, 1, n / 4, n / 2 - 1, n / 2]) {
        let re = 0;
        let im = 0;
        for (let t = 0; t < n; t++) {
          re += x[t]! * Math.cos((-2 * Math.PI * k * t) / n);
          im += x[t]! * Math.sin((-2 * Math.PI * k * t) / n);
        }
        expect(power[k]).toBeCloseTo(re * re + im * im, 9);
      }
    }
  });

  it('refuses sizes that are not powers of two', () => {
    expect(() => new RealFft(1000)).toThrow(/power of two/);
  });
});

describe('tempo and beats', () => {
  it.each([75, 100, 120, 150, 175])('click track at %i BPM: tempo within 2%%, beats within 70 ms', (bpm) => {
    const track = clicks(bpm, 15);
    const result = analyzeBeats(track.samples, RATE);
    expect(Math.abs(result.tempo! - bpm) / bpm).toBeLessThan(0.02);
    expect(beatFMeasure(result.beats, track.beats, 0.07, 2)).toBeGreaterThan(0.95);
  });

  // Found by the new-user trial: a song whose first beat is its first sample (a MIDI render, a
  // track cut on the beat) lost that beat, and its bar with it: the first frame had no onset.
  it('reports a beat at t=0 where the music starts on one', () => {
    const track = clicks(128, 10, RATE, 0);
    const result = analyzeBeats(track.samples, RATE);
    expect(result.beats[0]).toBeLessThan(0.02);
    expect(result.beats).toHaveLength(track.beats.length);
  });

  it('follows a drum track with swing and syncopation', () => {
    const track = drumTrack({ name: 't', bpm: 132, seconds: 15, swing: 1, syncopation: true, seed: 9 }, RATE);
    const result = analyzeBeats(track.samples, RATE);
    expect(beatFMeasure(result.beats, track.beats, 0.07, 3)).toBeGreaterThan(0.92);
  });

  it.each([
    [100, 130],
    [124, 100],
    [96, 144],
  ])('a drum track that changes from %i to %i BPM: each half tracked at its own tempo', (a, b) => {
    const first = drumTrack({ name: 'a', bpm: a, seconds: 16, swing: 0, syncopation: true, seed: 4 }, RATE);
    const second = drumTrack({ name: 'b', bpm: b, seconds: 16, swing: 0, syncopation: true, seed: 5 }, RATE);
    const samples = new Float32Array(first.samples.length + second.samples.length);
    samples.set(first.samples);
    samples.set(second.samples, first.samples.length);
    const result = analyzeBeats(samples, RATE);
    const half = (from: number, to: number) => result.beats.filter((t) => t >= from && t < to);
    expect(beatFMeasure(half(0, 16), first.beats, 0.07, 2)).toBeGreaterThan(0.95);
    expect(
      beatFMeasure(
        half(16, 32).map((t) => t - 16),
        second.beats,
        0.07,
        2,
      ),
    ).toBeGreaterThan(0.95);
    expect(result.tempoChanges).toHaveLength(2);
    expect(Math.abs(result.tempoChanges![1]!.at - 16)).toBeLessThan(2.5);
    expect(Math.abs(result.tempoChanges![1]!.tempo - b) / b).toBeLessThan(0.02);
  });

  it('finds no beats in the hiss left after the music (8-bit quantisation noise)', () => {
    // An envelope as an 8-bit copy of a quiet song gives: onsets every beat through the music and
    // on through the 4 s of hiss after it (the log-spectral flux of noise a few LSB high looks like
    // onsets), but the level rises with each hit only while the music plays; the hiss is flat, 15
    // dB under the music.
    const hop = 256;
    const frameRate = RATE / hop;
    const frames = Math.round(16 * frameRate);
    const period = frameRate / 2;
    const onset = new Float64Array(frames);
    const rms = new Float64Array(frames).fill(0.1 * 10 ** (-15 / 20));
    const random = mulberry32(5);
    const beats: number[] = [];
    for (let k = 1; k * period < frames - 2; k++) {
      const f = Math.round(k * period);
      onset[f] = 1 + 0.2 * random();
      if (f < 12 * frameRate) beats.push(f / frameRate);
    }
    for (let f = 0; f < 12 * frameRate; f++) {
      const since = (f % period) / period;
      rms[f] = 0.1 * (0.3 + 0.7 * Math.exp(-6 * since));
    }
    const zero = new Float64Array(frames);
    const env = { frameRate, hop, onset, rms, low: zero, high: zero, harmonic: zero, chords: zero };
    const result = beatsOfEnvelope(env, frames * hop, RATE);
    expect(Math.abs(result.tempo! - 120) / 120).toBeLessThan(0.02);
    expect(Math.max(...result.beats)).toBeLessThan(12);
    expect(beatFMeasure(result.beats, beats, 0.07, 2)).toBeGreaterThan(0.95);
  });

  it('estimates the autocorrelation tempo directly', () => {
    const env = onsetStrength(clicks(120, 15).samples, RATE);
    expect(estimateTempo(env.onset, env.frameRate)!.bpm).toBeCloseTo(120, 0);
  });

  it('takes four sixteenths of a grid struck alike as the beat, never five', () => {
    // A snare on every sixteenth, a little louder on the beats (a train beat): the autocorrelation
    // is nearly flat over the sixteenths' multiples, and the sixteenth falls between frames.
    const frameRate = 86.1328125;
    const grid = (bpm: number, accent: number) => {
      const onset = new Float64Array(Math.round(30 * frameRate));
      const sixteenth = (60 * frameRate) / bpm / 4;
      const random = mulberry32(7);
      for (let k = 0; k * sixteenth < onset.length - 2; k++) {
        const t = Math.round(k * sixteenth);
        const a = 1 + (k % 4 === 0 ? accent : 0) + 0.2 * random();
        onset[t]! += a;
        onset[t + 1]! += 0.5 * a;
      }
      return onset;
    };
    for (const bpm of [104, 124, 132])
      for (const accent of [0.1, 0.5, 1]) {
        const found = estimateTempo(grid(bpm, accent), frameRate)!.bpm;
        expect(Math.abs(found / bpm - 1), `${bpm} BPM, accent ${accent}: ${found}`).toBeLessThan(0.02);
      }
  });

  it('gives the same envelope from PCM pushed in uneven chunks as from the whole signal', () => {
    const { samples } = clicks(120, 6, 11025);
    const whole = onsetStrength(samples, 11025);
    const stream = new OnsetStream(11025);
    // Chunks smaller than a hop, larger than the staging buffer, and empty.
    let at = 0;
    for (const size of [1, 7, 0, 300, 20_000, 129]) {
      stream.push(samples.subarray(at, at + size));
      at += size;
    }
    stream.push(samples.subarray(at));
    const chunked = onsetEnvelope(stream.finish());
    expect(chunked.onset).toEqual(whole.onset);
    expect(chunked.rms).toEqual(whole.rms);
    expect(chunked.harmonic).toEqual(whole.harmonic);
    expect(chunked.onset.length).toBe(Math.floor(samples.length / 128) + 1);
  });

  it('says a silent track is silent and invents no tempo', () => {
    const result = analyzeBeats(new Float32Array(RATE * 5), RATE);
    expect(result).toMatchObject({ silent: true, tempo: null, beats: [] });
    expect(result.message).toMatch(/silent/);
    expect(result.energy.every((db) => db <= -100)).toBe(true);
  });

  it('finds no beats in a steady tone', () => {
    const tone = Float32Array.from(
      { length: RATE * 8 },
      (_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / RATE),
    );
    const result = analyzeBeats(tone, RATE);
    expect(result.beats).toEqual([]);
    expect(result.tempo).toBeNull();
  });

  // A pure sine kick (an 808 without its click) changes few mel bands: its spectral flux loses to
  // a faint blip on the off-beat, but the beat is where the kick is.
  it.each([
    [120, /moved half a beat/],
    [95, /moved half a beat/],
    // Fast: tracked at half speed on the blips, with the kicks on the quarters between them (or,
    // at 150, at full speed on the blips, as the slow ones are).
    [150, /twice as fast|moved half a beat/],
    [170, /twice as fast/],
  ])('puts the beat on a sine kick, not on off-beat blips, at %i BPM', (bpm, level) => {
    const seconds = 16;
    const samples = new Float32Array(seconds * RATE);
    const kicks: number[] = [];
    for (let t = 0.25; t < seconds - 0.5; t += 60 / bpm) {
      kicks.push(t);
      const at = Math.round(t * RATE);
      for (let i = 0; i < 0.3 * RATE; i++)
        samples[at + i]! += Math.sin((2 * Math.PI * 55 * i) / RATE) * Math.exp(-i / (0.15 * RATE));
      const blip = Math.round((t + 30 / bpm) * RATE);
      for (let i = 0; i < 0.02 * RATE && blip + i < samples.length; i++)
        samples[blip + i]! += 0.3 * Math.sin((2 * Math.PI * 4000 * i) / RATE) * Math.exp(-i / (0.005 * RATE));
    }
    const result = analyzeBeats(samples, RATE);
    expect(Math.abs(result.tempo! - bpm) / bpm).toBeLessThan(0.02);
    expect(beatFMeasure(result.beats, kicks, 0.05, 2)).toBeGreaterThan(0.95);
    expect(result.level).toMatch(level);
  });

  // An oom-pah too fast to double: a kick on every beat, a snare on every "and". The snares'
  // broadband flux outweighs the kicks', but the beat is the kick's.
  it.each([160, 175, 190])('puts the beat on the oom, not the pah, at %i BPM', (bpm) => {
    const seconds = 16;
    const samples = new Float32Array(seconds * RATE);
    const random = mulberry32(bpm);
    const kicks: number[] = [];
    for (let t = 0.25; t < seconds - 0.5; t += 60 / bpm) {
      kicks.push(t);
      const at = Math.round(t * RATE);
      for (let i = 0; i < 0.2 * RATE; i++)
        samples[at + i]! += 0.8 * Math.sin((2 * Math.PI * 60 * i) / RATE) * Math.exp(-i / (0.08 * RATE));
      const snare = Math.round((t + 30 / bpm) * RATE);
      for (let i = 0; i < 0.1 * RATE && snare + i < samples.length; i++)
        samples[snare + i]! += 0.5 * (2 * random() - 1) * Math.exp(-i / (0.03 * RATE));
    }
    const result = analyzeBeats(samples, RATE);
    // The tempo's octave is the prior's call (175 or 87.5); the phase is what this is about: every
    // beat on a kick.
    const ratio = result.tempo! / bpm;
    expect(Math.min(Math.abs(ratio - 1), Math.abs(ratio - 0.5))).toBeLessThan(0.01);
    const onKick = result.beats.filter((b) => kicks.some((k) => Math.abs(k - b) < 0.05));
    expect(onKick.length / result.beats.length).toBeGreaterThan(0.95);
    expect(result.beats.length).toBeGreaterThan(0.45 * kicks.length);
  });

  // A waltz: a kick on one, hi-hats on two and three. Two weak beats in three is a bar of three,
  // not beats tracked 3:2 too fast: nothing sounds halfway through the weak pair.
  it.each([80, 100, 120])('keeps a drummed waltz at %i BPM in three', (bpm) => {
    const seconds = 18;
    const samples = new Float32Array(seconds * RATE);
    const random = mulberry32(bpm);
    const beats: number[] = [];
    for (let t = 0.5, k = 0; t < seconds - 0.5; t += 60 / bpm, k++) {
      beats.push(t);
      const at = Math.round(t * RATE);
      if (k % 3 === 0) {
        let phase = 0;
        for (let i = 0; i < 0.3 * RATE; i++) {
          phase += (2 * Math.PI * (50 + 60 * Math.exp(-i / (0.03 * RATE)))) / RATE;
          samples[at + i]! += Math.sin(phase) * Math.exp(-i / (0.12 * RATE));
        }
      } else {
        let last = 0;
        for (let i = 0; i < 0.05 * RATE; i++) {
          const noise = 2 * random() - 1;
          samples[at + i]! += 0.3 * (noise - last) * Math.exp(-i / (0.01 * RATE));
          last = noise;
        }
      }
    }
    const result = analyzeBeats(samples, RATE);
    expect(Math.abs(result.tempo! - bpm) / bpm).toBeLessThan(0.02);
    expect(beatFMeasure(result.beats, beats, 0.07, 2)).toBeGreaterThan(0.95);
    expect(result.beatsPerBar).toBe(3);
  });

  it('computes a tempo from beat times by least squares', () => {
    expect(meanTempo([0, 0.5, 1, 1.5, 2])).toBeCloseTo(120, 6);
    expect(meanTempo([0, 0.5])).toBeUndefined();
  });
});
