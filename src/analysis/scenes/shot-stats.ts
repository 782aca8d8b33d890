import type { Cut } from './detect-cuts.js';
import { seriesLength, type FrameSeries } from './frame-series.js';

export interface ShotStats {
  index: number;
  startFrame: number;
  /** Exclusive. */
  endFrame: number;
  startTime: number;
  duration: number;
  /** Mean luma change per frame inside the shot (camera and subject motion). */
  meanMotion: number;
  /** Mean luma, 0..255. */
  brightness: number;
  /** Mean absolute Laplacian; higher is sharper. */
  sharpness: number;
}

/** Statistics of the shots between cuts, for later shot selection. */
export function shotStats(
  series: FrameSeries,
  cuts: readonly Cut[],
  timeOf: (frame: number) => number,
): ShotStats[] {
  const first = series.start;
  const end = first + seriesLength(series);
  const bounds = [first, ...cuts.map((c) => c.frame).filter((f) => f > first && f < end), end];
  const shots: ShotStats[] = [];
  for (let s = 0; s + 1 < bounds.length; s++) {
    const a = bounds[s]!;
    const b = bounds[s + 1]!;
    let motion = 0;
    let motionFrames = 0;
    let brightness = 0;
    let sharpness = 0;
    for (let f = a; f < b; f++) {
      const i = f - first;
      // The first frame's change belongs to the cut, not to motion inside the shot.
      if (f > a) {
        motion += series.luma[i]!;
        motionFrames++;
      }
      brightness += series.brightness[i]!;
      sharpness += series.sharpness[i]!;
    }
    const frames = b - a;
    shots.push({
      index: s,
      startFrame: a,
      endFrame: b,
      startTime: round(timeOf(a)),
      duration: round(timeOf(b) - timeOf(a)),
      meanMotion: round(motionFrames > 0 ? motion / motionFrames : 0),
      brightness: round(brightness / frames),
      sharpness: round(sharpness / frames),
    });
  }
  return shots;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
