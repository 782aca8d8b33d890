import { median } from '../median.js';
import type { Cut } from './detect-cuts.js';
import type { FrameSeries } from './frame-series.js';
import type { SceneOptions } from './scene-options.js';

/** Frames either side of a candidate dissolve whose span sets the baseline it must stand above. */
const BASELINE_FRAMES = 15;

/**
 * Dissolves, fades and wipes: runs of frames that sit between their neighbours k frames away
 * either as a linear blend (a dissolve or fade: small blend residual, alpha well inside 0..1) or
 * as a mix in space (a wipe: each block close to one neighbour or the other, a good part of them
 * already showing the next shot), where that k-frame span stands well above the span just
 * before and after the run. A steady pan has a steady span and no peak; a hard cut inside the
 * window makes the frame all one side or the other. Returns cuts relative to the series.
 */
export function gradualCuts(series: FrameSeries, hard: readonly Cut[], options: SceneOptions): Cut[] {
  const long = longWindow(series);
  const short = windowCuts(
    {
      k: series.blendSpan,
      span: series.span,
      blendAlpha: series.blendAlpha,
      blendResidual: series.blendResidual,
      wipeFraction: series.wipeFraction,
      wipeResidual: series.wipeResidual,
    },
    hard,
    options,
    long && ((mid) => stillAWipe(long, mid, options)),
  );
  if (!long) return short;
  const slow = windowCuts(long, hard, options);
  // A transition the short window finds, it places (its run is tighter); the long window adds the
  // ones too slow for it, apart from those (and a shot's length from them).
  const apart = (l: Cut) =>
    short.every(
      (c) =>
        (l.end! <= c.start! || c.end! <= l.start!) && Math.abs(l.frame - c.frame) >= options.minShotFrames,
    );
  return [...short, ...slow.filter(apart)].sort((a, b) => a.frame - b.frame);
}

/** The long window's columns, where the series has them. Pure. */
function longWindow(series: FrameSeries): BlendWindow | undefined {
  if (series.longBlendSpan === undefined || !series.longSpan) return undefined;
  return {
    k: series.longBlendSpan,
    span: series.longSpan,
    blendAlpha: series.longBlendAlpha!,
    blendResidual: series.longBlendResidual!,
    wipeFraction: series.longWipeFraction!,
    wipeResidual: series.longWipeResidual!,
  };
}

/**
 * Largest wipe residual over the long window, as a fraction of its span, for a short window's
 * wipe: the bench reel's and a trial's wipes measure 0.18-0.32, pans across flat colour 0.48-0.53.
 */
const LONG_WIPE_MAX_RESIDUAL = 0.4;

/**
 * Whether the long window still sees a wipe at frame i. A pan across large flat areas (colour bars,
 * graphics) reads as a wipe over the short window: the picture moves by less than a block, so
 * each block still shows one side's colour or the other's. Over the long window it has moved on by
 * blocks and its blocks show neither side; a wipe's boundary only sweeps further, its blocks still
 * either side's. Unknown (near the video's ends, or no change there to judge): yes. Pure.
 */
function stillAWipe(long: BlendWindow, i: number, options: SceneOptions): boolean {
  const span = long.span[i]!;
  if (!(span >= options.gradualMinSpan)) return true;
  return long.wipeResidual[i]! <= LONG_WIPE_MAX_RESIDUAL * span;
}

/** One window's columns: frame i against frames i-k and i+k (FrameSeries.span... or longSpan...). */
interface BlendWindow {
  k: number;
  span: readonly number[];
  blendAlpha: readonly number[];
  blendResidual: readonly number[];
  wipeFraction: readonly number[];
  wipeResidual: readonly number[];
}

/**
 * One window's transitions. `wipeHolds`: whether a run that is a wipe, not a blend, at its middle
 * frame is one (stillAWipe); absent, every such run is.
 */
