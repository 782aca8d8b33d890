import { Dsp } from '../../wasm/dsp.js';

/**
 * Power spectra of real frames, computed by wasm/dsp.ts's powerSpectrum: the real input of length n
 * is packed into a complex FFT of length n/2 (even samples real, odd imaginary) and untangled, which
 * halves the work; that FFT runs radix-4 stages (radix-2 first when n/2 is not a power of four) over
 * per-stage twiddle tables read in order. The tables are made here and loaded into the memory of
 * the kernels that run the transform (loadFft): an OnsetStream's, or RealFft's own.
 */
export class RealFft {
  readonly size: number;
  private readonly dsp = new Dsp();
  private readonly input: Float64Array;
  private readonly output: Float64Array;

  constructor(size: number) {
    this.size = size;
    loadFft(this.dsp, size);
    const input = this.dsp.alloc(8 * size);
    const output = this.dsp.alloc(8 * (size / 2 + 1));
    this.input = this.dsp.f64(input, size);
    this.output = this.dsp.f64(output, size / 2 + 1);
  }

  /** Writes |X[k]|^2 for k = 0..size/2 into `power` (length size/2 + 1). */
  power(input: Float32Array | Float64Array, power: Float64Array): void {
    this.input.set(input.subarray(0, this.size));
    this.dsp.kernels.powerSpectrum(this.input.byteOffset, this.output.byteOffset);
    power.set(this.output);
  }
}

/**
 * Lays out a transform of `size` points in `dsp` (scratch and tables) and hands it to its kernels
 * (initFft); allocate what the caller's views need afterwards or before, the memory grows here.
 */
export function loadFft(dsp: Dsp, size: number): void {
  if (size < 4 || (size & (size - 1)) !== 0)
    throw new Error(`FFT size must be a power of two >= 4, got ${size}`);
  const half = size >> 1;
  // Untangling twiddles W_n^k = exp(-2 pi i k / n), k < n/2.
  const cos = new Float64Array(half);
  const sin = new Float64Array(half);
  for (let k = 0; k < half; k++) {
    cos[k] = Math.cos((-2 * Math.PI * k) / size);
    sin[k] = Math.sin((-2 * Math.PI * k) / size);
  }
  const bits = Math.log2(half);
  const bitrev = new Uint32Array(half);
  for (let i = 0; i < half; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    bitrev[i] = r;
  }
  // Radix-4 stages after the first (length 1 to 4, or 1 to 2 when bits is odd; no twiddles): sub-length
  // L and, for k < L, W^k, W^2k, W^3k of W_4L (re, im).
  const stages: number[] = [];
  for (let length = bits % 2 === 1 ? 2 : 4; length < half; length *= 4) {
    const twiddles = new Float64Array(6 * length);
    for (let k = 0; k < length; k++) {
      for (let m = 1; m <= 3; m++) {
        const angle = (-2 * Math.PI * m * k) / (4 * length);
        twiddles[6 * k + 2 * m - 2] = Math.cos(angle);
        twiddles[6 * k + 2 * m - 1] = Math.sin(angle);
      }
    }
    stages.push(length, dsp.put(twiddles));
  }
  dsp.kernels.initFft(
    size,
    dsp.alloc(8 * half),
    dsp.alloc(8 * half),
    dsp.put(cos),
    dsp.put(sin),
    dsp.put(bitrev),
    dsp.put(Int32Array.from(stages)),
    stages.length / 2,
  );
}
