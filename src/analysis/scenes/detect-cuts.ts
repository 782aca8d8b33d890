import { inFlicker, isFlash } from './flash.js';
import { neighbourMean, type FrameSeries } from './frame-series.js';
import { gradualCuts } from './gradual-cuts.js';
import { isPump, keyframePumps } from './keyframe-pump.js';
import { pictureSteps } from './picture-step.js';
import { DEFAULT_SCENE_OPTIONS, type SceneOptions } from './scene-options.js';

/** How far a cut where the picture steps must top its neighbours' change. */
const STEP_MARGIN = 1.1;
/** A picture this little changed (a share of the threshold) from one frame to the next is still. */
const STILL = 0.02;
/** How much a cut out of a still picture must top the motion after it. */
const STILL_MARGIN = 1.2;

export interface Cut {
  /** First frame of the new shot (for a gradual transition: its middle). */
  frame: number;
  time: number;
  score: number;
  kind: 'hard' | 'gradual';
  /** Frames the gradual transition spans, [start, end). */
  start?: number;
  end?: number;
}

/** The change score of every frame: weighted block, luma, chroma and edge change, 0..255 scale. */
export function changeScores(series: FrameSeries, options: SceneOptions): number[] {
  const { blocks, luma, chroma, edges } = options.weights;
  const total = blocks + luma + chroma + edges || 1;
  // Chroma planes vary less than luma; doubling puts them on the same footing.
  return series.luma.map(
    (l, i) =>
      (blocks * series.blocks[i]! +
        luma * l +
        chroma * 2 * series.chroma[i]! +
        edges * 255 * series.edges[i]!) /
      total,
  );
}

/**
 * Finds hard cuts and gradual transitions in a whole video's series; `keyframes` (global frame
 * numbers, as the probe lists them) tell the encoder's GOP cadence (keyframePumps). Pure and
 * deterministic.
 */
export function detectCuts(
  series: FrameSeries,
  timeOf: (frame: number) => number,
  options: SceneOptions,
  keyframes?: readonly number[],
): Cut[] {
  const scores = changeScores(series, options);
  // The encoder's pumps are the same whatever the user's threshold: judged against the default's.
  const pumps = keyframePumps(keyframes, scores, series.start, DEFAULT_SCENE_OPTIONS.threshold);
  const { hard, pumped } = hardCuts(series, scores, options, pumps);
  // A keyframe's pump steps the picture as a cut does: no dissolve is read across it either. Nor
  // across a cut that a threshold above the default leaves unreported: a shot between two such
  // cuts (a zoom reads as a blend) read as a dissolve once they were gone.
  const unreported =
    options.threshold > DEFAULT_SCENE_OPTIONS.threshold
      ? hardCuts(series, scores, { ...options, threshold: DEFAULT_SCENE_OPTIONS.threshold }, pumps).hard
      : [];
  const steps = [...hard, ...pumped, ...unreported].sort((a, b) => a.frame - b.frame);
  const gradual = joinOverlapping(gradualCuts(series, steps, options));
  // A fade through black that dips fast reads as a hard cut where the picture drops, then as a
  // fade from the black: one transition, reported once. The gradual one's frames compare frames
  // k away, so a hard cut apart from it lies at or beyond its span's ends; one inside is its dip.
  const inGradual = (c: Cut) => gradual.some((g) => c.frame >= g.start! && c.frame < g.end!);
  // No shot shorter than a shot can be at either end either (a black leader frame is no shot),
  // and a fade from or to the video's own edge is no transition between two shots.
  const n = scores.length;
  const kept = (c: Cut) =>
    c.kind === 'gradual'
      ? c.start! > 0 && c.end! < n
      : c.frame >= options.minShotFrames && n - c.frame >= options.minShotFrames;
  const cuts = [...hard.filter((c) => !inGradual(c)), ...gradual]
    .filter(kept)
    .sort((a, b) => a.frame - b.frame);
  const offset = series.start;
  return cuts.map((c) => ({
    ...c,
    frame: c.frame + offset,
    time: Math.round(timeOf(c.frame + offset) * 1e6) / 1e6,
    ...(c.start !== undefined ? { start: c.start + offset, end: c.end! + offset } : {}),
  }));
}

/**
 * Gradual transitions whose spans overlap are one: a fade to black straight into a fade from it
 * reads as two, each half a transition, with no frame of a shot between them. The joined one spans
 * both, its frame half-way between theirs. Cuts in frame order.
 */
function joinOverlapping(cuts: Cut[]): Cut[] {
  const joined: Cut[] = [];
  for (const cut of cuts) {
    const last = joined[joined.length - 1];
    if (last && cut.start! < last.end!) {
      joined[joined.length - 1] = {
        ...last,
        frame: Math.round((last.frame + cut.frame) / 2),
        score: Math.max(last.score, cut.score),
        end: Math.max(last.end!, cut.end!),
      };
    } else joined.push(cut);
  }
  return joined;
}

/**
 * Spikes of the change score that stand out from their neighbourhood and are not flashes. The
 * bar a spike must clear scales with the pictures' own contrast: a cut between two dark, flat
 * shots moves the block means little in absolute terms, but as much relative to what they vary.
 * `pumped`: the spikes that were a GOP keyframe's pump instead (keyframePumps).
 */
