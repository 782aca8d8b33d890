/**
 * Synthetic drum tracks with known beat times: kick, snare, hi-hat and a quiet pad, with
 * syncopation, swing, slow tempo drift and crescendo. Deterministic for a given seed.
 */
import { mulberry32 } from '../../src/random.js';

export interface DrumTrackSpec {
  name: string;
  bpm: number;
  /** Tempo at the end; the tempo moves linearly in time from `bpm` (slow drift). */
  endBpm?: number;
  seconds: number;
  /** 0 = straight eighths, 1 = triplet swing. */
  swing?: number;
  /**
   * 'sub-four': a pure sine kick (an 808 without its click) on every beat and a clave on every
   * off-beat, nothing else: the clave's spectral flux outweighs the kick's, its energy does not.
   * 'waltz': a kick on one and a hi-hat on two and three, nothing between (two weak beats in three
   * are a bar of three, not beats tracked 3:2 too fast).
   */
  pattern?: 'sub-four' | 'waltz';
  /** Kicks on off-beats and ghost snares on sixteenths. */
  syncopation?: boolean;
  /** Gain ramps from quiet to full over the track. */
  crescendo?: boolean;
  /** Human timing: each hit lands up to this many ms off the grid (the truth stays on the grid). */
  jitterMs?: number;
  /** Background noise level in dBFS (e.g. -45), as room tone or tape hiss. */
  noiseDb?: number;
  seed?: number;
}

export interface DrumTrack {
  spec: DrumTrackSpec;
  sampleRate: number;
  samples: Float32Array;
  /** Quarter-note times in seconds: the ground truth. */
  beats: number[];
}

/** Renders a drum track. Pure. */
export function drumTrack(spec: DrumTrackSpec, sampleRate = 44100): DrumTrack {
  const random = mulberry32(spec.seed ?? 1);
  const n = Math.round(spec.seconds * sampleRate);
  const out = new Float32Array(n);
  const beats: number[] = [];
  const endBpm = spec.endBpm ?? spec.bpm;
  const bpmAt = (t: number) => spec.bpm + ((endBpm - spec.bpm) * t) / spec.seconds;
  const gainAt = (t: number) => (spec.crescendo ? 0.12 + 0.88 * (t / spec.seconds) : 0.8);
  const offbeat = 0.5 + (spec.swing ?? 0) / 6;
  const jitter = (spec.jitterMs ?? 0) / 1000;
  const hit = (time: number, kind: 'kick' | 'sub' | 'snare' | 'hat' | 'clave', velocity: number) => {
    const start = Math.round((time + jitter * (2 * random() - 1)) * sampleRate);
    const gain = velocity * gainAt(time) * (0.85 + 0.3 * random());
    voice(out, start, sampleRate, kind, gain, random);
  };
  for (let t = 0.3, k = 0; t < spec.seconds - 0.3; k++) {
    const ibi = 60 / bpmAt(t);
    beats.push(t);
    const m = k % 4;
    if (spec.pattern === 'waltz') {
      hit(t, k % 3 === 0 ? 'kick' : 'hat', k % 3 === 0 ? 1 : 0.35);
      t += ibi;
      continue;
    }
    if (spec.pattern === 'sub-four') {
      hit(t, 'sub', 1);
      hit(t + offbeat * ibi, 'clave', 0.4);
      t += ibi;
      continue;
    }
    if (m === 0 || m === 2) hit(t, 'kick', 1);
    if (m === 1 || m === 3) hit(t, 'snare', 0.8);
    hit(t, 'hat', 0.35);
    hit(t + offbeat * ibi, 'hat', 0.25);
    if (spec.syncopation) {
      if (m === 1) hit(t + offbeat * ibi, 'kick', 0.8);
      if (m === 3) hit(t + 0.75 * ibi, 'kick', 0.7);
      if (random() < 0.5) hit(t + 0.25 * ibi, 'snare', 0.2);
    }
    t += ibi;
  }
  pad(out, sampleRate, spec.bpm);
  if (spec.noiseDb !== undefined) {
    const level = 10 ** (spec.noiseDb / 20) * Math.sqrt(3);
    for (let i = 0; i < n; i++) out[i]! += level * (2 * random() - 1);
  }
  return { spec, sampleRate, samples: out, beats };
}

