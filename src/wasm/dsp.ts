import { DSP_WASM } from './dsp-module.js';

/**
 * The audio-analysis kernels of wasm/dsp.ts: the power spectrum and each frame's mel levels, the
 * resampler's two filters, lag products, spectral flux, the harmony and chord curves and the WAV
 * downmix.
 * Pointers are byte offsets into the instance's own memory.
 */
export interface DspKernels {
  readonly memory: WasmMemory;
  initFft(
    size: number,
    re: number,
    im: number,
    cos: number,
    sin: number,
    bitrev: number,
    stages: number,
    stageCount: number,
  ): void;
  initMel(
    samples: number,
    window: number,
    frame: number,
    power: number,
    bandCount: number,
    first: number,
    count: number,
    offset: number,
    weights: number,
    side: number,
    mel: number,
    result: number,
  ): void;
  powerSpectrum(input: number, out: number): void;
  melFrame(at: number): void;
  loudestLevel(): number;
  halve(x: number, c0: number, out: number, n: number): void;
  polyphase(
    x: number,
    start: number,
    out: number,
    n: number,
    next: number,
    step: number,
    half: number,
    taps: number,
    phases: number,
    table: number,
  ): void;
  lagProducts(x: number, n: number, minLag: number, maxLag: number, d: number, out: number): void;
  flux(levels: number, frames: number, bands: number, floor: number, out: number): void;
  downmix(
    bytes: number,
    frames: number,
    channels: number,
    float: number,
    difference: number,
    out: number,
  ): void;
  foldChroma(bins: number, classes: number, n: number, out: number): void;
  chordChange(
    chroma: number,
    frames: number,
    pool: number,
    medianHalf: number,
    side: number,
    sums: number,
    running: number,
    window: number,
    out: number,
  ): void;
  harmonicChange(
    logMel: number,
    frames: number,
    bandCount: number,
    bands: number,
    width: number,
    floor: number,
    pool: number,
    half: number,
    span: number,
    gapDb: number,
    stepShare: number,
    coarse: number,
    sorted: number,
    filtered: number,
    levels: number,
    band: number,
    flux: number,
    loudQueue: number,
    highQueue: number,
    lowQueue: number,
    out: number,
  ): void;
}

/** The WebAssembly JS API used here: Node has it; this project's TypeScript libs do not declare it. */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: object };
}
const { Module, Instance } = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | undefined;

/**
 * One instance of the kernels with its own memory, for one user (an OnsetStream, a resampler
 * stage): V8 compiles the module's code on its first use here, ready at full speed from the first
 * frame, where the same loops in JavaScript run in the interpreter for the first tens of
 * milliseconds of every process. Memory is handed out once and never freed (it goes with the
 * instance); a typed-array view of it is stale once it grows, so views are taken after allocating.
 */
export class Dsp {
  readonly kernels: DspKernels;
  private top = 0;

  constructor() {
    compiled ??= new Module(Buffer.from(DSP_WASM, 'base64'));
    this.kernels = new Instance(compiled, { dsp: { log10: Math.log10 } }).exports as unknown as DspKernels;
  }

  /** `bytes` of fresh memory (8-byte aligned, zeroed): its byte offset. */
  alloc(bytes: number): number {
    const at = this.top;
    this.top = this.fit(at + bytes);
    return at;
  }

  f32(at: number, length: number): Float32Array {
    return new Float32Array(this.kernels.memory.buffer, at, length);
  }

  f64(at: number, length: number): Float64Array {
    return new Float64Array(this.kernels.memory.buffer, at, length);
  }

  /**
   * The byte offset of each named region of `bytes`, laid out from the start of the memory and grown
   * to fit: scratch for kernels run from start to end in one call, overwritten by the next (an
   * instance used this way allocates nothing else).
   */
  regions<K extends string>(bytes: Record<K, number>): Record<K, number> {
    let top = 0;
    const offsets = {} as Record<K, number>;
    for (const name of Object.keys(bytes) as K[]) {
      offsets[name] = top;
      top = this.fit(top + bytes[name]);
    }
    return offsets;
  }

  /** `end` rounded up to 8 bytes, the memory grown to hold it. */
  private fit(end: number): number {
    const top = Math.ceil(end / 8) * 8;
    const short = top - this.kernels.memory.buffer.byteLength;
    if (short > 0) this.kernels.memory.grow(Math.ceil(short / 65_536));
    return top;
  }

  /** A copy of `values` in this memory: its byte offset. */
  put(values: Float32Array | Float64Array | Int32Array | Uint32Array | Int8Array | Uint8Array): number {
    const at = this.alloc(values.byteLength);
    new Uint8Array(this.kernels.memory.buffer, at, values.byteLength).set(
      new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
    );
    return at;
  }
}

let shared: Dsp | undefined;

/** Scratch up to this size stays with the shared instance; more is a fresh instance's. */
const SHARED_BYTES = 64 << 20;

/**
 * Scratch regions of `bytes` each for kernels run from start to end in one call (Dsp.regions): in
 * one shared instance, or where they add up to more than SHARED_BYTES in a fresh one that goes
 * with the call. WebAssembly memory never shrinks: one long mix analysed in a server would
 * otherwise keep its size for the life of the process.
 */
export function scratch<K extends string>(bytes: Record<K, number>): { dsp: Dsp; at: Record<K, number> } {
  const total = Object.values<number>(bytes).reduce((sum, n) => sum + Math.ceil(n / 8) * 8, 0);
  const dsp = total > SHARED_BYTES ? new Dsp() : (shared ??= new Dsp());
  return { dsp, at: dsp.regions(bytes) };
}
