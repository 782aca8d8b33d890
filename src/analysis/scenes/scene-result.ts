import { detectCuts, type Cut } from './detect-cuts.js';
import { seriesLength, type FrameSeries } from './frame-series.js';
import { sceneOptions, type SceneOptions } from './scene-options.js';
import { shotStats, type ShotStats } from './shot-stats.js';

export interface SceneSource {
  path: string;
  fps: number;
  frameCount: number;
  width: number;
  height: number;
}

export interface SceneResult {
  kind: 'scenes';
  source: SceneSource;
  frames: number;
  cuts: Cut[];
  shots: ShotStats[];
  options: SceneOptions;
}

/** Runs the detector over a whole video's series and gathers the JSON result. */
export function sceneResult(
  source: SceneSource,
  series: FrameSeries,
  overrides: Partial<SceneOptions> = {},
): SceneResult {
  const options = sceneOptions(overrides);
  const cuts = detectCuts(series, source.fps, options);
  return {
    kind: 'scenes',
    source,
    frames: seriesLength(series),
    cuts,
    shots: shotStats(series, cuts, source.fps),
    options,
  };
}
