import type { Requirements, TaskSpec } from '../../engine/types.js';
import type { EncodeSettings } from '../../media/encoders/catalogue.js';
import type { Chapter } from '../../media/chapters.js';
import type { Rational } from '../../media/rational.js';
import type { AudioPayload, SegmentPayload, StitchPayload, WholePayload } from './payloads.js';
import { audioIntermediate } from '../../media/audio-containers.js';
import { seekFrom, type SeekIndex } from '../../media/keyframe-seek.js';
import { firstDecoded } from '../../media/range-input.js';
import { planSegments, type SegmentRange } from './plan-segments.js';
import type { ProcessStep } from './process-chain.js';
import type { MoreAudio, SubtitleTrack, TrackTags } from './plan-tracks.js';
import { moreAudioTask } from './audio-tasks.js';
import { processedSegment } from './process-tasks.js';
import { seamCheckFor, type SeamPlan } from './seam-check.js';
import type { SeamPicturesPayload } from './seam-pictures.js';

/**
 * Everything a transcode's planning decided before its split points: one encoder, the timeline, the
 * audio treatment and what the stitch must verify. Serializable: a scene-cut transcode carries it to
 * the task that splits once the cuts are known.
 */
export interface TranscodeLayout {
  input: string;
  output: string;
  /** Replace an existing output file (never the input). */
  overwrite: boolean;
  /** MP4/MOV index first. */
  faststart: boolean;
  format: 'mp4' | 'mov' | 'matroska';
  encoder: string;
  device: NonNullable<Requirements['device']>;
  settings: EncodeSettings;
  /** Frames of the (CFR) output timeline. */
  frames: number;
  /** The source's own frames, when a variable frame rate is normalised onto `frames`. */
  sourceFrames?: number;
  rate: Rational;
  fps: number;
  width: number;
  height: number;
  /** The source's pixel format (absent in layouts planned before it was kept). */
  pixFmt?: string;
  keyframes: number[];
  /**
   * How the container seeks (`seekIndexOf`): onto sample-table keyframes, onto indexed ones, or
   * with no index. Absent in layouts planned before it: their accurate seek (`keyframes`).
   */
  seekIndex?: SeekIndex;
  videoOffsetSec: number;
  /** The video stream's start (rangeInput; absent in layouts planned before it). */
  videoStartSec?: number;
  /** Cut mid-GOP: a range decoded from the first packet starts at `videoStartSec` by time (rangeInput). */
  cutMidGop?: boolean;
  /** The filter that deinterlaces every frame range (deinterlaceFilter; absent: none). */
  deinterlace?: string;
  /** Scales every frame of a source that changes size to its first size (fitSizeFilter; absent: none). */
  fitSize?: string;
  normaliseVfr: boolean;
  /** Video packets before the source's first keyframe that the probe dropped (absent: none). */
  undecodableLead?: number;
  /** A variable frame rate in a container without a keyframe index: each range's pre-roll (vfrPreRoll). */
  preRollSec?: number;
  segments: number | undefined;
  segmentSeconds: number;
  /** How segment encodes share the CPU (absent in layouts planned before it was chosen). */
  parallelism?: { threads: number | undefined; slotsPerSegment: number; reason: string };
  /** The source audio's treatment; `codec` (ffprobe's name) is absent in layouts planned before it. */
  audio:
    | { mode: 'copy' | 'aac'; codec?: string; bitrateKbps: number; offsetSec: number; channels?: number }
    | undefined;
  /** Audio tracks after the first (absent: none kept). */
  moreAudio?: MoreAudio[];
  /** Every kept audio track's language, name and default flag, where more than one is kept. */
  audioTags?: TrackTags[];
  /** Subtitle tracks the output's container holds (absent: none). */
  subtitles?: SubtitleTrack[];
  sourceAvGapSec: number | undefined;
  /** The source audio's probed length (see OutputExpectation). */
  sourceAudioSec?: number;
  audioFrameSec: number;
  /** The source's chapters, where no audio file carries them to the stitch (absent: none, or it does). */
  chapters?: Chapter[];
  /** The source tracks' names (see StitchJob.titles). */
  titles?: { video?: string; audio?: string };
  /** The source's start timecode, which the output keeps (absent: none). */
  timecode?: string;
  /** Storage prefix for segments and audio (the job's scratch prefix). */
  prefix: string;
  /** Processors each segment runs before its encode (`--process`), and what they need. */
  process?: { step: ProcessStep; requires: Requirements };
}