export function voice(
  out: Float32Array,
  start: number,
  rate: number,
  kind: string,
  gain: number,
  random: () => number,
) {
  const length = Math.round((kind === 'kick' || kind === 'sub' ? 0.3 : kind === 'snare' ? 0.2 : 0.06) * rate);
  let phase = 0;
  let lastNoise = 0;
  for (let i = 0; i < length && start + i < out.length; i++) {
    const t = i / rate;
    let v: number;
    if (kind === 'clave') {
      v = Math.sin(2 * Math.PI * 2500 * t) * Math.exp(-t / 0.008);
    } else if (kind === 'sub') {
      v = Math.sin(2 * Math.PI * 55 * t) * Math.exp(-t / 0.15);
    } else if (kind === 'kick') {
      phase += (2 * Math.PI * (50 + 110 * Math.exp(-t / 0.04))) / rate;
      v = Math.sin(phase) * Math.exp(-t / 0.12);
    } else if (kind === 'snare') {
      v =
        (random() * 2 - 1) * 0.6 * Math.exp(-t / 0.07) +
        Math.sin(2 * Math.PI * 190 * t) * 0.4 * Math.exp(-t / 0.05);
    } else {
      const noise = random() * 2 - 1;
      v = (noise - lastNoise) * 0.5 * Math.exp(-t / 0.015);
      lastNoise = noise;
    }
    if (start + i >= 0) out[start + i]! += gain * v;
  }
}

/** A soft sustained chord: energy that is not percussive, as in real music. */
function pad(out: Float32Array, rate: number, bpm: number) {
  const freqs = [110, 138.6, 164.8];
  for (let i = 0; i < out.length; i++) {
    const t = i / rate;
    // Chord swells slowly, not on the beat, so it adds no false periodicity at the tempo.
    const swell = 0.5 + 0.5 * Math.sin((2 * Math.PI * t) / (7.3 + 60 / bpm));
    let v = 0;
    for (const f of freqs) v += Math.sin(2 * Math.PI * f * t);
    out[i]! += 0.03 * swell * v;
  }
}

const HUMAN = { jitterMs: 8, noiseDb: -45 };

/** The benchmark set: 70-180 BPM with syncopation, swing, drift and crescendo, played by a human. */
export const BENCH_TRACKS: DrumTrackSpec[] = [
  { name: 'straight-70', bpm: 70, seconds: 30, seed: 1, ...HUMAN },
  { name: 'swing-88', bpm: 88, seconds: 30, swing: 1, seed: 2, ...HUMAN },
  { name: 'funk-100-sync', bpm: 100, seconds: 30, syncopation: true, seed: 3, ...HUMAN },
  { name: 'house-122-crescendo', bpm: 122, seconds: 30, crescendo: true, seed: 4, ...HUMAN },
  { name: 'drift-128-136', bpm: 128, endBpm: 136, seconds: 30, seed: 5, ...HUMAN },
  { name: 'sync-swing-140', bpm: 140, seconds: 30, syncopation: true, swing: 0.6, seed: 6, ...HUMAN },
  { name: 'drift-165-155-sync', bpm: 165, endBpm: 155, seconds: 30, syncopation: true, seed: 7, ...HUMAN },
  { name: 'fast-180-crescendo', bpm: 180, seconds: 30, crescendo: true, seed: 8, ...HUMAN },
  { name: 'sub-kick-96', bpm: 96, seconds: 30, pattern: 'sub-four', seed: 9, ...HUMAN },
  { name: 'sub-kick-124', bpm: 124, seconds: 30, pattern: 'sub-four', seed: 10, ...HUMAN },
  { name: 'sub-kick-164', bpm: 164, seconds: 30, pattern: 'sub-four', seed: 12, ...HUMAN },
  { name: 'waltz-drums-100', bpm: 100, seconds: 30, pattern: 'waltz', seed: 11, ...HUMAN },
];