function hardCuts(
  series: FrameSeries,
  scores: number[],
  options: SceneOptions,
  pumps: ReadonlyMap<number, number>,
): { hard: Cut[]; pumped: Cut[] } {
  const n = scores.length;
  const pixels = series.luma.map((l, i) => (l + 2 * series.chroma[i]!) / 2);
  const cuts: Cut[] = [];
  const pumped: Cut[] = [];
  // The threshold is the bar on pictures of full contrast; a user's other value (`--threshold`)
  // moves every bar by as much, the contrast-scaled one, its floor and the per-pixel one too (as
  // a cap alone, a higher one changed nothing on the pictures where the contrast sets the bar).
  const scale = options.threshold / DEFAULT_SCENE_OPTIONS.threshold;
  const pixelThreshold = options.pixelThreshold * scale;
  for (let i = 1; i < n; i++) {
    const score = scores[i]!;
    const contrast = Math.max(series.contrast[i - 1]!, series.contrast[i]!);
    const threshold = Math.max(
      options.floorThreshold * scale,
      Math.min(options.threshold, options.contrastRatio * contrast * scale),
    );
    // A margin for cuts between crops of one picture: they change the block means less than a
    // new picture does, but between two still framings the change is one frame's, far above the
    // motion around it. Half the threshold suffices when the spike is isolatedRatio times its
    // neighbours' mean.
    // And where the picture itself changes (its contrast or brightness steps and holds), a cut
    // out of fast motion need only top the motion around it: there the signature's change at
    // a cut is hardly larger than from one fast frame to the next.
    const coarse =
      (score >= threshold && standsOut(scores, i, options)) ||
      (score >= 0.5 * threshold && isolated(scores, i, options)) ||
      (score >= threshold && tops(scores, i, options) && pictureSteps(series, i)) ||
      (score >= threshold && outOfStill(scores, i, options));
    const fine = pixelThreshold > 0 && pixels[i]! >= pixelThreshold && standsOut(pixels, i, options);
    if (!coarse && !fine) continue;
    const cut: Cut = { frame: i, time: 0, score: Math.round(score * 1000) / 1000, kind: 'hard' };
    // A GOP's keyframe re-coding the picture at a low bitrate (keyframePumps) is no cut.
    if (score < (pumps.get(i) ?? 0) && isPump(series, i)) {
      pumped.push(cut);
      continue;
    }
    if (isFlash(series, i, score, options.maxFlashFrames, options.flashRatio, coarse)) continue;
    if (inFlicker(series, i, options.maxFlashFrames)) continue;
    const previous = cuts[cuts.length - 1];
    if (previous && i - previous.frame < options.minShotFrames) {
      // Two cuts closer than a shot can be: keep the stronger.
      if (score > previous.score) cuts[cuts.length - 1] = cut;
      continue;
    }
    cuts.push(cut);
  }
  return { hard: cuts, pumped };
}

/** Value i is STEP_MARGIN times every neighbour's within the window, or more. */
function tops(values: readonly number[], i: number, options: SceneOptions): boolean {
  for (
    let j = Math.max(1, i - options.adaptiveWindow);
    j <= Math.min(values.length - 1, i + options.adaptiveWindow);
    j++
  )
    if (j !== i && values[i]! < STEP_MARGIN * values[j]!) return false;
  return true;
}

/**
 * A cut out of a still picture into fast motion: the frames before are all but unchanged (under
 * STILL of the threshold) and the change tops the fastest of the motion after by STILL_MARGIN. The
 * motion right after a cut can be nearly as large as the cut itself (a fast zoom into a fractal:
 * 49.6 at the cut, 38.2 the frame after, 0 before, found by a new user's trial), which the
 * adaptive test's side ratio (1.4) refuses; a still shot that starts moving changes less at its
 * first moving frame than at the next ones.
 */
function outOfStill(values: readonly number[], i: number, options: SceneOptions): boolean {
  const w = options.adaptiveWindow;
  if (i - w < 1 || i + w >= values.length) return false;
  for (let j = i - w; j < i; j++) if (values[j]! > STILL * options.threshold) return false;
  for (let j = i + 1; j <= i + w; j++) if (values[i]! < STILL_MARGIN * values[j]!) return false;
  return true;
}

function isolated(values: readonly number[], i: number, options: SceneOptions): boolean {
  const mean = neighbourMean(values, i, options.adaptiveWindow);
  return mean !== undefined && values[i]! >= options.isolatedRatio * mean;
}

/**
 * The adaptive test: value i is adaptiveRatio times the mean of its neighbours or more; or, at
 * the seam of a still shot and a very fast one (a whip pan), adaptiveRatio times the larger of
 * the calm side's values and sideRatio times the larger of the fast side's. Maxima, not means,
 * so that a repeated frame inside fast motion (a change of 0, then a double step) does not pass.
 */
function standsOut(values: readonly number[], i: number, options: SceneOptions): boolean {
  const w = options.adaptiveWindow;
  const mean = neighbourMean(values, i, w);
  if (mean === undefined || values[i]! >= options.adaptiveRatio * mean) return true;
  const side = (from: number, to: number) => {
    let max = -Infinity;
    for (let j = Math.max(1, from); j <= Math.min(values.length - 1, to); j++)
      max = Math.max(max, values[j]!);
    return max;
  };
  const before = side(i - w, i - 1);
  const after = side(i + 1, i + w);
  if (!Number.isFinite(before) || !Number.isFinite(after)) return false;
  const [calm, fast] = before < after ? [before, after] : [after, before];
  return values[i]! >= options.adaptiveRatio * calm && values[i]! >= options.sideRatio * fast;
}
