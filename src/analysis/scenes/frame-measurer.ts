import { emptySeries, round3, type FrameSeries } from './frame-series.js';
import {
  blendFit,
  frameBytes,
  frameSignature,
  signatureDistance,
  type FrameLayout,
} from './frame-signature.js';

export interface MeasureOptions {
  /** Score edge changes too (slower; helps on low-colour footage). */
  edges?: boolean;
  /** Half-width k of the dissolve window: frame i is compared with i-k and i+k. */
  blendSpan?: number;
  /** Longest flash, in frames, that may return to the same shot. */
  maxFlashFrames?: number;
}

export const DEFAULT_BLEND_SPAN = 6;
export const DEFAULT_MAX_FLASH_FRAMES = 5;

/** Frames a shard must decode beyond its own range on each side so its windows are complete. */
export function measureReach(options: MeasureOptions = {}): number {
  return Math.max(
    options.blendSpan ?? DEFAULT_BLEND_SPAN,
    (options.maxFlashFrames ?? DEFAULT_MAX_FLASH_FRAMES) + 1,
  );
}

const EDGE_THRESHOLD = 24;

/**
 * Turns a stream of decoded frames into a FrameSeries for frames [emitStart, emitEnd). Frames
 * before emitStart and after emitEnd are context only. Windows are cut short only where the
 * video itself starts or ends, never at a shard edge, which is what makes shards exact.
 */
export class FrameMeasurer {
  private readonly bytes: number;
  private readonly span: number;
  private readonly flash: number;
  private readonly reach: number;
  private readonly signatures = new Map<number, Float32Array>();
  private readonly pending = new Map<
    number,
    { luma: number; chroma: number; edges: number; b: number; s: number }
  >();
  private previous: { index: number; frame: Uint8Array; edges: Uint8Array | undefined } | undefined;
  private spare: Uint8Array | undefined;
  private last = -1;
  readonly series: FrameSeries;

  constructor(
    private readonly layout: FrameLayout,
    private readonly emitStart: number,
    private readonly emitEnd: number,
    private readonly options: MeasureOptions = {},
  ) {
    this.bytes = frameBytes(layout);
    this.span = options.blendSpan ?? DEFAULT_BLEND_SPAN;
    this.flash = options.maxFlashFrames ?? DEFAULT_MAX_FLASH_FRAMES;
    this.reach = measureReach(options);
    this.series = emptySeries(emitStart, this.span);
  }

  /** Feeds frame `index` (global, consecutive). The buffer may be reused after the call. */
  push(index: number, frame: Uint8Array): void {
    if (frame.length < this.bytes)
      throw new Error(`frame ${index} is ${frame.length} bytes, expected ${this.bytes}`);
    if (this.last >= 0 && index !== this.last + 1)
      throw new Error(`frame ${index} follows frame ${this.last}`);
    this.last = index;
    const { width, height } = this.layout;
    const lumaSize = width * height;
    const edges = this.options.edges ? edgeMap(frame, width, height) : undefined;
    let luma = 0;
    let chroma = 0;
    let edgeChange = 0;
    const prev = this.previous;
    if (prev && prev.index === index - 1) {
      luma = meanAbsDiff(frame, prev.frame, 0, lumaSize);
      chroma = meanAbsDiff(frame, prev.frame, lumaSize, this.bytes);
      if (edges && prev.edges) edgeChange = changedFraction(edges, prev.edges);
    }
    const stats = {
      luma,
      chroma,
      edges: edgeChange,
      b: mean(frame, 0, lumaSize),
      s: laplacian(frame, width, height),
    };
    this.pending.set(index, stats);
    this.signatures.set(index, frameSignature(frame, this.layout));
    // A copy: decoders reuse their frame buffer (and Buffer#slice would only be a view). Two
    // buffers take turns, so a long video allocates nothing per frame.
    const keep = this.spare ?? new Uint8Array(this.bytes);
    keep.set(frame.subarray(0, this.bytes));
    this.spare = prev?.frame;
    this.previous = { index, frame: keep, edges };
    this.finalize(index - this.reach);
    this.signatures.delete(index - 2 * this.reach - 1);
  }

