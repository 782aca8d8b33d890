/**
 * Per-frame measurements of a video, column by column (compact as JSON). Everything the cut
 * detector and the shot statistics need is here, so a shard only has to ship these columns and
 * the aggregate can run the detector once over the whole video: sharded == unsharded by design.
 */
export interface FrameSeries {
  /** Global index of the first frame in these columns. */
  start: number;
  /** The k of the dissolve window the span/blend columns were measured with. */
  blendSpan: number;
  /** Mean absolute luma change from the previous frame (0 for frame 0). */
  luma: number[];
  /** Mean absolute chroma (Cb, Cr) change from the previous frame. */
  chroma: number[];
  /** Change of the coarse 16x9 block signature from the previous frame: blind to fine texture. */
  blocks: number[];
  /** Fraction of pixels whose edge state changed (0 when edges are off). */
  edges: number[];
  /** Mean luma, 0..255. */
  brightness: number[];
  /**
   * The picture's own contrast at the signature's scale: mean absolute deviation of the block
   * means from their plane's mean, in the units of `blocks`. A cut between two dark, flat shots
   * changes little in absolute terms but much relative to this.
   */
  contrast: number[];
  /** Mean absolute Laplacian of luma: higher is sharper. */
  sharpness: number[];
  /**
   * How closely the frames just after this one return to the frame before it, or this frame
   * matches the frames before the previous one (-1 when unknown). Small means a flash, not a cut.
   */
  flashReturn: number[];
  /** Signature distance between frame i-k and i+k (-1 when the window leaves the video). */
  span: number[];
  /** Where frame i lies between frames i-k and i+k as a linear blend (0..1). */
  blendAlpha: number[];
  /** Distance of frame i from that best blend: small in a dissolve, large for motion. */
  blendResidual: number[];
  /** How much of frame i already shows frame i+k, block by block, as in a wipe (0..1). */
  wipeFraction: number[];
  /** Distance of frame i's blocks from the nearer of frames i-k and i+k: small in a wipe. */
  wipeResidual: number[];
  /**
   * The same five columns for a window of `longBlendSpan` frames either side: a dissolve or wipe
   * longer than about 1.2 s at 30 fps changes too little over k frames to stand out (the span of a
   * 45-frame dissolve over 6 frames is 13% of the whole change). Absent in series recorded before
   * they were measured; the detector then looks with k alone.
   */
  longBlendSpan?: number;
  longSpan?: number[];
  longBlendAlpha?: number[];
  longBlendResidual?: number[];
  longWipeFraction?: number[];
  longWipeResidual?: number[];
}

export const SERIES_COLUMNS = [
  'luma',
  'chroma',
  'blocks',
  'edges',
  'brightness',
  'contrast',
  'sharpness',
  'flashReturn',
  'span',
  'blendAlpha',
  'blendResidual',
  'wipeFraction',
  'wipeResidual',
] as const satisfies readonly (keyof FrameSeries)[];

/** The long window's columns (FrameSeries.longSpan...), merged where every partial has them. */
export const LONG_COLUMNS = [
  'longSpan',
  'longBlendAlpha',
  'longBlendResidual',
  'longWipeFraction',
  'longWipeResidual',
] as const satisfies readonly (keyof FrameSeries)[];

export function emptySeries(start: number, blendSpan: number, longBlendSpan?: number): FrameSeries {
  return {
    start,
    blendSpan,
    ...(longBlendSpan !== undefined && {
      longBlendSpan,
      longSpan: [],
      longBlendAlpha: [],
      longBlendResidual: [],
      longWipeFraction: [],
      longWipeResidual: [],
    }),
    luma: [],
    chroma: [],
    blocks: [],
    edges: [],
    brightness: [],
    contrast: [],
    sharpness: [],
    flashReturn: [],
    span: [],
    blendAlpha: [],
    blendResidual: [],
    wipeFraction: [],
    wipeResidual: [],
  };
}

export function seriesLength(series: FrameSeries): number {
  return series.luma.length;
}

/** Rounds a measurement so that the JSON round trip of a partial is exact. */
export function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/**
 * Mean of the values within `w` of index i, i itself excluded, and index 0 too (the first frame
 * has no change to measure); undefined when there are none. Pure.
 */
export function neighbourMean(values: readonly number[], i: number, w: number): number | undefined {
  let sum = 0;
  let count = 0;
  for (let j = Math.max(1, i - w); j <= Math.min(values.length - 1, i + w); j++) {
    if (j === i) continue;
    sum += values[j]!;
    count++;
  }
  return count > 0 ? sum / count : undefined;
}
