/** framefleet's one quality scale: 1 (smallest) .. 100 (best). 70 is x264's CRF 23. */
export const DEFAULT_QUALITY = 70;
export const PRESETS = ['fast', 'balanced', 'quality'] as const;
export type Preset = (typeof PRESETS)[number];

/** Maps quality onto an encoder's "lower is better" scale [best, worst], anchored so q70 = `at70`. */
export function qualityToScale(quality: number, at70: number, best: number, worst: number): number {
  // 0.4 steps per point matches x264's CRF slope (q100 -> CRF 11, q1 -> CRF 50.6).
  const value = at70 + (70 - quality) * 0.4 * ((worst - best) / 51);
  return Math.round(Math.min(worst, Math.max(best, value)));
}