  /** Call after the last frame: completes the frames whose windows reach the end of the video. */
  end(): FrameSeries {
    for (let f = Math.max(0, this.last - this.reach + 1); f <= this.last; f++) this.finalize(f);
    return this.series;
  }

  private finalize(f: number): void {
    const stats = this.pending.get(f);
    this.pending.delete(f);
    if (!stats || f < this.emitStart || f >= this.emitEnd) return;
    const expected = this.series.start + this.series.luma.length;
    if (f !== expected) throw new Error(`frame ${f} measured out of order (expected ${expected})`);
    const s = this.series;
    s.luma.push(round3(stats.luma));
    s.chroma.push(round3(stats.chroma));
    const prev = this.signatures.get(f - 1);
    s.blocks.push(prev ? round3(signatureDistance(prev, this.signatures.get(f)!)) : 0);
    s.edges.push(round3(stats.edges));
    s.brightness.push(round3(stats.b));
    s.sharpness.push(round3(stats.s));
    s.flashReturn.push(round3(this.flashReturn(f)));
    const a = this.signatures.get(f - this.span);
    const c = this.signatures.get(f + this.span);
    const x = this.signatures.get(f)!;
    if (a && c) {
      const fit = blendFit(a, x, c);
      s.span.push(round3(fit.span));
      s.blendAlpha.push(round3(fit.alpha));
      s.blendResidual.push(round3(fit.residual));
    } else {
      s.span.push(-1);
      s.blendAlpha.push(-1);
      s.blendResidual.push(-1);
    }
  }

  /** Min distance showing the shot resumes after a short spike starting or ending at f. */
  private flashReturn(f: number): number {
    let best = Infinity;
    const before = this.signatures.get(f - 1);
    if (before) {
      for (let j = f + 1; j <= f + this.flash; j++) {
        const sig = this.signatures.get(j);
        if (sig) best = Math.min(best, signatureDistance(before, sig));
      }
    }
    const here = this.signatures.get(f)!;
    for (let m = f - 1 - this.flash; m <= f - 2; m++) {
      const sig = this.signatures.get(m);
      if (sig) best = Math.min(best, signatureDistance(here, sig));
    }
    return Number.isFinite(best) ? best : -1;
  }
}

function meanAbsDiff(a: Uint8Array, b: Uint8Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) {
    const d = a[i]! - b[i]!;
    sum += d < 0 ? -d : d;
  }
  return sum / Math.max(1, to - from);
}

function mean(a: Uint8Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += a[i]!;
  return sum / Math.max(1, to - from);
}

/** Mean absolute Laplacian of luma on every other row: half the cost, the same ranking of shots. */
function laplacian(frame: Uint8Array, width: number, height: number): number {
  let sum = 0;
  let count = 0;
  for (let y = 1; y < height - 1; y += 2) {
    const row = y * width;
    for (let i = row + 1; i < row + width - 1; i++) {
      const v = 4 * frame[i]! - frame[i - 1]! - frame[i + 1]! - frame[i - width]! - frame[i + width]!;
      sum += v < 0 ? -v : v;
    }
    count += width - 2;
  }
  return sum / Math.max(1, count);
}

function edgeMap(frame: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const g = Math.abs(frame[i + 1]! - frame[i - 1]!) + Math.abs(frame[i + width]! - frame[i - width]!);
      out[i] = g > EDGE_THRESHOLD ? 1 : 0;
    }
  }
  return out;
}

function changedFraction(a: Uint8Array, b: Uint8Array): number {
  let changed = 0;
  for (let i = 0; i < a.length; i++) changed += a[i]! ^ b[i]!;
  return changed / a.length;
}
