/**
 * Band-limited sample-rate conversion of mono Float32 PCM pushed in chunks. Downsampling by 4 or
 * more first halves the rate with a short filter (it only has to keep aliases out of the band the
 * last stage keeps, which leaves it a wide transition band), then a Kaiser-windowed sinc from a
 * table of phases (the polyphase method ffmpeg's swresample uses) converts the rest: any ratio
 * works, and a whole-number one (22050 -> 11025) costs one phase. The cut-off sits where ffmpeg's (0.97), just below the
 * output's Nyquist frequency, so what lies above it (hi-hats, cymbals) does not fold back into the
 * bands an analysis reads. Buffers are reused: a returned chunk is valid until the next call.
 */
export class Resampler {
  private readonly stages: Stage[] = [];

  constructor(
    readonly inRate: number,
    readonly outRate: number,
  ) {
    if (!(inRate > 0 && outRate > 0)) throw new RangeError(`bad rates ${inRate} -> ${outRate}`);
    let rate = inRate;
    while (rate / 4 >= outRate) {
      this.stages.push(new Halver());
      rate /= 2;
    }
    if (rate !== outRate) this.stages.push(new Polyphase(rate, outRate));
  }

  /** Adds input and returns the output samples it completes. */
  push(input: Float32Array): Float32Array {
    let samples = input;
    for (const stage of this.stages) samples = stage.push(samples);
    return samples;
  }

  /** The output samples left once the input has ended (zeros after its end). */
  flush(): Float32Array {
    let tail = new Float32Array(0);
    for (const stage of this.stages) {
      const before = stage.push(tail).slice();
      const after = stage.flush();
      tail = new Float32Array(before.length + after.length);
      tail.set(before);
      tail.set(after, before.length);
    }
    return tail;
  }
}

/**
 * A filter stage over a sliding window of its input: `window[0]` is absolute input sample `start`
 * (negative: the zeros before the signal); each push appends and computes what the window allows.
 */
abstract class Stage {
  protected window: Float32Array;
  protected start: number;
  private filled: number;
  private out = new Float32Array(0);
  private received = 0;
  /** Next output sample (absolute index). */
  protected next = 0;

  constructor(
    /** Input samples a window keeps before the next output's centre. */
    private readonly before: number,
    /** Input samples an output reads after its centre. */
    private readonly after: number,
    /** Input samples per output sample. */
    protected readonly step: number,
  ) {
    this.window = new Float32Array(before + 1024);
    this.start = -before;
    this.filled = before;
  }

  push(input: Float32Array): Float32Array {
    this.received += input.length;
    return this.take(input, Infinity);
  }

  flush(): Float32Array {
    // Outputs centred before the input's end (a ratio's rounding error is no extra sample).
    const exact = this.received / this.step;
    const total = Math.abs(exact - Math.round(exact)) < 1e-6 ? Math.round(exact) : Math.ceil(exact);
    return this.take(new Float32Array(this.after + 2), total);
  }

  private take(input: Float32Array, limit: number): Float32Array {
    if (this.filled + input.length > this.window.length) {
      const bigger = new Float32Array(2 * (this.filled + input.length));
      bigger.set(this.window.subarray(0, this.filled));
      this.window = bigger;
    }
    this.window.set(input, this.filled);
    this.filled += input.length;
    // Output n is centred at n * step and reads up to floor(n * step) + after + 1.
    const reach = this.start + this.filled - this.after - 2;
    let last = Math.floor(reach / this.step);
    while (Math.floor((last + 1) * this.step) <= reach) last++;
    while (last >= 0 && Math.floor(last * this.step) > reach) last--;
    const count = Math.max(0, Math.min(last + 1, limit) - this.next);
    if (this.out.length < count) this.out = new Float32Array(count);
    this.compute(this.out, count);
    this.next += count;
    // Keep what the next output reads at the front.
    const drop = Math.max(
      0,
      Math.min(this.filled, Math.floor(this.next * this.step) - this.before - this.start),
    );
    this.window.copyWithin(0, drop, this.filled);
    this.filled -= drop;
    this.start += drop;
    return this.out.subarray(0, count);
  }

