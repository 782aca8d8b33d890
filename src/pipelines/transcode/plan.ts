import { FramefleetError, show } from '../../errors.js';
import type { PlanContext, TaskGraph, TaskSpec } from '../../engine/types.js';
import { selectEncoder } from '../../media/encoders/select.js';
import { probe, type MediaInfo } from '../../media/probe.js';
import { rationalValue, type Rational } from '../../media/rational.js';
import { countCfrFrames } from '../../media/vfr.js';
import { expectationFor } from '../../media/verify.js';
import type { AudioPayload, SegmentPayload, StitchPayload } from './payloads.js';
import { analyzeScenes } from '../analyze/measure-scenes.js';
import { planSegments } from './plan-segments.js';
import { localMedia } from '../../storage/media-io.js';
import { checkOutputTarget } from '../../storage/output-target.js';
import { outputFormat, type TranscodeSpec } from './spec.js';

// Audio codecs an MP4/MOV can carry as they are; anything else is re-encoded to AAC once.
const MP4_AUDIO = ['aac', 'mp3', 'ac3', 'eac3', 'alac'];

/** Probe, choose one encoder for the whole job, split at frame boundaries, build the task graph. */
export async function planTranscode(spec: TranscodeSpec, ctx: PlanContext): Promise<TaskGraph> {
  const format = outputFormat(spec.output);
  if (!format) {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `output ${show(spec.output)} has an unsupported extension; use .mp4, .m4v, .mov or .mkv`,
    );
  }
  await checkOutputTarget(spec.output, [spec.input], { overwrite: spec.overwrite, storage: ctx.storage });
  // A stored input (s3://) is probed and analysed from this worker's cached download.
  const local = await localMedia(spec.input, ctx.storage);
  const source = await named(probe(local, { signal: ctx.signal }), local, spec.input);
  const video = source.video;
  if (!video) throw new FramefleetError('NO_VIDEO_STREAM', `input ${show(spec.input)} has no video stream`);
  if (video.frameCount === 0)
    throw new FramefleetError('EMPTY_VIDEO', `input ${show(spec.input)} has no video frames`);

  const choice = selectEncoder(
    { encoder: spec.encoder, codec: spec.codec, hwaccel: spec.hwaccel },
    ctx.capabilities.encoders,
  );
  ctx.log.info({ jobId: ctx.jobId, encoder: choice.encoder.name }, choice.reason);

  const rate = timelineRate(source);
  let frames = video.frameCount;
  if (video.variableFrameRate) {
    frames = await countCfrFrames(local, rate, ctx.signal);
    ctx.log.warn(
      { jobId: ctx.jobId, sourceFrames: video.frameCount, outputFrames: frames },
      `variable frame rate input: normalising to constant ${rationalValue(rate).toFixed(3)} fps (${video.frameCount} source frames become ${frames})`,
    );
  }
  const fps = rationalValue(rate);
  const sceneCuts = spec.sceneCuts && !video.variableFrameRate ? await hardCuts(local, ctx) : [];
  const ranges = planSegments({
    frameCount: frames,
    fps,
    keyframes: video.variableFrameRate ? [] : video.keyframes,
    sceneCuts,
    segments: spec.segments,
    segmentSeconds: spec.segmentSeconds ?? defaultSegmentSeconds(frames / fps, ctx.capabilities.slots),
  });

  const prefix = `jobs/${ctx.jobId}`;
  const settings = {
    quality: spec.quality,
    preset: spec.preset,
    gopFrames: Math.max(1, Math.round(spec.gopSeconds * fps)),
  };
  const requires = {
    device: choice.encoder.device,
    encoder: choice.encoder.name,
    maxPixels: video.width * video.height,
  };
  const segmentTasks: TaskSpec<SegmentPayload>[] = ranges.map((r) => ({
    id: `segment-${String(r.index).padStart(3, '0')}`,
    kind: 'transcode.segment',
    requires,
    dependsOn: [],
    weight: r.end - r.start,
    payload: {
      input: spec.input,
      index: r.index,
      start: r.start,
      end: r.end,
      rate,
      videoOffsetSec: video.startTimeSec - source.startTimeSec,
      normaliseVfr: video.variableFrameRate,
      encoder: choice.encoder.name,
      settings,
      key: `${prefix}/segment-${String(r.index).padStart(3, '0')}.mp4`,
    },
  }));

  const tasks: TaskSpec[] = [...segmentTasks];
  const keepAudio = spec.audio !== 'none' && source.audio !== undefined;
  if (spec.audio !== 'none' && spec.audio !== 'auto' && !source.audio) {
    throw new FramefleetError(
      'NO_AUDIO_STREAM',
      `input ${show(spec.input)} has no audio stream to ${spec.audio}`,
    );
  }
  let audioTask: TaskSpec<AudioPayload> | undefined;
  if (keepAudio) {
    const copyable = format === 'matroska' || MP4_AUDIO.includes(source.audio!.codec);
    const mode = spec.audio === 'copy' || (spec.audio === 'auto' && copyable) ? 'copy' : 'aac';
    audioTask = {
      id: 'audio',
      kind: 'transcode.audio',
      requires: { device: 'cpu' },
      dependsOn: [],
      weight: Math.max(1, Math.round(frames * (mode === 'copy' ? 0.005 : 0.03))),
      payload: {
        input: spec.input,
        mode,
        bitrateKbps: spec.audioBitrateKbps,
        key: `${prefix}/audio.${format === 'matroska' ? 'mka' : 'm4a'}`,
      },
    };
    tasks.push(audioTask);
  }
  const expectation = expectationFor(source, frames, keepAudio);
  const stitch: TaskSpec<StitchPayload> = {
    id: 'stitch',
    kind: 'transcode.stitch',
    requires: { device: 'cpu' },
    dependsOn: tasks.map((t) => t.id),
    weight: Math.max(1, Math.round(frames * 0.01)),
    payload: {
      output: spec.output,
      overwrite: spec.overwrite,
      faststart: spec.faststart,
      input: spec.input,
      encoder: choice.encoder.name,
      format,
      segmentTasks: segmentTasks.map((t) => t.id),
      audioTask: audioTask?.id,
      audioOffsetSec: keepAudio ? source.audio!.startTimeSec - video.startTimeSec : 0,
      frames,
      sourceAvGapSec: expectation.sourceAvGapSec,
      audioFrameSec: expectation.audioFrameSec,
    },
  };
  tasks.push(stitch);
  return { tasks, rootTaskId: stitch.id };
}

