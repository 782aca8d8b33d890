/** Raw planar YUV 4:2:0 frame geometry (what ffmpeg's `-pix_fmt yuv420p` writes). */
export interface FrameLayout {
  width: number;
  height: number;
}

export function frameBytes(layout: FrameLayout): number {
  const chroma = (layout.width >> 1) * (layout.height >> 1);
  return layout.width * layout.height + 2 * chroma;
}

// A coarse grid: fine enough to tell shots apart, coarse enough that grain and small motion
// average out, so "this frame looks like that one" survives a few frames of camera movement.
const GRID_X = 16;
const GRID_Y = 9;
export const SIGNATURE_LENGTH = GRID_X * GRID_Y * 3;

/** Block means of Y, Cb and Cr on a 16x9 grid. */
export function frameSignature(frame: Uint8Array, layout: FrameLayout): Float32Array {
  const out = new Float32Array(SIGNATURE_LENGTH);
  const { width, height } = layout;
  const cw = width >> 1;
  const ch = height >> 1;
  blockMeans(frame, 0, width, height, out, 0);
  blockMeans(frame, width * height, cw, ch, out, GRID_X * GRID_Y);
  blockMeans(frame, width * height + cw * ch, cw, ch, out, 2 * GRID_X * GRID_Y);
  return out;
}

function blockMeans(
  frame: Uint8Array,
  offset: number,
  width: number,
  height: number,
  out: Float32Array,
  outOffset: number,
): void {
  const counts = new Uint32Array(GRID_X * GRID_Y);
  const colBlock = new Uint8Array(width);
  for (let x = 0; x < width; x++) colBlock[x] = Math.min(GRID_X - 1, Math.floor((x * GRID_X) / width));
  for (let y = 0; y < height; y++) {
    const rowBase = Math.min(GRID_Y - 1, Math.floor((y * GRID_Y) / height)) * GRID_X;
    const line = offset + y * width;
    for (let x = 0; x < width; x++) {
      const cell = rowBase + colBlock[x]!;
      out[outOffset + cell]! += frame[line + x]!;
      counts[cell]!++;
    }
  }
  for (let c = 0; c < counts.length; c++) {
    const n = counts[c]!;
    if (n > 0) out[outOffset + c]! /= n;
  }
}

/** Mean absolute difference between two signatures, in 0..255 pixel units. */
export function signatureDistance(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

/**
 * Fits x ~ a + alpha (c - a). A dissolve from a to c is exactly such a blend; a hard cut gives
 * alpha 0 or 1; camera motion leaves a large residual.
 */
export function blendFit(
  a: Float32Array,
  x: Float32Array,
  c: Float32Array,
): { alpha: number; residual: number; span: number } {
  let dot = 0;
  let norm = 0;
  for (let i = 0; i < a.length; i++) {
    const d = c[i]! - a[i]!;
    dot += (x[i]! - a[i]!) * d;
    norm += d * d;
  }
  const alpha = norm > 0 ? Math.min(1, Math.max(0, dot / norm)) : 0;
  let residual = 0;
  let span = 0;
  for (let i = 0; i < a.length; i++) {
    const d = c[i]! - a[i]!;
    residual += Math.abs(x[i]! - a[i]! - alpha * d);
    span += Math.abs(d);
  }
  return { alpha, residual: residual / a.length, span: span / a.length };
}
