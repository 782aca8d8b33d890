/**
 * Power spectra of real frames. Small and dependency-free: the real input of length n is packed
 * into a complex FFT of length n/2 (even samples real, odd imaginary) and untangled, which halves
 * the work; that FFT runs radix-4 stages (radix-2 first when n/2 is not a power of four) over
 * per-stage twiddle tables read in order. Nothing is allocated per frame.
 */
export class RealFft {
  readonly size: number;
  private readonly half: number;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  /** Untangling twiddles W_n^k = exp(-2 pi i k / n), k < n/2. */
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private readonly bitrev: Uint32Array;
  /** Radix-4 stages after the first: sub-length L and, for k < L, W^k, W^2k, W^3k of W_4L (re, im). */
  private readonly stages: { length: number; twiddles: Float64Array }[] = [];

  constructor(size: number) {
    if (size < 4 || (size & (size - 1)) !== 0)
      throw new Error(`FFT size must be a power of two >= 4, got ${size}`);
    this.size = size;
    const half = size >> 1;
    this.half = half;
    this.re = new Float64Array(half);
    this.im = new Float64Array(half);
    this.cos = new Float64Array(half);
    this.sin = new Float64Array(half);
    for (let k = 0; k < half; k++) {
      this.cos[k] = Math.cos((-2 * Math.PI * k) / size);
      this.sin[k] = Math.sin((-2 * Math.PI * k) / size);
    }
    const bits = Math.log2(half);
    this.bitrev = new Uint32Array(half);
    for (let i = 0; i < half; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      this.bitrev[i] = r;
    }
    // The first stage (length 1 to 4, or 1 to 2 when bits is odd) needs no twiddles.
    for (let length = bits % 2 === 1 ? 2 : 4; length < half; length *= 4) {
      const twiddles = new Float64Array(6 * length);
      for (let k = 0; k < length; k++) {
        for (let m = 1; m <= 3; m++) {
          const angle = (-2 * Math.PI * m * k) / (4 * length);
          twiddles[6 * k + 2 * m - 2] = Math.cos(angle);
          twiddles[6 * k + 2 * m - 1] = Math.sin(angle);
        }
      }
      this.stages.push({ length, twiddles });
    }
  }

  /** The tables a compiled transform runs from (wasm/dsp.ts, which runs this one's arithmetic). */
  tables(): {
    cos: Float64Array;
    sin: Float64Array;
    bitrev: Uint32Array;
    stages: readonly { length: number; twiddles: Float64Array }[];
  } {
    return { cos: this.cos, sin: this.sin, bitrev: this.bitrev, stages: this.stages };
  }

  /** Writes |X[k]|^2 for k = 0..size/2 into `power` (length size/2 + 1). */
  power(input: Float32Array | Float64Array, power: Float64Array): void {
    const { half, re, im, cos, sin, bitrev } = this;
    for (let i = 0; i < half; i++) {
      const j = bitrev[i]!;
      re[j] = input[2 * i]!;
      im[j] = input[2 * i + 1]!;
    }
    if ((Math.log2(half) | 0) % 2 === 1) this.firstRadix2();
    else this.firstRadix4();
    for (const { length, twiddles } of this.stages) this.radix4(length, twiddles);
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

  private firstRadix2(): void {
    const { half, re, im } = this;
    for (let a = 0; a < half; a += 2) {
      const tr = re[a + 1]!;
      const ti = im[a + 1]!;
      re[a + 1] = re[a]! - tr;
      im[a + 1] = im[a]! - ti;
      re[a] = re[a]! + tr;
      im[a] = im[a]! + ti;
    }
  }

  /**
   * Two radix-2 stages in one (radix-2^2): four DFTs of length L (of the even-even, even-odd,
   * odd-even and odd-odd samples, in bit-reversed order) at a, a+L, a+2L, a+3L become one of
   * length 4L: Y[k + jL] = A + W^2k B + W^k C + W^3k D with W = W_4L, W^L = -i. The first stage
   * (L = 1) has all twiddles 1.
   */
  private firstRadix4(): void {
    const { half, re, im } = this;
    for (let a = 0; a < half; a += 4) {
      const sr = re[a]! + re[a + 1]!;
      const si = im[a]! + im[a + 1]!;
      const dr = re[a]! - re[a + 1]!;
      const di = im[a]! - im[a + 1]!;
      const ur = re[a + 2]! + re[a + 3]!;
      const ui = im[a + 2]! + im[a + 3]!;
      const vr = im[a + 2]! - im[a + 3]!;
      const vi = re[a + 3]! - re[a + 2]!;
      re[a] = sr + ur;
      im[a] = si + ui;
      re[a + 2] = sr - ur;
      im[a + 2] = si - ui;
      re[a + 1] = dr + vr;
      im[a + 1] = di + vi;
      re[a + 3] = dr - vr;
      im[a + 3] = di - vi;
    }
  }

  private radix4(length: number, w: Float64Array): void {
    const { half, re, im } = this;
    for (let start = 0; start < half; start += 4 * length) {
      for (let k = 0; k < length; k++) {
        const a = start + k;
        const b = a + length;
        const c = b + length;
        const d = c + length;
        const w1r = w[6 * k]!;
        const w1i = w[6 * k + 1]!;
        const w2r = w[6 * k + 2]!;
        const w2i = w[6 * k + 3]!;
        const w3r = w[6 * k + 4]!;
        const w3i = w[6 * k + 5]!;
        const t1r = re[b]! * w2r - im[b]! * w2i;
        const t1i = re[b]! * w2i + im[b]! * w2r;
        const t2r = re[c]! * w1r - im[c]! * w1i;
        const t2i = re[c]! * w1i + im[c]! * w1r;
        const t3r = re[d]! * w3r - im[d]! * w3i;
        const t3i = re[d]! * w3i + im[d]! * w3r;
        const sr = re[a]! + t1r;
        const si = im[a]! + t1i;
        const dr = re[a]! - t1r;
        const di = im[a]! - t1i;
        const ur = t2r + t3r;
        const ui = t2i + t3i;
        // -i (t2 - t3)
        const vr = t2i - t3i;
        const vi = t3r - t2r;
        re[a] = sr + ur;
        im[a] = si + ui;
        re[c] = sr - ur;
        im[c] = si - ui;
        re[b] = dr + vr;
        im[b] = di + vi;
        re[d] = dr - vr;
        im[d] = di - vi;
      }
    }
  }
}
