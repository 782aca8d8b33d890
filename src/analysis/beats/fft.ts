/**
 * Power spectra of real frames with a radix-2 FFT. Small and dependency-free: the real input of
 * length n is packed into a complex FFT of length n/2 and untangled, which halves the work.
 */
export class RealFft {
  readonly size: number;
  private readonly half: number;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private readonly bitrev: Uint32Array;

  constructor(size: number) {
    if (size < 4 || (size & (size - 1)) !== 0)
      throw new Error(`FFT size must be a power of two >= 4, got ${size}`);
    this.size = size;
    this.half = size >> 1;
    this.re = new Float64Array(this.half);
    this.im = new Float64Array(this.half);
    // Twiddles for the full size; the half-size FFT uses every other one.
    this.cos = new Float64Array(this.half);
    this.sin = new Float64Array(this.half);
    for (let k = 0; k < this.half; k++) {
      this.cos[k] = Math.cos((-2 * Math.PI * k) / size);
      this.sin[k] = Math.sin((-2 * Math.PI * k) / size);
    }
    const bits = Math.log2(this.half);
    this.bitrev = new Uint32Array(this.half);
    for (let i = 0; i < this.half; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      this.bitrev[i] = r;
    }
  }

  /** Writes |X[k]|^2 for k = 0..size/2 into `power` (length size/2 + 1). */
  power(input: Float32Array | Float64Array, power: Float64Array): void {
    const { half, re, im, cos, sin, bitrev } = this;
    for (let i = 0; i < half; i++) {
      const j = bitrev[i]!;
      re[j] = input[2 * i]!;
      im[j] = input[2 * i + 1]!;
    }
    for (let len = 2; len <= half; len <<= 1) {
      const step = (this.size / len) | 0;
      const h = len >> 1;
      for (let start = 0; start < half; start += len) {
        for (let k = 0; k < h; k++) {
          const wr = cos[k * step]!;
          const wi = sin[k * step]!;
          const a = start + k;
          const b = a + h;
          const tr = re[b]! * wr - im[b]! * wi;
          const ti = re[b]! * wi + im[b]! * wr;
          re[b] = re[a]! - tr;
          im[b] = im[a]! - ti;
          re[a] = re[a]! + tr;
          im[a] = im[a]! + ti;
        }
      }
    }
    // Untangle: Z = FFT(even + i odd) gives X[k] = E[k] + W^k O[k].
    power[0] = (re[0]! + im[0]!) ** 2;
    power[half] = (re[0]! - im[0]!) ** 2;
    for (let k = 1; k < half; k++) {
      const zr = re[k]!;
      const zi = im[k]!;
      const cr = re[half - k]!;
      const ci = -im[half - k]!;
      const er = (zr + cr) / 2;
      const ei = (zi + ci) / 2;
      const or = (zi - ci) / 2;
      const oi = -(zr - cr) / 2;
      const xr = er + cos[k]! * or - sin[k]! * oi;
      const xi = ei + cos[k]! * oi + sin[k]! * or;
      power[k] = xr * xr + xi * xi;
    }
  }
}
