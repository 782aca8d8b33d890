import { Dsp } from '../wasm/dsp.js';

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
 * A filter stage over a sliding window of its input: window sample 0 is absolute input sample
 * `start` (negative: the zeros before the signal); each push appends and computes what the window
 * allows. The window and the output live in the stage's own WebAssembly memory, where its filter
 * runs compiled (wasm/dsp.ts: the same arithmetic, from the first sample of a fresh process).
 */
abstract class Stage {
  protected readonly dsp = new Dsp();
  /** The window's byte offset in `dsp` and its capacity (samples). */
  protected windowAt: number;
  private capacity: number;
  protected start: number;
  private filled: number;
  private outAt = 0;
  private outCapacity = 0;
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
    this.capacity = before + 1024;
    this.windowAt = this.dsp.alloc(4 * this.capacity);
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
    if (this.filled + input.length > this.capacity) {
      // Fresh memory is zeroed and never reused: the old window is left behind (growth doubles).
      const capacity = 2 * (this.filled + input.length);
      const at = this.dsp.alloc(4 * capacity);
      this.dsp.f32(at, this.filled).set(this.dsp.f32(this.windowAt, this.filled));
      [this.windowAt, this.capacity] = [at, capacity];
    }
    this.dsp.f32(this.windowAt, this.capacity).set(input, this.filled);
    this.filled += input.length;
    // Output n is centred at n * step and reads up to floor(n * step) + after + 1.
    const reach = this.start + this.filled - this.after - 2;
    let last = Math.floor(reach / this.step);
    while (Math.floor((last + 1) * this.step) <= reach) last++;
    while (last >= 0 && Math.floor(last * this.step) > reach) last--;
    const count = Math.max(0, Math.min(last + 1, limit) - this.next);
    if (this.outCapacity < count) [this.outAt, this.outCapacity] = [this.dsp.alloc(4 * count), count];
    this.compute(this.outAt, count);
    this.next += count;
    // Keep what the next output reads at the front.
    const drop = Math.max(
      0,
      Math.min(this.filled, Math.floor(this.next * this.step) - this.before - this.start),
    );
    this.dsp.f32(this.windowAt, this.capacity).copyWithin(0, drop, this.filled);
    this.filled -= drop;
    this.start += drop;
    return this.dsp.f32(this.outAt, count);
  }

  /** Writes outputs next .. next + count - 1 to the f32 array at byte offset `out`. */
  protected abstract compute(out: number, count: number): void;
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

  protected compute(out: number, count: number): void {
    this.dsp.kernels.halve(this.windowAt, 2 * this.next - this.start, out, count);
  }
}

/** A Kaiser-windowed sinc from a table of phases (wasm/dsp.ts polyphase). */
class Polyphase extends Stage {
  private readonly half: number;
  private readonly taps: number;
  private readonly phases: number;
  private readonly tableAt: number;

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
    this.tableAt = this.dsp.put(sincTable(this.phases, half, 0.97 / scale));
  }

  protected compute(out: number, count: number): void {
    const { step, half, taps, phases } = this;
    this.dsp.kernels.polyphase(
      this.windowAt,
      this.start,
      out,
      count,
      this.next,
      step,
      half,
      taps,
      phases,
      this.tableAt,
    );
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
