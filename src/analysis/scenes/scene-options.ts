/** Tuning of the cut detector; every field has a default that suits most footage. */
export interface SceneOptions {
  /**
   * Minimum change score (0..255 scale) for a hard cut on pictures of full contrast. Every other
   * bar of the hard-cut test (contrastRatio's, floorThreshold, pixelThreshold) is scaled by this
   * over its default (8): 16 asks twice as much change everywhere, 4 half.
   */
  threshold: number;
  /**
   * On pictures of low contrast the threshold drops to this fraction of their contrast (the
   * block means' mean absolute deviation), but never below floorThreshold.
   */
  contrastRatio: number;
  /** The lowest threshold: well above what grain and compression move the block means. */
  floorThreshold: number;
  /** A cut's score must be this many times the mean of its neighbours' scores. */
  adaptiveRatio: number;
  /** ...or this many times the largest score on the faster side (a cut into a whip pan). */
  sideRatio: number;
  /** A spike this many times its neighbours' mean needs only half the threshold (a recrop). */
  isolatedRatio: number;
  /**
   * A cut may also be found by per-pixel change ((luma + 2 chroma) / 2) at least this large and
   * adaptiveRatio above its neighbours: it catches cuts between shots of similar layout and
   * colour, which the coarse score cannot see. 0 turns it off.
   */
  pixelThreshold: number;
  /** Neighbours on each side for the adaptive comparison. */
  adaptiveWindow: number;
  /** Fewest frames a shot may have; a closer cut is merged into the stronger one. */
  minShotFrames: number;
  /** A spike is a flash when the shot resumes this close (fraction of the spike's score). */
  flashRatio: number;
  /** Longest flash in frames. */
  maxFlashFrames: number;
  /**
   * Weights in the change score: the coarse block signature (luma and colour on a 16x9 grid,
   * blind to texture and grain), per-pixel luma and chroma change, and edge change.
   */
  weights: { blocks: number; luma: number; chroma: number; edges: number };
  /** Minimum distance between frames i-k and i+k for a dissolve. */
  gradualMinSpan: number;
  /** Largest blend residual, as a fraction of the span, for a dissolve. */
  gradualMaxResidual: number;
  /** A dissolve's span must be this many times the span just outside it. */
  gradualPeakRatio: number;
}

export const DEFAULT_SCENE_OPTIONS: SceneOptions = {
  threshold: 8,
  contrastRatio: 0.5,
  floorThreshold: 2,
  adaptiveRatio: 3,
  sideRatio: 1.4,
  isolatedRatio: 8,
  pixelThreshold: 30,
  adaptiveWindow: 2,
  minShotFrames: 6,
  flashRatio: 0.35,
  maxFlashFrames: 5,
  weights: { blocks: 1, luma: 0, chroma: 0, edges: 0 },
  gradualMinSpan: 10,
  gradualMaxResidual: 0.25,
  gradualPeakRatio: 2,
};

/** The weight of edge change in the score when edges are measured (`--edges`). */
export const EDGE_WEIGHT = 0.5;

export function sceneOptions(overrides: Partial<SceneOptions> = {}): SceneOptions {
  return {
    ...DEFAULT_SCENE_OPTIONS,
    ...overrides,
    weights: { ...DEFAULT_SCENE_OPTIONS.weights, ...overrides.weights },
  };
}
