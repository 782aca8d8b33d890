import { Dsp, type DspKernels } from '../../wasm/dsp.js';
import { loadFft } from './fft.js';
import { melFilterbank } from './mel-filterbank.js';

export interface OnsetOptions {
  fftSize?: number;
  hop?: number;
  bands?: number;
}

/** The per-frame spectra of a whole signal: what the onset envelope is computed from. */
export interface MelFrames {
  sampleRate: number;
  /** Samples pushed (the signal's length). */
  samples: number;
  fftSize: number;
  hop: number;
  frames: number;
  bandCount: number;
  /** Centre frequency of each band (Hz). */
  centres: Float64Array;
  /** Log-mel power (dB), frames x bands, row by row. */
  logMel: Float64Array;
  /** Highest cell of `logMel`. */
  loudest: number;
  rms: Float64Array;
  low: Float64Array;
  high: Float64Array;
  /** Power per pitch class (C = 0 ... B = 11) from CHROMA_LOW to CHROMA_HIGH Hz, frames x 12. */
  chroma: Float32Array;
}

/**
 * The range folded into pitch classes: the bins are 21.5 Hz wide at any rate (see the constructor),
 * a semitone or less above 500 Hz, where the chords' second and higher harmonics are; below it a
 * bin spans pitch classes. Up to 3.5 kHz, where a piano's partials are still clear of hats.
 */
const CHROMA_LOW = 500;
const CHROMA_HIGH = 3500;

/** Samples kept between pushes beyond one window: pushes are copied in slices of about this. */
const STAGING = 16_384;

/**
 * Mel spectra of mono PCM pushed in chunks of any size, as it is decoded: frames of `fftSize`
 * samples centred on t * hop (zeros before the start and after the end), Hann-windowed. Each frame
 * is computed as soon as its samples are in, so only the envelope's last steps wait for the end of
 * the decode; nothing is allocated per frame, and memory grows with the frames, not the samples.
 */
export class OnsetStream {
  readonly fftSize: number;
  readonly hop: number;
  readonly bandCount: number;
  /** The mel spectrum of a frame, compiled (wasm/dsp.ts melFrame: this class's arithmetic). */
  private readonly kernels: DspKernels;
  /** Out of melFrame: each band's level (dB); rms, low, high. */
  private readonly mel: Float64Array;
  private readonly result: Float64Array;
  private readonly centres: Float64Array;
  /** Samples from absolute index `bufferStart` on; the first frame's left half is zeros. */
  private readonly buffer: Float32Array;
  private bufferStart: number;
  private filled: number;
  private received = 0;
  private frames = 0;
  private logMel: Float64Array;
  private rms: Float64Array;
  private low: Float64Array;
  private high: Float64Array;
  private chroma: Float32Array;
  /** The bins folded into pitch classes and their classes (i32, kernel memory), how many. */
  private readonly chromaBins: number;
  private readonly chromaClass: number;
  private readonly chromaCount: number;
  /** Out of foldChroma: the last frame's power per pitch class (at pitchAt in kernel memory). */
  private readonly pitchAt: number;
  private readonly pitch: Float64Array;
  private finished = false;

