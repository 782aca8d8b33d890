/**
 * The pixel kernels of the scene measurer: padded frame planes scanned 4 pixels per 32-bit word
 * (SWAR lanes), the focus measure (Laplacian) and the edge map.
 */
import { GRID_Y, blockGrid, blockRowMeans, type BlockGrid } from './frame-signature.js';

const EDGE_THRESHOLD = 24;

/**
 * One plane of the measurer's frame copies. Its rows are padded to whole 32-bit words (with
 * zeros, which add nothing to any sum) so that the scan can read 4 pixels at a time.
 */
export interface Plane {
  readonly width: number;
  readonly height: number;
  /** Byte offset of the plane in a decoded frame. */
  readonly source: number;
  /** First word of the plane in a copy, and words per row. */
  readonly start: number;
  readonly stride: number;
  readonly grid: BlockGrid;
  /** Where the plane's block means start in a signature. */
  readonly signatureOffset: number;
}

/** A frame copy and what later frames need of it. */
export interface Slot {
  readonly words: Uint32Array;
  readonly pixels: Uint8Array;
  /** The edge map (1 on an edge), in the layout of the luma plane, when edges are measured. */
  readonly edges: { readonly words: Uint32Array; readonly pixels: Uint8Array } | undefined;
  lumaSum: number;
  chromaSum: number;
}

export function plane(
  width: number,
  height: number,
  source: number,
  start: number,
  signatureOffset: number,
): Plane {
  const stride = Math.ceil(width / 4);
  return { width, height, source, start, stride, grid: blockGrid(width, height), signatureOffset };
}

export function slot(words: number, edgeWords: number | undefined): Slot {
  return {
    ...wordsAndPixels(new Uint32Array(words)),
    edges: edgeWords === undefined ? undefined : wordsAndPixels(new Uint32Array(edgeWords)),
    lumaSum: 0,
    chromaSum: 0,
  };
}

function wordsAndPixels(words: Uint32Array): { words: Uint32Array; pixels: Uint8Array } {
  return { words, pixels: new Uint8Array(words.buffer) };
}

// SWAR (several pixels in one 32-bit word): a word's bytes 0 and 2 (or 1 and 3, shifted down by
// 8) sit in two 16-bit lanes, where sums of up to 257 pixels cannot carry into the next lane.
const LANES = 0x00ff00ff;
const LANE_ONES = 0x00010001;
const LANE_256 = 0x01000100;
/** Rows whose column sums fit the lanes (one pixel per lane per row). */
const LANE_MAX_ROWS = 256;
/** Words whose drops fit the lanes (two pixels per lane per word). */
const LANE_MAX_WORDS = 128;

/** Sums a plane into its signature blocks and against the previous frame, 4 pixels at a time. */
export class PlaneScanner {
  /** Per-column pixel sums of the rows scanned since the last spill: even and odd bytes. */
  private readonly even: Int32Array;
  private readonly odd: Int32Array;
  /** Per-column pixel sums of the current block row. */
  private readonly columns: Float64Array;
  /** Results of the last scan: the plane's pixel sum, and the sum of max(0, before - now). */
  sum = 0;
  drop = 0;

  constructor(maxStride: number) {
    this.even = new Int32Array(maxStride);
    this.odd = new Int32Array(maxStride);
    this.columns = new Float64Array(4 * maxStride);
  }