/** The split points for a layout, moved onto hard scene cuts where there are some. Pure. */
export function rangesFor(layout: TranscodeLayout, sceneCuts: readonly number[] = []): SegmentRange[] {
  return planSegments({
    frameCount: layout.frames,
    fps: layout.fps,
    keyframes: layout.keyframes,
    sceneCuts,
    segments: layout.segments,
    segmentSeconds: layout.segmentSeconds,
  });
}

/**
 * Segment tasks, the audio task (first: the stitch waits for it, and it is one task), the seam
 * pictures task (where the stitch checks its seams) and the stitch;
 * or, for one segment that needs no offset or rate work, one task that writes the output in one
 * ffmpeg run (wholeInOne). The last task is the root. Pure.
 */
export function transcodeTasks(
  layout: TranscodeLayout,
  ranges: readonly SegmentRange[],
  after: string[] = [],
): TaskSpec[] {
  const p = layout;
  const requires: Requirements = {
    device: p.device,
    features: [`enc:${p.encoder}`],
    maxPixels: p.width * p.height,
  };
  const share = p.process ? undefined : p.parallelism;
  const settings = share?.threads === undefined ? p.settings : { ...p.settings, threads: share.threads };
  if (ranges.length === 1 && wholeInOne(p)) return [wholeTask(p, requires, settings, after)];
  const segments: TaskSpec<SegmentPayload>[] = ranges.map((r) => {
    const id = `segment-${String(r.index).padStart(3, '0')}`;
    const task: TaskSpec<SegmentPayload> = {
      id,
      kind: 'transcode.segment',
      requires,
      dependsOn: [...after],
      weight: r.end - r.start,
      ...(share && share.slotsPerSegment !== 1 ? { slots: share.slotsPerSegment } : {}),
      payload: {
        input: p.input,
        index: r.index,
        start: r.start,
        end: r.end,
        rate: p.rate,
        videoOffsetSec: p.videoOffsetSec,
        ...(p.videoStartSec !== undefined ? { videoStartSec: p.videoStartSec } : {}),
        ...(p.cutMidGop ? { cutMidGop: true } : {}),
        normaliseVfr: p.normaliseVfr,
        ...(p.deinterlace ? { deinterlace: p.deinterlace } : {}),
        ...(p.fitSize ? { fitSize: p.fitSize } : {}),
        // A deinterlaced segment decodes its frame before too (rangeInput).
        ...seekFrom(p.keyframes, firstDecoded(r.start, p.deinterlace), p.fps, p.seekIndex ?? 'keyframes'),
        ...(p.preRollSec !== undefined ? { preRollSec: p.preRollSec } : {}),
        encoder: p.encoder,
        settings,
        key: `${p.prefix}${id}.mp4`,
      },
    };
    return p.process ? processedSegment(task, p, r) : task;
  });
  const tasks: TaskSpec[] = [...segments];
  let audioTask: TaskSpec<AudioPayload> | undefined;
  if (p.audio) {
    // A container that holds the audio as the task writes it (a layout without a codec planned MP4).
    const file = audioIntermediate(p.audio.mode === 'copy' ? (p.audio.codec ?? 'aac') : 'aac');
    audioTask = {
      id: 'audio',
      kind: 'transcode.audio',
      requires: { device: 'cpu' },
      dependsOn: [...after],
      weight: Math.max(1, Math.round(p.frames * (p.audio.mode === 'copy' ? 0.005 : 0.03))),
      priority: 1,
      // One light pass (a copy, or AAC at many times real time) beside the video encodes: it takes
      // no encode slot, so it starts first and never waits behind a segment that holds them all.
      slots: 0,
      payload: {
        input: p.input,
        mode: p.audio.mode,
        bitrateKbps: p.audio.bitrateKbps,
        format: file.format,
        ...(p.audio.channels ? { channels: p.audio.channels } : {}),
        key: `${p.prefix}audio.${file.extension}`,
        sourceStartSec: p.audio.offsetSec + p.videoOffsetSec,
      },
    };
    tasks.push(audioTask);
  }
  const more = (p.audio ? (p.moreAudio ?? []) : []).map((a) => moreAudioTask(p, a, after));
  tasks.push(...more);
  const seams = seamCheckFor(p, ranges);
  // Audio is placed from where the timeline starts (timelineStartSec): a VFR source's container start.
  const vfrLead = p.normaliseVfr ? p.videoOffsetSec : 0;
  const pictures =
    seams && !('skipped' in seams) && seams.seams.length > 0 ? seamPicturesTask(p, seams, after) : undefined;
  if (pictures) tasks.push(pictures);
  const stitch: TaskSpec<StitchPayload> = {
    id: 'stitch',
    kind: 'transcode.stitch',
    requires: { device: 'cpu' },
    dependsOn: tasks.map((t) => t.id),
    weight: Math.max(1, Math.round(p.frames * 0.01)),
    payload: {
      output: p.output,
      overwrite: p.overwrite,
      faststart: p.faststart,
      input: p.input,
      encoder: p.encoder,
      format: p.format,
      segmentTasks: segments.map((t) => t.id),
      audioTask: audioTask?.id,
      audioOffsetSec: (p.audio?.offsetSec ?? 0) + vfrLead,
      ...(more.length
        ? {
            moreAudio: more.map((t, i) => {
              const { offsetSec, expected } = p.moreAudio![i]!;
              return { task: t.id, offsetSec: offsetSec + vfrLead, ...(expected ? { expected } : {}) };
            }),
          }
        : {}),
      ...(p.audioTags ? { audioTags: p.audioTags } : {}),
      ...(p.subtitles?.length ? { subtitles: p.subtitles, videoOffsetSec: p.videoOffsetSec } : {}),
      frames: p.frames,
      ...(p.sourceFrames !== undefined ? { sourceFrames: p.sourceFrames } : {}),
      sourceAvGapSec: p.sourceAvGapSec,
      ...(p.sourceAudioSec !== undefined ? { sourceAudioSec: p.sourceAudioSec } : {}),
      audioFrameSec: p.audioFrameSec,
      ...(p.chapters?.length ? { chapters: p.chapters } : {}),
      ...(p.titles ? { titles: p.titles } : {}),
      ...(p.timecode ? { timecode: p.timecode } : {}),
      ...(seams ? { seams } : {}),
      ...(pictures ? { seamPicturesTask: pictures.id } : {}),
    },
  };
  tasks.push(stitch);
  return tasks;
}

