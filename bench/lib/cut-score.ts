import type { SceneTruth } from './scene-video.js';

export interface CutScore {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
  f1: number;
  /** Detections within a flash, and inside the continuous shot. */
  flashCuts: number;
  continuousCuts: number;
  /** Whether something was reported inside the dissolve (for us: as gradual). */
  dissolveFound: boolean;
}

/**
 * Scores detected hard cuts against the truth: a cut matches a true cut within `tolerance`
 * frames (one-to-one). Detections inside a dissolve are neither right nor wrong here: the
 * dissolve is scored separately.
 */
export function scoreCuts(
  detected: readonly number[],
  truth: SceneTruth,
  tolerance = 2,
  dissolveHits: readonly number[] = detected,
): CutScore {
  const inDissolve = (f: number) =>
    truth.gradual.some((g) => f >= g.start - tolerance && f <= g.end + tolerance);
  const candidates = detected.filter((f) => !inDissolve(f));
  const used = new Set<number>();
  let tp = 0;
  for (const cut of truth.hardCuts) {
    const match = candidates.findIndex((f, i) => !used.has(i) && Math.abs(f - cut) <= tolerance);
    if (match >= 0) {
      used.add(match);
      tp++;
    }
  }
  const fp = candidates.length - tp;
  const fn = truth.hardCuts.length - tp;
  const precision = candidates.length ? tp / candidates.length : 1;
  const recall = truth.hardCuts.length ? tp / truth.hardCuts.length : 1;
  return {
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    precision,
    recall,
    f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
    flashCuts: detected.filter((f) => truth.flashes.some((s) => f >= s - tolerance && f <= s + 3 + tolerance))
      .length,
    continuousCuts: detected.filter((f) =>
      truth.continuous.some((c) => f > c.start + tolerance && f < c.end - tolerance),
    ).length,
    dissolveFound: dissolveHits.some(inDissolve),
  };
}
