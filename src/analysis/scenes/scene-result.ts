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

/**
 * Runs the detector over a whole video's series and gathers the JSON result. Times are frame / fps,
 * or, for a variable-frame-rate video, each frame's own presentation time (`frameTimes`).
 */
export function sceneResult(
  source: SceneSource,
  series: FrameSeries,
  overrides: Partial<SceneOptions> = {},
  frameTimes?: readonly number[],
): SceneResult {
  const options = sceneOptions(overrides);
  const timeOf = frameClock(source.fps, frameTimes);
  const cuts = detectCuts(series, timeOf, options);
  return {
    kind: 'scenes',
    source,
    frames: seriesLength(series),
    cuts,
    shots: shotStats(series, cuts, timeOf),
    options,
  };
}

/** A frame's time in seconds: from its presentation time where known, else frame / fps. Pure. */
export function frameClock(fps: number, frameTimes?: readonly number[]): (frame: number) => number {
  const last = (frameTimes?.length ?? 0) - 1;
  if (!frameTimes || last < 0) return (frame) => frame / fps;
  // Past the last frame (the end of the last shot): steps as long as the last frame's predecessor's.
  const step = last > 0 ? frameTimes[last]! - frameTimes[last - 1]! : 1 / fps;
  return (frame) => (frame <= last ? frameTimes[frame]! : frameTimes[last]! + (frame - last) * step);
}
