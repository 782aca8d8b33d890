import type { TaskSpec } from '../../engine/types.js';
import type { EncodeSettings } from '../../media/encoders/catalogue.js';
import type { DeviceClass } from '../../engine/capabilities.js';
import type { StitchPayload } from '../transcode/payloads.js';
import type { MixPayload, ScenePayload, TransitionPayload, AudioTrack } from './payloads.js';
import type { Frame } from './scene-graph.js';
import type { Scene } from './spec.js';

export interface RenderLayout {
  scenes: Scene[];
  frame: Frame;
  encoder: string;
  device: DeviceClass;
  settings: EncodeSettings;
  tracks: AudioTrack[];
  output: string;
  overwrite: boolean;
  faststart: boolean;
  format: string;
  scratchPrefix: string;
}

/** Frames of each scene and of each crossfade into the next (0 for a cut). Pure. */
export function sceneFrames(scenes: readonly Scene[], fps: number): { frames: number[]; overlaps: number[] } {
  const frames = scenes.map((s) => Math.max(1, Math.round(s.duration * fps)));
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

/**
 * One task per scene (its frames outside crossfades), one per crossfade (depending on nothing: the
 * neighbours are drawn again for the overlap instead of waited for), one audio mix over the whole
 * timeline, and the stitch that concatenates the pieces in order without re-encoding. Pure.
 */
export function renderTasks(l: RenderLayout): { tasks: TaskSpec[]; totalFrames: number } {
  const { frames, overlaps } = sceneFrames(l.scenes, l.frame.fps);
  const tasks: TaskSpec[] = [];
  const order: string[] = [];
  const pixels = l.frame.width * l.frame.height;
  const encode = (id: string) => ({
    frame: l.frame,
    encoder: l.encoder,
    settings: l.settings,
    key: `${l.scratchPrefix}${id}.mp4`,
  });
  let total = 0;
  for (const [i, scene] of l.scenes.entries()) {
    const head = i > 0 ? overlaps[i - 1]! : 0;
    const tail = overlaps[i]!;
    const id = `scene-${i}`;
    const payload: ScenePayload = {
      ...encode(id),
      index: order.length,
      scene,
      sceneIndex: i,
      start: head,
      end: frames[i]! - tail,
    };
    tasks.push({
      id,
      kind: 'render.scene',
      payload,
      requires: { device: l.device, maxPixels: pixels },
      dependsOn: [],
      weight: payload.end - payload.start,
    });
    order.push(id);
    total += payload.end - payload.start;
    if (tail > 0) {
      const tid = `crossfade-${i}`;
      const next = l.scenes[i + 1]!;
      const t: TransitionPayload = {
        ...encode(tid),
        index: order.length,
        from: { scene, sceneIndex: i, start: frames[i]! - tail, end: frames[i]! },
        to: { scene: next, sceneIndex: i + 1, start: 0, end: tail },
        start: 0,
        end: tail,
      };
      tasks.push({
        id: tid,
        kind: 'render.crossfade',
        payload: t,
        requires: { device: l.device, maxPixels: pixels },
        dependsOn: [],
        weight: tail * 2,
      });
      order.push(tid);
      total += tail;
    }
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
