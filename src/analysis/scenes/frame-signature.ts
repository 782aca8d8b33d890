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
export const GRID_X = 16;
export const GRID_Y = 9;
export const SIGNATURE_LENGTH = GRID_X * GRID_Y * 3;

/**
 * A frame signature holds the block means of Y, Cb and Cr, in that order, on this grid: block
 * (bx, by) of a plane covers columns [columns[bx], columns[bx + 1]) of rows [rows[by], rows[by + 1]).
 */
export interface BlockGrid {
  readonly columns: Int32Array;
  readonly rows: Int32Array;
}

export function blockGrid(width: number, height: number): BlockGrid {
  const edges = (length: number, cells: number) =>
    Int32Array.from({ length: cells + 1 }, (_, b) => Math.round((b * length) / cells));
  return { columns: edges(width, GRID_X), rows: edges(height, GRID_Y) };
}

/**
 * Writes the means of block row `by` of a plane into `out` (its blocks start at `outOffset`),
 * given per-column pixel sums over exactly that block row.
 */
export function blockRowMeans(
  columnSums: Float64Array,
  grid: BlockGrid,
  by: number,
  out: Float32Array,
  outOffset: number,
): void {
  const { columns, rows } = grid;
  const rowCount = rows[by + 1]! - rows[by]!;
  for (let bx = 0; bx < GRID_X; bx++) {
    let sum = 0;
    for (let x = columns[bx]!; x < columns[bx + 1]!; x++) sum += columnSums[x]!;
    const n = rowCount * (columns[bx + 1]! - columns[bx]!);
    out[outOffset + by * GRID_X + bx] = n > 0 ? sum / n : 0;
  }
}

/** Mean absolute difference between two signatures, in 0..255 pixel units. */
export function signatureDistance(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

/** Mean absolute deviation of a signature's block means from their plane's mean. */
export function signatureContrast(signature: Float32Array): number {
  const blocks = GRID_X * GRID_Y;
  let sum = 0;
  for (let p = 0; p < 3; p++) {
    let mean = 0;
    for (let i = p * blocks; i < (p + 1) * blocks; i++) mean += signature[i]!;
    mean /= blocks;
    for (let i = p * blocks; i < (p + 1) * blocks; i++) sum += Math.abs(signature[i]! - mean);
  }
  return sum / signature.length;
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

/**
 * Fits x as a mix in space of a and c: each block taken from one or the other, as in a wipe.
 * `fraction` is how much of the difference between a and c already shows c (weighted by that
 * difference), `residual` the mean distance of each block from the nearer of the two.
 */
export function wipeFit(
  a: Float32Array,
  x: Float32Array,
  c: Float32Array,
): { fraction: number; residual: number } {
  let towardC = 0;
  let total = 0;
  let residual = 0;
  for (let i = 0; i < a.length; i++) {
    const fromA = Math.abs(x[i]! - a[i]!);
    const fromC = Math.abs(x[i]! - c[i]!);
    const d = Math.abs(c[i]! - a[i]!);
    total += d;
    if (fromC < fromA) towardC += d;
    residual += Math.min(fromA, fromC);
  }
  return { fraction: total > 0 ? towardC / total : 0, residual: residual / a.length };
}