/** Frames where a new shot starts hard: free places for a segment's opening IDR. */
async function hardCuts(input: string, ctx: PlanContext): Promise<number[]> {
  const scenes = await analyzeScenes(input, { signal: ctx.signal });
  const cuts = scenes.cuts.filter((c) => c.kind === 'hard').map((c) => c.frame);
  ctx.log.info({ jobId: ctx.jobId, cuts: cuts.length }, `scene analysis found ${cuts.length} hard cuts`);
  return cuts;
}

/** The CFR grid: the stream's base rate, or for VFR sources its average rate. */
export function timelineRate(source: MediaInfo): Rational {
  const video = source.video!;
  if (video.variableFrameRate && video.avgFrameRate && rationalValue(video.avgFrameRate) <= 240) {
    return video.avgFrameRate;
  }
  return video.frameRate;
}

/** Enough segments to keep every slot busy twice over, but none shorter than two seconds. */
export function defaultSegmentSeconds(durationSec: number, slots: number): number {
  const perSlot = durationSec / Math.max(1, 2 * slots);
  return Math.min(120, Math.max(2, perSlot));
}

/** Errors about a cached download name the input the user gave. */
async function named<T>(work: Promise<T>, local: string, input: string): Promise<T> {
  if (local === input) return work;
  try {
    return await work;
  } catch (error) {
    if (error instanceof FramefleetError) error.message = error.message.replaceAll(show(local), show(input));
    throw error;
  }
}
