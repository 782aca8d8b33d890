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
  /** Linear mel power below 150 Hz (kick, bass) and above 2.5 kHz (snare, hats) per frame. */
  low: Float64Array;
  high: Float64Array;
  /**
   * Harmonic change per frame: spectral flux (400-2000 Hz, above most bass notes and their first harmonics) of the log-mel spectrogram after a
   * median over time removes drum hits (HPSS-lite): chord and bass changes, the bar's evidence.
   */
  harmonic: Float64Array;
}

/** Dynamic range kept below the loudest mel cell; quieter detail is noise, not onsets. */
const TOP_DB = 80;
/** Tonal detail this far below the loudest cell is room tone and drum tails, not harmony. */
const HARMONIC_RANGE_DB = 35;

/**
 * Onset strength: positive change of the log-mel spectrogram from frame to frame, summed over
 * bands (librosa's onset_strength, Ellis 2007). Frames are centred on t * hop.
 */
export function onsetStrength(
  samples: Float32Array,
  sampleRate: number,
  options: OnsetOptions = {},
): OnsetEnvelope {
  // About 46 ms windows and 11.6 ms hops at any rate: 1024/256 at 22050 Hz, 512/128 at 11025.
  const fftSize = options.fftSize ?? 2 ** Math.round(Math.log2(sampleRate / 21.5));
  const hop = options.hop ?? fftSize / 4;
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
  const low = new Float64Array(frames);
  const high = new Float64Array(frames);
  const centres = filters.map((f) => ((f.first + f.weights.length / 2) * sampleRate) / fftSize);
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
      if (centres[b]! < 150) low[t]! += sum;
      else if (centres[b]! > 2500) high[t]! += sum;
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
  const tonal = centres.flatMap((c, b) => (c >= 400 && c <= 2000 ? [b] : []));
  const harmonic = harmonicChange(
    logMel,
    frames,
    bandCount,
    tonal,
    loudest - HARMONIC_RANGE_DB,
    sampleRate / hop,
  );
  return { frameRate: sampleRate / hop, hop, onset, rms, low, high, harmonic };
}

/**
 * Flux of the time-median-filtered log-mel bands: a drum hit lasts less than half the median's
 * window and vanishes from it, a chord held for longer stays; its change is what is left.
 */
function harmonicChange(
  logMel: Float64Array,
  frames: number,
  bandCount: number,
  bands: readonly number[],
  floor: number,
  frameRate: number,
): Float64Array {
  // Chords need no 12 ms resolution: pool 4 frames (46 ms), then a median over +-0.25 s.
  const pool = 4;
  const pooled = Math.ceil(frames / pool);
  const half = Math.max(1, Math.round((0.25 * frameRate) / pool));
  const width = bands.length;
  const coarse = new Float64Array(pooled * width);
  for (let t = 0; t < frames; t++)
    for (let j = 0; j < width; j++)
      coarse[Math.floor(t / pool) * width + j]! += Math.max(floor, logMel[t * bandCount + bands[j]!]!) / pool;
  const window = new Float64Array(2 * half + 1);
  const filtered = new Float64Array(pooled * width);
  for (let j = 0; j < width; j++) {
    for (let t = 0; t < pooled; t++) {
      let count = 0;
      for (let k = Math.max(0, t - half); k <= Math.min(pooled - 1, t + half); k++)
        window[count++] = coarse[k * width + j]!;
      filtered[t * width + j] = window.subarray(0, count).sort()[count >> 1]!;
    }
  }
  // Each frame's shape, not its level: the same chord struck again, or dying away, moves every
  // band alike and changes nothing; a new chord moves energy from some bands to others.
  for (let t = 0; t < pooled; t++) {
    const row = filtered.subarray(t * width, (t + 1) * width);
    const mean = row.reduce((a, v) => a + v, 0) / width;
    for (let j = 0; j < width; j++) row[j]! -= mean;
  }
  const out = new Float64Array(frames);
  for (let t = 1; t < pooled; t++) {
    let flux = 0;
    for (let j = 0; j < width; j++)
      flux += Math.abs(filtered[t * width + j]! - filtered[(t - 1) * width + j]!);
    out.fill(flux / width, t * pool, Math.min(frames, (t + 1) * pool));
  }
  return out;
}
