import { emptySeries, round3, type FrameSeries } from './frame-series.js';
import {
  GRID_X,
  GRID_Y,
  SIGNATURE_LENGTH,
  blendFit,
  frameBytes,
  signatureContrast,
  signatureDistance,
  wipeFit,
  type FrameLayout,
} from './frame-signature.js';

export interface MeasureOptions {
  /** Score edge changes too (slower; helps on low-colour footage). */
  edges?: boolean;
  /** Half-width k of the dissolve window: frame i is compared with i-k and i+k. */
  blendSpan?: number;
  /** The long dissolve window's k (FrameSeries.longBlendSpan); 0 measures none. */
  longBlendSpan?: number;
  /** Longest flash, in frames, that may return to the same shot. */
  maxFlashFrames?: number;
}

export const DEFAULT_BLEND_SPAN = 6;
/**
 * The long window, at most: 18 frames, 0.6 s at 30 fps (LONG_BLEND_SEC). Dissolves and wipes of
 * 1.5-2 s between shots of 4-5 s are found with it at 24-30 fps (none of 2.5 s). Not longer at
 * 50-60 fps: a 36-frame window found a few more 60-fps dissolves but read a smooth gradient
 * turning slowly through one shot as two or three shots (a new user's trial).
 */
export const DEFAULT_LONG_BLEND_SPAN = 18;
const LONG_BLEND_SEC = 0.6;

/** The long window's k for a video of `fps` frames a second: 0.6 s, at most 18 frames. */
export function longBlendSpanAt(fps: number | undefined, options: MeasureOptions = {}): number {
  if (options.longBlendSpan !== undefined) return options.longBlendSpan;
  if (!(fps !== undefined && fps > 0)) return DEFAULT_LONG_BLEND_SPAN;
  const k = Math.min(DEFAULT_LONG_BLEND_SPAN, Math.round(LONG_BLEND_SEC * fps));
  return Math.max(2 * (options.blendSpan ?? DEFAULT_BLEND_SPAN), k);
}

export const DEFAULT_MAX_FLASH_FRAMES = 5;

/**
 * Frames a shard must decode beyond its own range on each side so its windows are complete, for a
 * video of `fps` frames a second.
 */
export function measureReach(options: MeasureOptions = {}, fps?: number): number {
  return Math.max(
    options.blendSpan ?? DEFAULT_BLEND_SPAN,
    longBlendSpanAt(fps, options),
    (options.maxFlashFrames ?? DEFAULT_MAX_FLASH_FRAMES) + 1,
  );
}

import {
  PlaneScanner,
  changedFraction,
  edgeMap,
  laplacian,
  plane,
  slot,
  type Plane,
  type Slot,
} from './frame-kernels.js';

/**
 * Turns a stream of decoded frames into a FrameSeries for frames [emitStart, emitEnd). Frames
 * before emitStart and after emitEnd are context only. Windows are cut short only where the
 * video itself starts or ends, never at a shard edge, which is what makes shards exact.
 */
export class FrameMeasurer {
  private readonly bytes: number;
  private readonly span: number;
  private readonly longSpan: number;
  private readonly flash: number;
  private readonly reach: number;
  private readonly planes: readonly [Plane, Plane, Plane];
  /** Whether no row needs padding, so that a copy is one contiguous block. */
  private readonly unpadded: boolean;
  private readonly scanner: PlaneScanner;
  private readonly signatures = new Map<number, Float32Array>();
  private readonly pending = new Map<
    number,
    { luma: number; chroma: number; edges: number; b: number; s: number }
  >();
  // Decoders reuse their frame buffer, so each frame is copied. Two slots take turns, so a long
  // video allocates no pixel buffers per frame.
  private current: Slot;
  private previous: Slot;
  private last = -1;
  readonly series: FrameSeries;

  constructor(
    layout: FrameLayout,
    private readonly emitStart: number,
    private readonly emitEnd: number,
    options: MeasureOptions = {},
  ) {
    this.bytes = frameBytes(layout);
    this.span = options.blendSpan ?? DEFAULT_BLEND_SPAN;
    this.flash = options.maxFlashFrames ?? DEFAULT_MAX_FLASH_FRAMES;
    this.reach = measureReach(options);
    this.longSpan = longBlendSpanAt(undefined, options);
    this.series = emptySeries(emitStart, this.span, this.longSpan > 0 ? this.longSpan : undefined);
    const { width, height } = layout;
    const lumaSize = width * height;
    const cw = width >> 1;
    const ch = height >> 1;
    const blocks = GRID_X * GRID_Y;
    const luma = plane(width, height, 0, 0, 0);
    const cb = plane(cw, ch, lumaSize, luma.start + luma.stride * height, blocks);
    const cr = plane(cw, ch, lumaSize + cw * ch, cb.start + cb.stride * ch, 2 * blocks);
    this.planes = [luma, cb, cr];
    this.unpadded = this.planes.every((p) => 4 * p.stride === p.width);
    this.scanner = new PlaneScanner(luma.stride);
    const words = cr.start + cr.stride * ch;
    const edgeWords = options.edges ? luma.stride * height : undefined;
    this.current = slot(words, edgeWords);
    this.previous = slot(words, edgeWords);
  }