  /** Writes outputs next .. next + count - 1 to out[0 ..]. */
  protected abstract compute(out: Float32Array, count: number): void;
}

/**
 * Halves the rate with a 7-tap half-band filter, 0.5 + 0.6 cos w - 0.1 cos 3w (three
 * multiplications an output): within 0.5 % of flat to half its output's Nyquist frequency, and
 * 46 dB down where aliases would land there, the only band the next stage keeps.
 */
class Halver extends Stage {
  constructor() {
    super(3, 3, 2);
  }

  protected compute(out: Float32Array, count: number): void {
    const x = this.window;
    for (let i = 0, c = 2 * this.next - this.start; i < count; i++, c += 2) {
      out[i] = 0.5 * x[c]! + 0.3 * (x[c - 1]! + x[c + 1]!) - 0.05 * (x[c - 3]! + x[c + 3]!);
    }
  }
}

class Polyphase extends Stage {
  private readonly half: number;
  private readonly taps: number;
  private readonly phases: number;
  private readonly table: Float32Array;

  constructor(inRate: number, outRate: number) {
    const step = inRate / outRate;
    const scale = Math.max(1, step);
    // Eight zero crossings of the sinc each side at the lower rate; taps a multiple of four.
    const half = 2 * Math.ceil((8 * scale) / 2);
    super(half, half, step);
    this.half = half;
    this.taps = 2 * half;
    // A whole-number ratio only ever lands on whole input samples: one phase.
    this.phases = Number.isInteger(step) ? 1 : 256;
    this.table = sincTable(this.phases, half, 0.97 / scale);
  }

  protected compute(out: Float32Array, count: number): void {
    const { step, half, taps, phases, table } = this;
    const x = this.window;
    for (let i = 0; i < count; i++) {
      const t = (this.next + i) * step;
      let whole = Math.floor(t);
      let phase = Math.round((t - whole) * phases);
      if (phase === phases) {
        whole++;
        phase = 0;
      }
      const base = whole - half + 1 - this.start;
      const row = phase * taps;
      // Four sums at once: fewer loop-carried additions for the JIT to wait on.
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let k = 0; k < taps; k += 4) {
        a0 += table[row + k]! * x[base + k]!;
        a1 += table[row + k + 1]! * x[base + k + 1]!;
        a2 += table[row + k + 2]! * x[base + k + 2]!;
        a3 += table[row + k + 3]! * x[base + k + 3]!;
      }
      out[i] = a0 + a1 + a2 + a3;
    }
  }
}

/** Kaiser-windowed (beta 8) sinc taps for each phase, tap k at distance k - half + 1 - phase. */
function sincTable(phases: number, half: number, cutoff: number): Float32Array {
  const taps = 2 * half;
  const table = new Float32Array(phases * taps);
  const beta = 8;
  const i0beta = besselI0(beta);
  for (let p = 0; p < phases; p++) {
    const row = table.subarray(p * taps, (p + 1) * taps);
    for (let k = 0; k < taps; k++) {
      const d = k - half + 1 - p / phases;
      const x = d / (half + 1);
      const w = Math.abs(x) >= 1 ? 0 : besselI0(beta * Math.sqrt(1 - x * x)) / i0beta;
      row[k] = w * (d === 0 ? cutoff : Math.sin(Math.PI * d * cutoff) / (Math.PI * d));
    }
    // Unit gain at DC for every phase.
    const sum = row.reduce((a, b) => a + b, 0);
    for (let k = 0; k < taps; k++) row[k]! /= sum;
  }
  return table;
}

/** The zeroth-order modified Bessel function of the first kind (series; fine for beta <= 20). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 50; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}