/**
 * The source's side of the seam check (seam-pictures.ts): a light decode beside the encodes, as the
 * audio task is, so that the stitch only reads its pictures. Pure.
 */
function seamPicturesTask(
  p: TranscodeLayout,
  check: SeamPlan,
  after: string[],
): TaskSpec<SeamPicturesPayload> {
  return {
    id: 'seam-pictures',
    kind: 'transcode.seam-pictures',
    requires: { device: 'cpu' },
    dependsOn: [...after],
    weight: Math.max(1, Math.round((check.seams.at(-1)?.frame ?? 0) * 0.005)),
    priority: 1,
    // Small pictures from one decode: no encode slot, so it never waits behind the segments.
    slots: 0,
    payload: { input: p.input, check, key: `${p.prefix}seam-pictures.gray` },
  };
}

/**
 * One segment whose whole output one ffmpeg run writes as the three tasks would: no processors, a
 * constant frame rate, video starting at the container's start (the audio then keeps its offset as
 * it is; audio ahead of the video needs the stitch's cut), and source durations that are exact (an
 * MPEG-TS audio length is an estimate the audio task's file replaces). Pure.
 */
export function wholeInOne(p: TranscodeLayout): boolean {
  return !p.process && !p.normaliseVfr && Math.abs(p.videoOffsetSec) < 5e-4 && p.sourceAudioSec === undefined;
}

function wholeTask(
  p: TranscodeLayout,
  requires: Requirements,
  settings: EncodeSettings,
  after: string[],
): TaskSpec<WholePayload> {
  return {
    id: 'encode',
    kind: 'transcode.whole',
    requires,
    dependsOn: [...after],
    weight: p.frames,
    payload: {
      input: p.input,
      output: p.output,
      overwrite: p.overwrite,
      faststart: p.faststart,
      encoder: p.encoder,
      format: p.format,
      rate: p.rate,
      settings,
      ...(p.deinterlace ? { deinterlace: p.deinterlace } : {}),
      ...(p.fitSize ? { fitSize: p.fitSize } : {}),
      ...(p.timecode ? { timecode: p.timecode } : {}),
      ...(p.audio
        ? { audio: { mode: p.audio.mode, bitrateKbps: p.audio.bitrateKbps, channels: p.audio.channels } }
        : {}),
      ...(p.audio && p.moreAudio?.length ? { moreAudio: p.moreAudio } : {}),
      ...(p.subtitles?.length ? { subtitles: p.subtitles } : {}),
      frames: p.frames,
      sourceAvGapSec: p.sourceAvGapSec,
      audioFrameSec: p.audioFrameSec,
    },
  };
}