  constructor(
    readonly sampleRate: number,
    options: OnsetOptions = {},
  ) {
    // About 46 ms windows and 11.6 ms hops at any rate: 1024/256 at 22050 Hz, 512/128 at 11025.
    const fftSize = options.fftSize ?? 2 ** Math.round(Math.log2(sampleRate / 21.5));
    this.fftSize = fftSize;
    this.hop = options.hop ?? fftSize / 4;
    this.bandCount = options.bands ?? 64;
    const filters = melFilterbank(sampleRate, fftSize, this.bandCount, 30, 8000);
    this.centres = new Float64Array(this.bandCount);
    // -1: band counts to `low`, 1: to `high`, 0: neither.
    const side = new Int8Array(this.bandCount);
    // Filter b spans bins first[b] .. first[b] + count[b] - 1, weights at offset[b] of `weights`.
    const offset = new Int32Array(this.bandCount);
    let at = 0;
    filters.forEach((f, b) => {
      offset[b] = at;
      at += f.weights.length;
      const centre = ((f.first + f.weights.length / 2) * sampleRate) / fftSize;
      this.centres[b] = centre;
      side[b] = centre < 150 ? -1 : centre > 2500 ? 1 : 0;
    });
    const weights = new Float64Array(at);
    filters.forEach((f, b) => weights.set(f.weights, offset[b]));
    const window = Float64Array.from(
      { length: fftSize },
      (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / fftSize),
    );
    const dsp = new Dsp();
    loadFft(dsp, fftSize);
    const binHz = sampleRate / fftSize;
    const bins = Array.from({ length: fftSize / 2 + 1 }, (_, k) => k).filter(
      (k) => k * binHz >= CHROMA_LOW && k * binHz <= Math.min(CHROMA_HIGH, sampleRate / 2),
    );
    this.chromaBins = dsp.put(Int32Array.from(bins));
    // MIDI note 60 (C) is 261.63 Hz; a bin counts to the pitch class of the semitone nearest it.
    this.chromaClass = dsp.put(
      Int32Array.from(bins, (k) => {
        const note = Math.round(60 + 12 * Math.log2((k * binHz) / 261.63));
        return ((note % 12) + 12) % 12;
      }),
    );
    this.chromaCount = bins.length;
    this.pitchAt = dsp.alloc(8 * 12);
    const buffer = dsp.alloc(4 * (STAGING + fftSize));
    const mel = dsp.alloc(8 * this.bandCount);
    const result = dsp.alloc(8 * 3);
    this.kernels = dsp.kernels;
    this.kernels.initMel(
      buffer,
      dsp.put(window),
      dsp.alloc(8 * fftSize),
      dsp.alloc(8 * (fftSize / 2 + 1)),
      this.bandCount,
      dsp.put(Int32Array.from(filters, (f) => f.first)),
      dsp.put(Int32Array.from(filters, (f) => f.weights.length)),
      dsp.put(offset),
      dsp.put(weights),
      dsp.put(side),
      mel,
      result,
    );
    // Views once everything is allocated: the memory does not grow after this.
    this.buffer = dsp.f32(buffer, STAGING + fftSize);
    this.mel = dsp.f64(mel, this.bandCount);
    this.result = dsp.f64(result, 3);
    this.pitch = dsp.f64(this.pitchAt, 12);
    this.bufferStart = -fftSize / 2;
    this.filled = fftSize / 2;
    const capacity = 2048;
    this.logMel = new Float64Array(capacity * this.bandCount);
    this.rms = new Float64Array(capacity);
    this.low = new Float64Array(capacity);
    this.high = new Float64Array(capacity);
    this.chroma = new Float32Array(capacity * 12);
  }

  /** Adds the next samples and computes every frame they complete. */
  push(samples: Float32Array): void {
    if (this.finished) throw new Error('OnsetStream: push after finish');
    this.append(samples);
    this.received += samples.length;
  }

  /** Computes the last frames (zero-padded) and returns every frame's spectra. */
  finish(): MelFrames {
    if (!this.finished) {
      this.finished = true;
      const frames = Math.floor(this.received / this.hop) + 1;
      this.append(new Float32Array(this.fftSize / 2), frames);
    }
    const n = this.frames;
    return {
      sampleRate: this.sampleRate,
      samples: this.received,
      fftSize: this.fftSize,
      hop: this.hop,
      frames: n,
      bandCount: this.bandCount,
      centres: this.centres,
      logMel: this.logMel.subarray(0, n * this.bandCount),
      loudest: this.kernels.loudestLevel(),
      rms: this.rms.subarray(0, n),
      low: this.low.subarray(0, n),
      high: this.high.subarray(0, n),
      chroma: this.chroma.subarray(0, n * 12),
    };
  }

  private append(samples: Float32Array, lastFrames = Infinity): void {
    const { buffer, fftSize, hop } = this;
    for (let from = 0; from < samples.length;) {
      const take = Math.min(samples.length - from, buffer.length - this.filled);
      buffer.set(samples.subarray(from, from + take), this.filled);
      this.filled += take;
      from += take;
      const end = this.bufferStart + this.filled;
      // Room for every frame these samples complete, grown here rather than in the per-frame path.
      const complete = Math.min(lastFrames, Math.floor((end - fftSize / 2) / hop) + 1);
      while (complete > this.rms.length) this.grow();
      while (this.frames < lastFrames && this.frames * hop + fftSize / 2 <= end) {
        this.computeFrame(this.frames * hop - fftSize / 2 - this.bufferStart);
        this.frames++;
      }
      // Keep what the next frame needs at the front.
      const drop = this.frames * hop - fftSize / 2 - this.bufferStart;
      if (drop > 0) {
        buffer.copyWithin(0, drop, this.filled);
        this.filled -= drop;
        this.bufferStart += drop;
      }
    }
  }

  private computeFrame(at: number): void {
    this.kernels.melFrame(at);
    const t = this.frames;
    this.rms[t] = this.result[0]!;
    this.low[t] = this.result[1]!;
    this.high[t] = this.result[2]!;
    this.logMel.set(this.mel, t * this.bandCount);
    this.kernels.foldChroma(this.chromaBins, this.chromaClass, this.chromaCount, this.pitchAt);
    this.chroma.set(this.pitch, t * 12);
  }

  private grow(): void {
    const bigger = <T extends Float64Array | Float32Array>(a: T): T => {
      const out = new (a.constructor as new (length: number) => T)(a.length * 2);
      out.set(a);
      return out;
    };
    this.logMel = bigger(this.logMel);
    this.rms = bigger(this.rms);
    this.low = bigger(this.low);
    this.high = bigger(this.high);
    this.chroma = bigger(this.chroma);
  }
}
