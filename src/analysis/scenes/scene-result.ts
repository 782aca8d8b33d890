import { show } from '../../errors.js';
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
  /**
   * A source cut mid-GOP (a recording started late): the video packets before its first keyframe,
   * which no decoder can show, and that keyframe's time after the file's start (what a player
   * shows). Frame 0 is that keyframe.
   */
  undecodableLead?: { packets: number; keyframeSec: number };
  /** A transport stream cut short (VideoStreamInfo.cutTail): the video packets not analysed. */
  cutTail?: CutTail;
}

/** The end of a transport stream cut inside a packet: what is left out, in one line (cutTailWarning). */
export interface CutTail {
  /** Video packets left out: the partial last one and the frames shown after its decode time. */
  packets: number;
  fileBytes: number;
  packetBytes: number;
  partialBytes: number;
}

export interface SceneResult {
  kind: 'scenes';
  source: SceneSource;
  frames: number;
  cuts: Cut[];
  shots: ShotStats[];
  options: SceneOptions;
  /** What of the input the analysis could not see, one line each. */
  warnings?: string[];
}

/**
 * Runs the detector over a whole video's series and gathers the JSON result. Times are frame / fps,
 * or, for a variable-frame-rate video, each frame's own presentation time (`frameTimes`); the
 * stream's `keyframes`, where known, let the detector tell an encoder's GOP cadence from cuts.
 */
export function sceneResult(
  source: SceneSource,
  series: FrameSeries,
  overrides: Partial<SceneOptions> = {},
  frameTimes?: readonly number[],
  keyframes?: readonly number[],
): SceneResult {
  const options = sceneOptions(overrides);
  const timeOf = frameClock(source.fps, frameTimes);
  const cuts = detectCuts(series, timeOf, options, keyframes);
  return {
    kind: 'scenes',
    source,
    frames: seriesLength(series),
    cuts,
    shots: shotStats(series, cuts, timeOf),
    options,
    ...sourceWarnings(source),
  };
}

/** The result's `warnings` of a source cut at either end; none where it is whole. Pure. */
export function sourceWarnings(source: SceneSource): { warnings?: string[] } {
  const warnings = [
    ...(source.undecodableLead ? [leadWarning(source.path, source.undecodableLead)] : []),
    ...(source.cutTail ? [cutTailWarning(source.path, source.cutTail, 'analysed')] : []),
  ];
  return warnings.length ? { warnings } : {};
}

/**
 * The warning for a transport stream cut inside a packet: its last video frame is partial (it
 * would decode to a damaged picture), so it and the frames shown after it are left out. Pure.
 */
export function cutTailWarning(path: string, tail: CutTail, verb: 'analysed' | 'encoded'): string {
  const packets = `${tail.packets} video packet${tail.packets === 1 ? '' : 's'}`;
  const where = tail.partialBytes
    ? `it ends ${tail.partialBytes} bytes into a ${tail.packetBytes}-byte transport packet (at byte ${tail.fileBytes})`
    : `the file ends at byte ${tail.fileBytes} inside a video frame (its video's last transport packet has more of it to come)`;
  return `input ${show(path)} is cut short: ${where}, so its last ${packets} (the frame cut off and those shown after it) are not ${verb}`;
}

/** The warning for a source cut mid-GOP: what was not analysed, and where frame 0 is. Pure. */
export function leadWarning(path: string, lead: { packets: number; keyframeSec: number }): string {
  const packets = `${lead.packets} video packet${lead.packets === 1 ? '' : 's'}`;
  return `input ${show(path)} starts mid-GOP: its first ${packets} (before its first keyframe) cannot be decoded and are not analysed; frame 0 and time 0 are that keyframe, ${lead.keyframeSec.toFixed(3)} s into the file`;
}

/** A frame's time in seconds: from its presentation time where known, else frame / fps. Pure. */
export function frameClock(fps: number, frameTimes?: readonly number[]): (frame: number) => number {
  const last = (frameTimes?.length ?? 0) - 1;
  if (!frameTimes || last < 0) return (frame) => frame / fps;
  // Past the last frame (the end of the last shot): steps as long as the last frame's predecessor's.
  const step = last > 0 ? frameTimes[last]! - frameTimes[last - 1]! : 1 / fps;
  return (frame) => (frame <= last ? frameTimes[frame]! : frameTimes[last]! + (frame - last) * step);
}
