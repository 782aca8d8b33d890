import type { Executor, TaskSpec } from '../../engine/types.js';
import { FramefleetError, show } from '../../errors.js';
import { planEdl, type Edl, type ShotCandidate } from './edl.js';
import type {
  ClipAnalysis,
  EditOutput,
  EditPayload,
  MontageLayout,
  MusicOutput,
  MusicRenderPayload,
  RenderPayload,
  StitchPayload,
} from './payloads.js';

/** Every clip's shots as the edit list's candidates. Pure. */
export function candidates(analyses: readonly ClipAnalysis[]): ShotCandidate[] {
  return analyses.flatMap((a, clip) =>
    a.shots.map((s) => ({
      clip,
      shot: s.index,
      fps: a.fps,
      startFrame: s.startFrame,
      endFrame: s.endFrame,
      motion: s.motion,
      brightness: s.brightness,
      sharpness: s.sharpness,
      colour: s.colour,
    })),
  );
}

/**
 * Computes the edit list from the analyses and adds one render task per entry, the music task and
 * the stitch to the job. Refuses (before any render exists) when no shot is usable or the music
 * has no beats to cut on.
 */
export const editMontage: Executor<EditPayload, EditOutput> = async (p, ctx) => {
  const { layout } = p;
  const analyses = layout.clips.map((_, i) => ctx.inputs[`clip-${i}`] as ClipAnalysis);
  const music = ctx.inputs.music as MusicOutput;
  if (music.beats.length === 0) {
    throw new FramefleetError(
      'NO_BEATS',
      `music ${show(layout.music)} has no beats to cut on (no steady rhythm found)`,
    );
  }
  const edl = planEdl(candidates(analyses), music, {
    fps: layout.fps,
    totalFrames: layout.totalFrames,
    seed: layout.seed,
  });
  if (edl.entries.length === 0) {
    const { black, blurry, short } = edl.skipped;
    const where = layout.clips.length === 1 ? show(layout.clips[0]) : `${layout.clips.length} clips`;
    throw new FramefleetError(
      'NO_USABLE_SHOT',
      `no usable shot in ${where}: ${black} black, ${blurry} blurry, ${short} too short`,
      { details: { skipped: edl.skipped } },
    );
  }
  ctx.log.info(
    { jobId: ctx.jobId, entries: edl.entries.length, skipped: edl.skipped },
    `edit list: ${edl.entries.length} entries on ${music.beats.length} beats`,
  );
  const clipFps = analyses.map((a) => a.fps);
  ctx.expand({ tasks: renderTasks(layout, edl, analyses, music.beats, ctx.taskId), root: 'stitch' });
  return { edl, beats: music.beats, tempo: music.tempo, clipFps };
};

/** The renders, the music and the stitch for an edit list: only the task count grows with it. */
export function renderTasks(
  layout: MontageLayout,
  edl: Edl,
  analyses: readonly ClipAnalysis[],
  beats: readonly number[],
  editTask: string,
): TaskSpec[] {
  const tasks: TaskSpec[] = edl.entries.map((e) => {
    const clip = analyses[e.clip]!;
    const frames = e.recordEnd - e.recordStart;
    const at = e.recordStart / layout.fps;
    const beat = e.beat >= 0 ? ` beat ${e.beat + 1} ${beats[e.beat]!.toFixed(2)}s` : '';
    const payload: RenderPayload = {
      index: e.index,
      clip: layout.clips[e.clip]!,
      clipFps: clip.fps,
      clipOffsetSec: clip.offsetSec,
      sourceStart: e.sourceStart,
      frames,
      fps: layout.fps,
      width: layout.width,
      height: layout.height,
      lut: layout.lut,
      stabilize: layout.stabilize,
      encoder: layout.encoder,
      settings: layout.settings,
      key: `${layout.prefix}entry-${e.index}.mp4`,
      thumbKey: `${layout.prefix}thumb-${e.index}.png`,
      label: `${e.index + 1} at ${at.toFixed(2)}s${beat}`,
    };
    return {
      id: `render-${e.index}`,
      kind: 'montage.render',
      payload,
      requires: { device: 'cpu' },
      dependsOn: [editTask],
      weight: frames,
    };
  });
  const musicRender: MusicRenderPayload = {
    music: layout.music,
    durationSec: layout.totalFrames / layout.fps,
    bitrateKbps: layout.audioBitrateKbps,
    key: `${layout.prefix}music.m4a`,
  };
  tasks.push({
    id: 'music-render',
    kind: 'montage.music-render',
    payload: musicRender,
    requires: { device: 'cpu' },
    dependsOn: [editTask],
    weight: Math.max(1, Math.round(layout.totalFrames / 20)),
    priority: 1,
  });
  const stitch: StitchPayload = {
    layout,
    renderTasks: tasks.filter((t) => t.kind === 'montage.render').map((t) => t.id),
    musicTask: 'music-render',
  };
  tasks.push({
    id: 'stitch',
    kind: 'montage.stitch',
    payload: stitch,
    requires: { device: 'cpu' },
    dependsOn: [editTask, ...tasks.map((t) => t.id)],
    weight: Math.max(1, Math.round(layout.totalFrames / 50)),
  });
  return tasks;
}
