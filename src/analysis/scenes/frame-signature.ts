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
  // Integer sums over each block's column span, row by row: the tight loop is a plain add.
  const sums = new Int32Array(GRID_X * GRID_Y);
  const edges = Array.from({ length: GRID_X + 1 }, (_, b) => Math.round((b * width) / GRID_X));
  const rowEdges = Array.from({ length: GRID_Y + 1 }, (_, b) => Math.round((b * height) / GRID_Y));
  for (let by = 0; by < GRID_Y; by++) {
    for (let y = rowEdges[by]!; y < rowEdges[by + 1]!; y++) {
      const line = offset + y * width;
      for (let bx = 0; bx < GRID_X; bx++) {
        let sum = 0;
        const end = line + edges[bx + 1]!;
        for (let i = line + edges[bx]!; i < end; i++) sum += frame[i]!;
        sums[by * GRID_X + bx]! += sum;
      }
    }
  }
  for (let by = 0; by < GRID_Y; by++) {
    const rows = rowEdges[by + 1]! - rowEdges[by]!;
    for (let bx = 0; bx < GRID_X; bx++) {
      const n = rows * (edges[bx + 1]! - edges[bx]!);
      out[outOffset + by * GRID_X + bx] = n > 0 ? sums[by * GRID_X + bx]! / n : 0;
    }
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
