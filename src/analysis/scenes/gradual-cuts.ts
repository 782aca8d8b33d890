import type { Cut } from './detect-cuts.js';
import type { FrameSeries } from './frame-series.js';
import type { SceneOptions } from './scene-options.js';

/** Frames either side of a candidate dissolve whose span sets the baseline it must stand above. */
const BASELINE_FRAMES = 15;

/**
 * Dissolves and fades: runs of frames that sit between their neighbours k frames away as a
 * linear blend (small residual, alpha well inside 0..1), where that k-frame span stands well
 * above the span just before and after the run. A steady pan has a steady span and no peak.
 * Returns cuts with frame indices relative to the series.
 */
export function gradualCuts(series: FrameSeries, hard: readonly Cut[], options: SceneOptions): Cut[] {
  const n = series.span.length;
  const k = series.blendSpan;
  const isBlend = (i: number) => {
    const span = series.span[i]!;
    const alpha = series.blendAlpha[i]!;
    return (
      span >= options.gradualMinSpan &&
      alpha >= 0.2 &&
      alpha <= 0.8 &&
      series.blendResidual[i]! <= options.gradualMaxResidual * span
    );
  };
  const runs: { start: number; end: number }[] = [];
  for (let i = 0; i < n; i++) {
    if (!isBlend(i)) continue;
    const last = runs[runs.length - 1];
    if (last && i - last.end <= 2) last.end = i + 1;
    else runs.push({ start: i, end: i + 1 });
  }
  const cuts: Cut[] = [];
  const nearHard = (frame: number) => hard.some((c) => Math.abs(c.frame - frame) < options.minShotFrames);
  for (const run of runs) {
    // A single blend-like frame is chance; a dissolve holds for several frames.
    if (run.end - run.start < 3) continue;
    let mid = run.start;
    let peak = 0;
    for (let i = run.start; i < run.end; i++) {
      if (Math.abs(series.blendAlpha[i]! - 0.5) < Math.abs(series.blendAlpha[mid]! - 0.5)) mid = i;
      peak = Math.max(peak, series.span[i]!);
    }
    if (nearHard(mid)) continue;
    // The span on either side, each side by its median (robust to a cut nearby), then averaged:
    // a pan that speeds up has no peak over the mean of its slow and fast sides.
    const before = median(window(series.span, run.start - 2 * k - BASELINE_FRAMES, run.start - 2 * k));
    const after = median(window(series.span, run.end + 2 * k, run.end + 2 * k + BASELINE_FRAMES));
    const sides = [before, after].filter((x): x is number => x !== undefined);
    if (sides.length === 0) continue;
    const baseline = sides.reduce((a, b) => a + b, 0) / sides.length;
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

function window(values: readonly number[], from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = Math.max(0, from); i < Math.min(values.length, to); i++)
    if (values[i]! >= 0) out.push(values[i]!);
  return out;
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