  /** Feeds frame `index` (global, consecutive). The buffer may be reused after the call. */
  push(index: number, frame: Uint8Array): void {
    if (frame.length < this.bytes)
      throw new Error(`frame ${index} is ${frame.length} bytes, expected ${this.bytes}`);
    if (this.last >= 0 && index !== this.last + 1)
      throw new Error(`frame ${index} follows frame ${this.last}`);
    const adjacent = this.last >= 0;
    this.last = index;
    const [lumaPlane, cbPlane, crPlane] = this.planes;
    const now = this.current;
    // Without a previous frame the drops are against the frame itself (0) and go unused.
    const before = adjacent ? this.previous : now;
    this.copy(frame, now.pixels);

    const signature = new Float32Array(SIGNATURE_LENGTH);
    const scanner = this.scanner;
    scanner.scan(lumaPlane, now.words, before.words, signature);
    const lumaDrop = scanner.drop;
    now.lumaSum = scanner.sum;
    scanner.scan(cbPlane, now.words, before.words, signature);
    let chromaDrop = scanner.drop;
    now.chromaSum = scanner.sum;
    scanner.scan(crPlane, now.words, before.words, signature);
    chromaDrop += scanner.drop;
    now.chromaSum += scanner.sum;

    const lumaSize = lumaPlane.width * lumaPlane.height;
    const chromaSize = this.bytes - lumaSize;
    let luma = 0;
    let chroma = 0;
    let edgeChange = 0;
    if (now.edges) edgeMap(now.pixels, now.words, lumaPlane, now.edges.pixels, now.edges.words);
    if (adjacent) {
      // sum |now - before| = sum(now) - sum(before) + 2 sum(max(0, before - now)), all integers.
      luma = (now.lumaSum - before.lumaSum + 2 * lumaDrop) / Math.max(1, lumaSize);
      chroma = (now.chromaSum - before.chromaSum + 2 * chromaDrop) / Math.max(1, chromaSize);
      if (now.edges && before.edges)
        edgeChange = changedFraction(now.edges.words, before.edges.words, lumaSize);
    }
    const stats = {
      luma,
      chroma,
      edges: edgeChange,
      b: now.lumaSum / Math.max(1, lumaSize),
      s: laplacian(now.pixels, now.words, lumaPlane),
    };
    this.pending.set(index, stats);
    this.signatures.set(index, signature);
    this.current = this.previous;
    this.previous = now;
    this.finalize(index - this.reach);
    this.signatures.delete(index - 2 * this.reach - 1);
  }

  /** Copies a decoded frame into the padded layout of the planes. */
  private copy(frame: Uint8Array, pixels: Uint8Array): void {
    if (this.unpadded) {
      pixels.set(frame.subarray(0, this.bytes));
      return;
    }
    for (const p of this.planes) {
      for (let row = 0; row < p.height; row++) {
        const from = p.source + row * p.width;
        pixels.set(frame.subarray(from, from + p.width), 4 * (p.start + row * p.stride));
      }
    }
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
    const x = this.signatures.get(f)!;
    s.blocks.push(prev ? round3(signatureDistance(prev, x)) : 0);
    s.edges.push(round3(stats.edges));
    s.brightness.push(round3(stats.b));
    s.contrast.push(round3(signatureContrast(this.signatures.get(f)!)));
    s.sharpness.push(round3(stats.s));
    s.flashReturn.push(round3(this.flashReturn(f)));
    this.fitWindow(f, x, this.span, [s.span, s.blendAlpha, s.blendResidual, s.wipeFraction, s.wipeResidual]);
    if (s.longSpan)
      this.fitWindow(f, x, this.longSpan, [
        s.longSpan,
        s.longBlendAlpha!,
        s.longBlendResidual!,
        s.longWipeFraction!,
        s.longWipeResidual!,
      ]);
  }

  /** Frame f (signature x) as a blend and as a wipe of frames f-k and f+k, or -1s at the video's ends. */
  private fitWindow(f: number, x: Float32Array, k: number, columns: number[][]): void {
    const a = this.signatures.get(f - k);
    const c = this.signatures.get(f + k);
    if (!a || !c) {
      for (const column of columns) column.push(-1);
      return;
    }
    const fit = blendFit(a, x, c);
    const wipe = wipeFit(a, x, c);
    [fit.span, fit.alpha, fit.residual, wipe.fraction, wipe.residual].forEach((v, i) =>
      columns[i]!.push(round3(v)),
    );
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
