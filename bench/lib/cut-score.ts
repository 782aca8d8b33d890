import type { SceneTruth } from './scene-video.js';

export interface CutScore {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
  f1: number;
  /** Detections within a flash, within a strobe run, and inside a continuous shot. */
  flashCuts: number;
  strobeCuts: number;
  continuousCuts: number;
  /** Gradual transitions with a detection inside, and with one reported as gradual. */
  gradualFound: number;
  gradualAsGradual: number;
}

/**
 * Scores detections against the truth. Every transition is a target: a hard cut is matched by a
 * detection within `tolerance` frames, a gradual transition by one inside its span (give or take
 * `tolerance`), one to one. Further detections inside a gradual span are neither right nor wrong
 * (where in a dissolve a cut lies is a matter of taste); every other unmatched detection is false.
 * `gradual` lists the detections reported as gradual (none for a peer that reports only cuts).
 */
export function scoreCuts(
  detected: readonly number[],
  truth: SceneTruth,
  tolerance = 2,
  gradual: readonly number[] = [],
): CutScore {
  const all = [...detected, ...gradual].sort((a, b) => a - b);
  const near = (f: number, r: { start: number; end: number }) =>
    f >= r.start - tolerance && f <= r.end + tolerance;
  const used = new Set<number>();
  let tp = 0;
  for (const g of truth.gradual) {
    const match = all.findIndex((f, i) => !used.has(i) && near(f, g));
    if (match >= 0) {
      used.add(match);
      tp++;
    }
  }
  const inGradual = (f: number) => truth.gradual.some((g) => near(f, g));
  for (const cut of truth.hardCuts) {
    const match = all.findIndex((f, i) => !used.has(i) && !inGradual(f) && Math.abs(f - cut) <= tolerance);
    if (match >= 0) {
      used.add(match);
      tp++;
    }
  }
  const fp = all.filter((f, i) => !used.has(i) && !inGradual(f)).length;
  const targets = truth.hardCuts.length + truth.gradual.length;
  const fn = targets - tp;
  const precision = tp + fp ? tp / (tp + fp) : 1;
  const recall = targets ? tp / targets : 1;
  const inside = (ranges: readonly { start: number; end: number }[]) =>
    all.filter((f) => ranges.some((r) => f > r.start + tolerance && f < r.end - tolerance)).length;
  return {
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    precision,
    recall,
    f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
    flashCuts: all.filter((f) => truth.flashes.some((s) => f >= s - tolerance && f <= s + 3 + tolerance))
      .length,
    strobeCuts: all.filter((f) => truth.strobes.some((s) => near(f, s))).length,
    continuousCuts: inside(truth.continuous),
    gradualFound: truth.gradual.filter((g) => all.some((f) => near(f, g))).length,
    gradualAsGradual: truth.gradual.filter((g) => gradual.some((f) => near(f, g))).length,
  };
}