  scan(plane: Plane, now: Uint32Array, before: Uint32Array, signature: Float32Array): void {
    const { even, odd, columns } = this;
    const { start, stride, grid } = plane;
    let sum = 0;
    let drop = 0;
    for (let by = 0; by < GRID_Y; by++) {
      const rowEnd = grid.rows[by + 1]!;
      for (let y = grid.rows[by]!; y < rowEnd;) {
        const spillAt = Math.min(rowEnd, y + LANE_MAX_ROWS);
        for (; y < spillAt; y++) {
          const line = start + y * stride;
          for (let j = 0; j < stride;) {
            const laneEnd = Math.min(stride, j + LANE_MAX_WORDS);
            let dropLanes = 0;
            for (; j < laneEnd; j++) {
              const n = now[line + j]!;
              const b = before[line + j]!;
              const nEven = n & LANES;
              const nOdd = (n >>> 8) & LANES;
              even[j] = (even[j]! + nEven) | 0;
              odd[j] = (odd[j]! + nOdd) | 0;
              // Each lane holds 256 + before - now: bit 8 is set exactly when before >= now, and
              // then the low byte is before - now.
              let t = ((b & LANES) | LANE_256) - nEven;
              dropLanes = (dropLanes + (t & (((t >>> 8) & LANE_ONES) * 0xff))) | 0;
              t = (((b >>> 8) & LANES) | LANE_256) - nOdd;
              dropLanes = (dropLanes + (t & (((t >>> 8) & LANE_ONES) * 0xff))) | 0;
            }
            drop += (dropLanes & 0xffff) + (dropLanes >>> 16);
          }
        }
        for (let j = 0; j < stride; j++) {
          const e = even[j]!;
          const o = odd[j]!;
          columns[4 * j]! += e & 0xffff;
          columns[4 * j + 1]! += o & 0xffff;
          columns[4 * j + 2]! += e >>> 16;
          columns[4 * j + 3]! += o >>> 16;
        }
        even.fill(0);
        odd.fill(0);
      }
      blockRowMeans(columns, grid, by, signature, plane.signatureOffset);
      for (let x = 0; x < 4 * stride; x++) sum += columns[x]!;
      columns.fill(0);
    }
    this.sum = sum;
    this.drop = drop;
  }
}

/**
 * How a luma row's columns 1 .. width - 2 (those with both neighbours) are walked: words
 * [1, wordEnd) lie wholly among them and are done 4 pixels at a time, columns [1, headEnd) and
 * [tailStart, width - 1) one by one. The luma plane starts the copy, at word 0.
 */
function interior(width: number): { wordEnd: number; headEnd: number; tailStart: number } {
  const wordEnd = (width - 1) >> 2;
  return { wordEnd, headEnd: Math.min(4, width - 1), tailStart: Math.max(4, 4 * wordEnd) };
}

/** Mean absolute Laplacian of luma on every other row: half the cost, the same ranking of shots. */
export function laplacian(pixels: Uint8Array, words: Uint32Array, luma: Plane): number {
  const { width, height, stride } = luma;
  const { wordEnd, headEnd, tailStart } = interior(width);
  let sum = 0;
  let count = 0;
  for (let y = 1; y < height - 1; y += 2) {
    const line = y * stride;
    for (let x = 1; x < headEnd; x++) sum += laplacianAt(pixels, 4 * line + x, 4 * stride);
    for (let x = tailStart; x < width - 1; x++) sum += laplacianAt(pixels, 4 * line + x, 4 * stride);
    sum += laplacianWords(words, line, stride, wordEnd);
    count += width - 2;
  }
  return sum / Math.max(1, count);
}

function laplacianAt(pixels: Uint8Array, i: number, rowBytes: number): number {
  return Math.abs(
    4 * pixels[i]! - pixels[i - 1]! - pixels[i + 1]! - pixels[i - rowBytes]! - pixels[i + rowBytes]!,
  );
}

// A Laplacian is within ±1020: plus 1024 it fits a lane without a sign, and 32 words of two
// absolute values each still fit.
const LANE_1024 = 0x04000400;
const LANE_LOW_10 = 0x03ff03ff;
const LAPLACIAN_MAX_WORDS = 32;

/** Sum of absolute Laplacians over words [1, end) of the row starting at word `line`. */
function laplacianWords(words: Uint32Array, line: number, stride: number, end: number): number {
  let sum = 0;
  for (let j = 1; j < end;) {
    const laneEnd = Math.min(end, j + LAPLACIAN_MAX_WORDS);
    let lanes = 0;
    for (; j < laneEnd; j++) {
      const i = line + j;
      const left = words[i - 1]!;
      const mid = words[i]!;
      const right = words[i + 1]!;
      const up = words[i - stride]!;
      const down = words[i + stride]!;
      // Bytes 0 and 2: their left neighbours are bytes -1 and 1, their right ones 1 and 3.
      let v =
        LANE_1024 +
        4 * (mid & LANES) -
        (((mid << 8) | (left >>> 24)) & LANES) -
        ((mid >>> 8) & LANES) -
        (up & LANES) -
        (down & LANES);
      lanes = (lanes + distanceFrom1024(v)) | 0;
      // Bytes 1 and 3: their left neighbours are bytes 0 and 2, their right ones 2 and 4.
      v =
        LANE_1024 +
        4 * ((mid >>> 8) & LANES) -
        (mid & LANES) -
        (((mid >>> 16) | (right << 16)) & LANES) -
        ((up >>> 8) & LANES) -
        ((down >>> 8) & LANES);
      lanes = (lanes + distanceFrom1024(v)) | 0;
    }
    sum += (lanes & 0xffff) + (lanes >>> 16);
  }
  return sum;
}