function windowCuts(
  series: BlendWindow,
  hard: readonly Cut[],
  options: SceneOptions,
  wipeHolds?: (frame: number) => boolean,
): Cut[] {
  const n = series.span.length;
  const k = series.k;
  const inside = (x: number) => x >= 0.2 && x <= 0.8;
  /** Frame i sits between frames i-k and i+k as a linear blend (a dissolve's, a fade's). */
  const blendLike = (i: number) =>
    inside(series.blendAlpha[i]!) && series.blendResidual[i]! <= options.gradualMaxResidual * series.span[i]!;
  /** How far frame i is through a transition (0..1), or -1 when it is not in one. */
  const progress = (i: number) => {
    const span = series.span[i]!;
    if (span < options.gradualMinSpan) return -1;
    if (blendLike(i)) return series.blendAlpha[i]!;
    const fraction = series.wipeFraction[i]!;
    if (inside(fraction) && series.wipeResidual[i]! <= options.gradualMaxResidual * span) return fraction;
    return -1;
  };
  const isBlend = (i: number) => progress(i) >= 0;
  const runs: { start: number; end: number }[] = [];
  for (let i = 0; i < n; i++) {
    if (!isBlend(i)) continue;
    const last = runs[runs.length - 1];
    if (last && i - last.end <= 2) last.end = i + 1;
    else runs.push({ start: i, end: i + 1 });
  }
  const cuts: Cut[] = [];
  const reach = Math.max(options.minShotFrames, k);
  const nearHard = (frame: number) => hard.some((c) => Math.abs(c.frame - frame) < reach);
  for (const whole of runs) {
    const run = core(whole, series.span, isBlend);
    // A single blend-like frame is chance; a dissolve holds for several frames.
    if (run.end - run.start < 3) continue;
    // The run's centre: frame i compares i-k with i+k, so inside a transition longer than 2k
    // every frame reads as half-way, and only the run's ends place it.
    const mid = Math.floor((run.start + run.end - 1) / 2);
    const spans: number[] = [];
    for (let i = run.start; i < run.end; i++) if (isBlend(i)) spans.push(series.span[i]!);
    if (nearHard(mid)) continue;
    if (!blendLike(mid) && wipeHolds && !wipeHolds(mid)) continue;
    // The span on either side, each side by its median (robust to a cut nearby), then averaged:
    // a pan that speeds up has no peak over the mean of its slow and fast sides.
    // Only spans of this shot: those within k of a hard cut compare across it, and beyond it
    // lies another shot, whose motion says nothing about this one's.
    const lo = Math.max(0, ...hard.filter((c) => c.frame <= run.start).map((c) => c.frame + k));
    const hi = Math.min(n, ...hard.filter((c) => c.frame >= run.end).map((c) => c.frame - k));
    const from = (a: number, b: number) => {
      const side = window(series.span, Math.max(lo, a), Math.min(hi, b));
      return side.length > 0 ? median(side) : undefined;
    };
    const before = from(run.start - 2 * k - BASELINE_FRAMES, run.start - 2 * k);
    const after = from(run.end + 2 * k, run.end + 2 * k + BASELINE_FRAMES);
    const sides = [before, after].filter((x): x is number => x !== undefined);
    if (sides.length === 0) continue;
    const baseline = sides.reduce((a, b) => a + b, 0) / sides.length;
    // The run's typical span, not its largest: one odd frame (a flash, a strobe) is no transition.
    const peak = median(spans);
    if (peak < options.gradualPeakRatio * baseline) continue;
    const previous = cuts[cuts.length - 1];
    if (previous && mid - previous.frame < options.minShotFrames) continue;
    cuts.push({
      frame: mid,
      time: 0,
      score: Math.round(peak * 1000) / 1000,
      kind: 'gradual',
      start: Math.max(0, run.start - k),
      end: Math.min(n, run.end + k),
    });
  }
  return cuts;
}

/**
 * The part of a run around its highest span where the span stays above half of it. A zoom or a
 * slow dissolve-like drift reads as a blend too, and joins a transition that follows it into one
 * long run whose middle is in the drift; the transition itself is where the span peaks.
 */
function core(
  run: { start: number; end: number },
  span: readonly number[],
  isBlend: (i: number) => boolean,
): { start: number; end: number } {
  let top = run.start;
  for (let i = run.start; i < run.end; i++) if (isBlend(i) && span[i]! > span[top]!) top = i;
  const half = span[top]! / 2;
  let start = top;
  while (start > run.start && span[start - 1]! >= half) start--;
  let end = top + 1;
  while (end < run.end && span[end]! >= half) end++;
  // Trimmed to blend frames at both ends, as the run was.
  while (start < top && !isBlend(start)) start++;
  while (end > top + 1 && !isBlend(end - 1)) end--;
  return { start, end };
}

function window(values: readonly number[], from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = Math.max(0, from); i < Math.min(values.length, to); i++)
    if (values[i]! >= 0) out.push(values[i]!);
  return out;
}
