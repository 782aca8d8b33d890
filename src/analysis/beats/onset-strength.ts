import { RealFft } from './fft.js';
import { melFilterbank } from './mel-filterbank.js';

export interface OnsetOptions {
  fftSize?: number;
  hop?: number;
  bands?: number;
}

export interface OnsetEnvelope {
  /** Frames per second of the envelope and energy curves. */
  frameRate: number;
  hop: number;
  /** Spectral flux of the log-mel spectrogram, one value per frame. */
  onset: Float64Array;
  /** RMS level per frame, linear 0..1. */
  rms: Float64Array;
}

/** Dynamic range kept below the loudest mel cell; quieter detail is noise, not onsets. */
const TOP_DB = 80;

/**
 * Onset strength: positive change of the log-mel spectrogram from frame to frame, summed over
 * bands (librosa's onset_strength, Ellis 2007). Frames are centred on t * hop.
 */
export function onsetStrength(
  samples: Float32Array,
  sampleRate: number,
  options: OnsetOptions = {},
): OnsetEnvelope {
  const fftSize = options.fftSize ?? 1024;
  const hop = options.hop ?? 256;
  const bandCount = options.bands ?? 64;
  const frames = Math.max(0, Math.floor(samples.length / hop) + 1);
  const fft = new RealFft(fftSize);
  const window = Float64Array.from(
    { length: fftSize },
    (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / fftSize),
  );
  const filters = melFilterbank(sampleRate, fftSize, bandCount, 30, 8000);
  const frame = new Float64Array(fftSize);
  const power = new Float64Array(fftSize / 2 + 1);
  const logMel = new Float64Array(frames * bandCount);
  const rms = new Float64Array(frames);
  let loudest = -Infinity;
  for (let t = 0; t < frames; t++) {
    const start = t * hop - fftSize / 2;
    let energy = 0;
    for (let i = 0; i < fftSize; i++) {
      const j = start + i;
      const x = j >= 0 && j < samples.length ? samples[j]! : 0;
      energy += x * x;
      frame[i] = x * window[i]!;
    }
    rms[t] = Math.sqrt(energy / fftSize);
    fft.power(frame, power);
    for (let b = 0; b < bandCount; b++) {
      const { first, weights } = filters[b]!;
      let sum = 0;
      for (let k = 0; k < weights.length; k++) sum += weights[k]! * power[first + k]!;
      const db = 10 * Math.log10(Math.max(1e-10, sum));
      logMel[t * bandCount + b] = db;
      if (db > loudest) loudest = db;
    }
  }
  const floor = loudest - TOP_DB;
  const onset = new Float64Array(frames);
  for (let t = 1; t < frames; t++) {
    let flux = 0;
    for (let b = 0; b < bandCount; b++) {
      const now = Math.max(floor, logMel[t * bandCount + b]!);
      const before = Math.max(floor, logMel[(t - 1) * bandCount + b]!);
      if (now > before) flux += now - before;
    }
    onset[t] = flux / bandCount;
  }
  return { frameRate: sampleRate / hop, hop, onset, rms };
}