/** |lane - 1024| in each lane of v (lanes 0..2047): below 1024 that is (low 10 bits inverted) + 1. */
function distanceFrom1024(v: number): number {
  const below = ((v >>> 10) & LANE_ONES) ^ LANE_ONES;
  return ((v & LANE_LOW_10) ^ (below * 0x3ff)) + below;
}

/** Marks luma pixels with a strong gradient (1, else 0) in `out`, laid out like the luma plane. */
export function edgeMap(
  pixels: Uint8Array,
  words: Uint32Array,
  luma: Plane,
  out: Uint8Array,
  outWords: Uint32Array,
): void {
  const { width, height, stride } = luma;
  const { wordEnd, headEnd, tailStart } = interior(width);
  for (let y = 1; y < height - 1; y++) {
    const line = y * stride;
    for (let x = 1; x < headEnd; x++) out[4 * line + x] = edgeAt(pixels, 4 * line + x, 4 * stride);
    for (let x = tailStart; x < width - 1; x++) out[4 * line + x] = edgeAt(pixels, 4 * line + x, 4 * stride);
    for (let i = line + 1; i < line + wordEnd; i++) {
      const left = words[i - 1]!;
      const mid = words[i]!;
      const right = words[i + 1]!;
      const up = words[i - stride]!;
      const down = words[i + stride]!;
      // Bytes 0 and 2, then 1 and 3, with their neighbours as in laplacianWords().
      const even =
        distanceFrom256((((mid >>> 8) & LANES) | LANE_256) - (((mid << 8) | (left >>> 24)) & LANES)) +
        distanceFrom256(((down & LANES) | LANE_256) - (up & LANES));
      const odd =
        distanceFrom256(((((mid >>> 16) | (right << 16)) & LANES) | LANE_256) - (mid & LANES)) +
        distanceFrom256((((down >>> 8) & LANES) | LANE_256) - ((up >>> 8) & LANES));
      outWords[i] = isEdge(even) | (isEdge(odd) << 8);
    }
  }
}

function edgeAt(pixels: Uint8Array, i: number, rowBytes: number): number {
  const g =
    Math.abs(pixels[i + 1]! - pixels[i - 1]!) + Math.abs(pixels[i + rowBytes]! - pixels[i - rowBytes]!);
  return g > EDGE_THRESHOLD ? 1 : 0;
}

/** |lane - 256| in each lane of v (lanes 1..511): below 256 that is (low byte inverted) + 1. */
function distanceFrom256(v: number): number {
  const below = ((v >>> 8) & LANE_ONES) ^ LANE_ONES;
  return ((v & LANES) ^ (below * 0xff)) + below;
}

// Gradients are at most 510: adding this sets a lane's bit 15 exactly when it is over the threshold.
const LANE_EDGE_BIAS = (0x8000 - EDGE_THRESHOLD - 1) * LANE_ONES;

/** 1 in each lane whose gradient is over the threshold. */
function isEdge(gradients: number): number {
  return ((gradients + LANE_EDGE_BIAS) >>> 15) & LANE_ONES;
}

/** Fraction of the pixels whose edge state differs (padding is 0 in both maps). */
export function changedFraction(a: Uint32Array, b: Uint32Array, pixels: number): number {
  let changed = 0;
  // Each byte is 0 or 1, so multiplying by 0x01010101 sums a word's bytes into its top byte.
  for (let j = 0; j < a.length; j++) changed += Math.imul(a[j]! ^ b[j]!, 0x01010101) >>> 24;
  return changed / pixels;
}
