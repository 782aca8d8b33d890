import type { Executor, TaskSpec } from '../../engine/types.js';
import { noRhythmReason, SILENCE_DBFS } from '../../analysis/beats/rhythm-confidence.js';
import { FramefleetError, show } from '../../errors.js';
import { pixelAspect } from '../../media/cover.js';
import { MIN_TASK_SECONDS, taskRuns } from '../task-runs.js';
import type { EntrySeek } from './entry-input.js';
import { planEdl, type Edl, type EdlEntry, type ShotCandidate } from './edl.js';
import { fitToMusic } from './music-fit.js';
import type {
  ClipAnalysis,
  EditOutput,
  EditPayload,
  MontageLayout,
  MusicOutput,
  MusicRenderPayload,
  RenderPayload,
  RunEntry,
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
 * Computes the edit list from the analyses and adds one render task per run of entries, the music
 * task and the stitch to the job, on a timeline as long as the music's decoded audio. Refuses (before
 * any render exists) when no shot is usable, the music has no beats to cut on or holds less than
 * `--duration`.
 */
export const editMontage: Executor<EditPayload, EditOutput> = async (p, ctx) => {
  const music = ctx.inputs.music as MusicOutput;
  // From here on (the renders, the music task, the stitch) the timeline is the decoded music's.
  const layout = fitToMusic(p.layout, music.durationSec);
  const analyses = layout.clips.map((_, i) => ctx.inputs[`clip-${i}`] as ClipAnalysis);
  if (music.beats.length === 0) {
    // As `analyze beats` says it: a silent track is silent, not arrhythmic.
    const silent = music.energy.every((level) => level < SILENCE_DBFS);
    throw new FramefleetError(
      'NO_BEATS',
      `music ${show(layout.music)} has no beats to cut on (${silent ? `it is silent: below ${SILENCE_DBFS} dBFS throughout` : (music.noBeats ?? noRhythmReason(music.durationSec, 'unknown'))})`,
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
  // The music's beats under the montage, not the whole track's.
  const inMontage = music.beats.filter((t) => t < layout.totalFrames / layout.fps).length;
  ctx.log.info(
    { jobId: ctx.jobId, entries: edl.entries.length, skipped: edl.skipped },
    `edit list: ${edl.entries.length} entries on the ${inMontage} beats of its ${(layout.totalFrames / layout.fps).toFixed(1)} s`,
  );
  const clipFps = analyses.map((a) => a.fps);
  ctx.expand({ tasks: renderTasks(layout, edl, analyses, music.beats, ctx.taskId), root: 'stitch' });
  return { edl, beats: music.beats, tempo: music.tempo, clipFps };
};

/** At most this many entries share a render task (and its ffmpeg, one input per entry). */
export const MAX_RUN_ENTRIES = 16;

/**
 * The edit list's entries in order, in runs of at least MIN_TASK_SECONDS of frames (but the last)
 * and at most MAX_RUN_ENTRIES entries: each run is one render task. Pure.
 */
export function entryRuns(edl: Edl, fps: number): EdlEntry[][] {
  const frames = (e: EdlEntry) => e.recordEnd - e.recordStart;
  return taskRuns(edl.entries, frames, Math.round(MIN_TASK_SECONDS * fps), MAX_RUN_ENTRIES);
}

/** The render task of a run: `render-3` for entry 3 alone, `render-3-7` for entries 3 to 7. */
export function runTaskId(run: readonly EdlEntry[]): string {
  const a = run[0]!.index;
  const b = run.at(-1)!.index;
  return a === b ? `render-${a}` : `render-${a}-${b}`;
}

/** Where an entry from frame `start` of a clip without a keyframe index decodes from. Pure. */
function entrySeek(clip: ClipAnalysis, start: number): EntrySeek | undefined {
  if (!clip.seekBefore || start <= 0) return undefined;
  const key = clip.seekBefore.keyframes.filter((k) => k <= start).at(-1) ?? 0;
  return { keySec: key / clip.fps, videoStartSec: clip.seekBefore.videoStartSec };
}

/**
 * The renders, the music and the stitch for an edit list: only the task count (one render per run
 * of entries) grows with it.
 */
export function renderTasks(
  layout: MontageLayout,
  edl: Edl,
  analyses: readonly ClipAnalysis[],
  beats: readonly number[],
  editTask: string,
): TaskSpec[] {
  const tasks: TaskSpec[] = entryRuns(edl, layout.fps).map((run) => {
    const entries: RunEntry[] = run.map((e) => {
      const clip = analyses[e.clip]!;
      const at = e.recordStart / layout.fps;
      const beat = e.beat >= 0 ? ` beat ${e.beat + 1} ${beats[e.beat]!.toFixed(2)}s` : '';
      return {
        index: e.index,
        clip: layout.clips[e.clip]!,
        clipFps: clip.fps,
        clipOffsetSec: clip.offsetSec,
        pixelAspect: clip.sampleAspect && pixelAspect(clip.sampleAspect, clip.rotation ?? 0),
        sourceStart: e.sourceStart,
        frames: e.recordEnd - e.recordStart,
        seekBefore: entrySeek(clip, e.sourceStart),
        thumbKey: `${layout.prefix}thumb-${e.index}.png`,
        label: `${e.index + 1} at ${at.toFixed(2)}s${beat}`,
      };
    });
    const id = runTaskId(run);
    const frames = entries.reduce((n, e) => n + e.frames, 0);
    const payload: RenderPayload = {
      entries,
      frames,
      fps: layout.fps,
      width: layout.width,
      height: layout.height,
      lut: layout.lut,
      stabilize: layout.stabilize,
      encoder: layout.encoder,
      settings: layout.settings,
      key: `${layout.prefix}${id}.mp4`,
    };
    return {
      id,
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
