import type { TaskSpec } from '../../engine/types.js';
import type { EncodeSettings } from '../../media/encoders/catalogue.js';
import type { DeviceClass } from '../../engine/capabilities.js';
import type { Rational } from '../../media/rational.js';
import { MIN_TASK_SECONDS, taskRuns } from '../task-runs.js';
import type { StitchPayload } from '../transcode/payloads.js';
import { isCrossfade, type AudioTrack, type MixPayload, type Piece, type ScenesPayload } from './payloads.js';
import type { Frame } from './scene-graph.js';
import type { Scene } from './spec.js';

export { MIN_TASK_SECONDS };

export interface RenderLayout {
  scenes: Scene[];
  frame: Frame;
  encoder: string;
  device: DeviceClass;
  settings: EncodeSettings;
  tracks: AudioTrack[];
  output: string;
  /** The files the spec reads: the stitch refuses, as it places the output, to write over one. */
  inputs: string[];
  overwrite: boolean;
  faststart: boolean;
  format: string;
  scratchPrefix: string;
  /** ScenesPayload.pixelAspects: the spec's videos whose pixels are not square. */
  pixelAspects?: { path: string; aspect: Rational }[];
}

/**
 * Frames of each scene and of each crossfade into the next (0 for a cut). Scene ends are rounded
 * to frames on the running total of durations, not scene by scene: 40 scenes of one beat at 110
 * BPM (0.545 s, 16.4 frames at 30 fps) rounded one by one ended 0.5 s before the music's 40th beat.
 * Pure.
 */
export function sceneFrames(scenes: readonly Scene[], fps: number): { frames: number[]; overlaps: number[] } {
  let seconds = 0;
  let at = 0;
  const frames = scenes.map((s) => {
    seconds += s.duration;
    const end = Math.max(at + 1, Math.round(seconds * fps));
    const n = end - at;
    at = end;
    return n;
  });
  const overlaps = scenes.map((s, i) =>
    s.transition?.type === 'crossfade' && i < scenes.length - 1
      ? Math.max(
          1,
          Math.min(
            Math.round(s.transition.duration * fps),
            Math.floor(Math.min(frames[i]!, frames[i + 1]!) / 2),
          ),
        )
      : 0,
  );
  return { frames, overlaps };
}

/** Frames of a piece. */
export function pieceFrames(piece: Piece): number {
  const part = isCrossfade(piece) ? piece.from : piece;
  return part.end - part.start;
}

/**
 * The timeline's pieces in order (each scene's frames outside its crossfades, each crossfade) in
 * runs of at least `minFrames` (but the last): a short quiz is one or two runs, a scene of
 * `minFrames` or more is a run of its own. Pure.
 */
export function pieceRuns(scenes: readonly Scene[], fps: number, minFrames: number): Piece[][] {
  return taskRuns(timelinePieces(scenes, fps), pieceFrames, minFrames);
}

/** Each scene's frames outside its crossfades, then the crossfade into the next, in order. */
function* timelinePieces(scenes: readonly Scene[], fps: number): Generator<Piece> {
  const { frames, overlaps } = sceneFrames(scenes, fps);
  for (const [i, scene] of scenes.entries()) {
    const head = i > 0 ? overlaps[i - 1]! : 0;
    const tail = overlaps[i]!;
    // A scene wholly inside its crossfades has no frames of its own.
    if (frames[i]! - tail > head) yield { scene, sceneIndex: i, start: head, end: frames[i]! - tail };
    if (tail > 0) {
      yield {
        from: { scene, sceneIndex: i, start: frames[i]! - tail, end: frames[i]! },
        to: { scene: scenes[i + 1]!, sceneIndex: i + 1, start: 0, end: tail },
      };
    }
  }
}

/**
 * One task per run of pieces (all independent: a crossfade draws the ends of its neighbours again
 * instead of waiting for them), one audio mix over the whole timeline, and the stitch that
 * concatenates the runs in order without re-encoding. Pure.
 */
export function renderTasks(l: RenderLayout): { tasks: TaskSpec[]; totalFrames: number } {
  const runs = pieceRuns(l.scenes, l.frame.fps, Math.round(MIN_TASK_SECONDS * l.frame.fps));
  const tasks: TaskSpec[] = [];
  const order: string[] = [];
  const pixels = l.frame.width * l.frame.height;
  let total = 0;
  for (const pieces of runs) {
    const first = pieces[0]!;
    const last = pieces.at(-1)!;
    const a = (isCrossfade(first) ? first.from : first).sceneIndex;
    const b = (isCrossfade(last) ? last.to : last).sceneIndex;
    const id = a === b ? `scene-${a}` : `scenes-${a}-${b}`;
    const frames = pieces.reduce((sum, piece) => sum + pieceFrames(piece), 0);
    const payload: ScenesPayload = {
      frame: l.frame,
      encoder: l.encoder,
      settings: l.settings,
      key: `${l.scratchPrefix}${id}.mp4`,
      index: order.length,
      pieces,
      start: 0,
      end: frames,
      ...(l.pixelAspects?.length ? { pixelAspects: l.pixelAspects } : {}),
    };
    tasks.push({
      id,
      kind: 'render.scene',
      payload,
      requires: { device: l.device, maxPixels: pixels },
      dependsOn: [],
      // A crossfade draws two scenes per frame.
      weight: pieces.reduce((sum, piece) => sum + pieceFrames(piece) * (isCrossfade(piece) ? 2 : 1), 0),
    });
    order.push(id);
    total += frames;
  }
  const durationSec = total / l.frame.fps;
  let audioTask: string | undefined;
  if (l.tracks.length > 0) {
    audioTask = 'audio';
    const mix: MixPayload = { tracks: l.tracks, durationSec, key: `${l.scratchPrefix}audio.m4a` };
    tasks.push({
      id: 'audio',
      kind: 'render.audio',
      payload: mix,
      requires: { device: 'cpu' },
      dependsOn: [],
      weight: Math.max(1, Math.round(total * 0.05)),
      priority: 1,
    });
  }
  const stitch: StitchPayload = {
    output: l.output,
    inputs: l.inputs,
    overwrite: l.overwrite,
    faststart: l.faststart,
    encoder: l.encoder,
    format: l.format,
    segmentTasks: order,
    audioTask,
    audioOffsetSec: 0,
    frames: total,
    // The mix is cut to the timeline's length: audio and video end together, within an AAC frame.
    sourceAvGapSec: audioTask ? 0 : undefined,
    audioFrameSec: 1024 / 48_000 + 1 / l.frame.fps,
  };
  tasks.push({
    id: 'stitch',
    kind: 'render.stitch',
    payload: stitch,
    requires: { device: 'cpu' },
    dependsOn: audioTask ? [...order, audioTask] : order,
    weight: Math.max(1, Math.round(total * 0.02)),
  });
  return { tasks, totalFrames: total };
}

/** Timeline second at which each scene's first frame plays (crossfades overlap neighbours). */
export function sceneStarts(scenes: readonly Scene[], fps: number): number[] {
  const { frames, overlaps } = sceneFrames(scenes, fps);
  const starts: number[] = [];
  let at = 0;
  for (let i = 0; i < scenes.length; i++) {
    starts.push(at / fps);
    at += frames[i]! - overlaps[i]!;
  }
  return starts;
}
