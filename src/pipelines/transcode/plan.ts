import { FramefleetError, show } from '../../errors.js';
import type { PlanContext, TaskGraph } from '../../engine/types.js';
import { containerName } from '../../media/audio-containers.js';
import { probeChapters } from '../../media/chapters.js';
import { selectEncoder } from '../../media/encoders/select.js';
import { uprightSize } from '../../media/cover.js';
import { probe, type MediaInfo, type VideoStreamInfo } from '../../media/probe.js';
import { seekIndexOf, vfrPreRoll } from '../../media/keyframe-seek.js';
import { rationalValue, type Rational } from '../../media/rational.js';
import { countCfrFrames, fastestSteadyRate, MAX_TIMELINE_FPS, meanRate } from '../../media/vfr.js';
import { expectationFor } from '../../media/verify.js';
import { isStorageUrl } from '../../storage/media-io.js';
import { checkOutputTarget } from '../../storage/output-target.js';
import { checkOutputDir, withInput } from '../job-files.js';
import { planLadder } from './ladder-plan.js';
import { audioMode, moreAudio, noAudioWarning } from './plan-audio.js';
import { audioTags, planSubtitles } from './plan-tracks.js';
import { askedReason, planParallelism } from './plan-parallelism.js';
import { maxSegments, MIN_SEGMENT_SECONDS, segmentCount } from './plan-segments.js';
import { rangesFor, transcodeTasks, type TranscodeLayout } from './layout.js';
import type { ScenesPayload, SplitPayload } from './payloads.js';
import type { Processors } from './process-chain.js';
import { planDeinterlace } from './plan-deinterlace.js';
import { planPixelFormat } from './plan-pixel-format.js';
import { warnUnkept, wholeOnly } from './plan-warnings.js';
import { planFitSize } from './plan-fit-size.js';
import { refuseOddSource, withProcessors } from './process-plan.js';
import { outputFormat, type TranscodeSpec } from './spec.js';

/**
 * Probe, choose one encoder for the whole job, split at frame boundaries, build the task graph. With
 * scene cuts, the split waits for a scene analysis task: the graph is [scenes, split] and the split
 * task adds the segments, the audio and the stitch to the job when it runs.
 */
export async function planTranscode(
  spec: TranscodeSpec,
  ctx: PlanContext,
  processors: Processors = {},
): Promise<TaskGraph> {
  if (spec.ladder) return planLadder(spec, ctx);
  const layout = await transcodeLayout(spec, ctx, processors);
  if (spec.sceneCuts && !layout.normaliseVfr) {
    const scenes: ScenesPayload = { input: spec.input };
    const split: SplitPayload = { layout };
    return {
      rootTaskId: 'split',
      tasks: [
        {
          id: 'scenes',
          kind: 'transcode.scenes',
          payload: scenes,
          requires: { device: 'cpu' },
          dependsOn: [],
          weight: Math.max(1, Math.round(layout.frames * 0.05)),
        },
        {
          id: 'split',
          kind: 'transcode.split',
          payload: split,
          requires: { device: 'cpu' },
          dependsOn: ['scenes'],
          weight: 1,
        },
      ],
    };
  }
  const tasks = transcodeTasks(layout, rangesFor(layout));
  return { tasks, rootTaskId: tasks.at(-1)!.id };
}

/** Everything the job decides before its split points. */
async function transcodeLayout(
  spec: TranscodeSpec,
  ctx: PlanContext,
  processors: Processors,
): Promise<TranscodeLayout> {
  const format = outputFormat(spec.output);
  if (!format) {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `output ${show(spec.output)} has an unsupported extension; use .mp4, .m4v, .mov or .mkv`,
    );
  }
  // Nothing the user owns is overwritten unasked, and a server's output folder is inside its roots.
  await checkOutputTarget(spec.output, [spec.input], { overwrite: spec.overwrite, storage: ctx.storage });
  if (!isStorageUrl(spec.output)) await checkOutputDir(spec.output, ctx);
  // Opened once (inside the roots that hold now, for a server's job; a stored input from this
  // worker's cached download) and probed and measured through that one open file.
  const layout = await withInput(spec.input, ctx, (local) => layoutOpened(spec, local, format, ctx));
  if (spec.process) return withProcessors(layout, spec.process, processors);
  refuseOddSource(spec.input, layout);
  return layout;
}

async function layoutOpened(
  spec: TranscodeSpec,
  local: string,
  format: NonNullable<ReturnType<typeof outputFormat>>,
  ctx: PlanContext,
): Promise<TranscodeLayout> {
  const source = await probe(local, { signal: ctx.signal });
  const video = source.video;
  if (!video) throw new FramefleetError('NO_VIDEO_STREAM', `input ${show(spec.input)} has no video stream`);
  if (video.frameCount === 0)
    throw new FramefleetError('EMPTY_VIDEO', `input ${show(spec.input)} has no video frames`);
  const keepAudio = spec.audio !== 'none' && source.audio !== undefined;
  const noAudio = noAudioWarning(spec, source.audio !== undefined);
  if (noAudio) ctx.log.warn({ jobId: ctx.jobId }, noAudio);
  // Before any decode or encode: a copy the output cannot hold is refused here.
  const audioCodec = keepAudio ? source.audio!.codec : undefined;
  const mode =
    audioCodec === undefined
      ? undefined
      : audioMode(spec, audioCodec, format, { ...source.audio!, position: 1 });
  const more = mode ? moreAudio(spec, source.audioTracks, format, video.startTimeSec) : [];
  const subtitles = planSubtitles(format, source.subtitles);
  warnUnkept(source, ctx, {
    ...{ audio: mode ? 1 + more.length : 0, audioNone: spec.audio === 'none' },
    ...{ droppedSubtitles: subtitles.dropped, container: containerName(format) },
  });

  const choice = selectEncoder(
    { encoder: spec.encoder, codec: spec.codec, hwaccel: spec.hwaccel },
    ctx.capabilities.encoders,
  );
  ctx.log.info({ jobId: ctx.jobId, encoder: choice.encoder.name }, choice.reason);

  const pixFmt = planPixelFormat(spec.input, spec.pixelFormat ?? 'auto', choice.encoder, video, ctx);
  const deinterlace = planDeinterlace(spec.input, spec.deinterlace ?? 'auto', video, ctx);
  const rate = timelineRate(source);
  const fit = planFitSize(source, ctx);
  let frames = video.frameCount;
  if (video.variableFrameRate) {
    frames = await countCfrFrames(local, rate, ctx.signal, video.frameTimes, fit.fitSize);
    ctx.log.warn(
      { jobId: ctx.jobId, sourceFrames: video.frameCount, outputFrames: frames },
      `variable frame rate input: normalising to constant ${rationalValue(rate).toFixed(3)} fps (${video.frameCount} source frames become ${frames})`,
    );
  }
  const fps = rationalValue(rate);
  const parallelism = planParallelism({
    durationSec: frames / fps,
    height: video.height,
    family: choice.encoder.family,
    device: choice.encoder.device,
    machineCores: ctx.capabilities.machineCores,
    slots: ctx.capabilities.slots,
    fixedSlots: ctx.capabilities.fixedSlots,
    processed: (spec.process?.length ?? 0) > 0,
    measuredPairs: ctx.capabilities.measuredPairs,
    askedSegments:
      spec.segments ??
      (spec.segmentSeconds === undefined ? undefined : Math.ceil(frames / fps / spec.segmentSeconds)),
  });
  const asked = wholeOnly(source)
    ? undefined
    : spec.segments !== undefined
      ? `--segments ${spec.segments}`
      : spec.segmentSeconds !== undefined
        ? `--segment-seconds ${spec.segmentSeconds}`
        : undefined;
  const segmentSeconds = spec.segmentSeconds ?? parallelism.segmentSeconds;
  const whole = wholeOnly(source) ? 1 : spec.segments;
  const segments = segmentCount({ frameCount: frames, fps, segments: whole, segmentSeconds });
  const reason = asked ? askedReason(asked, parallelism, segments) : parallelism.reason(segments);
  const most = maxSegments(frames, fps);
  // Cut down: one line saying so, not an "as asked" line before it.
  if (spec.segments === undefined || spec.segments <= most)
    ctx.log.info({ jobId: ctx.jobId, threads: parallelism.threads }, reason);
  else {
    ctx.log.warn(
      { jobId: ctx.jobId, asked: spec.segments, segments: most },
      `--segments ${spec.segments}: ${frames} frames allow at most ${most} segment${most === 1 ? '' : 's'} of at least ${MIN_SEGMENT_SECONDS} s; using ${most}`,
    );
  }
  const expectation = expectationFor(source, frames, keepAudio, fps);
  // The audio pass keeps the source's chapters for the stitch; without one, the plan carries them.
  const chapters = mode ? [] : await probeChapters(local, ctx.signal);
  return {
    input: spec.input,
    output: spec.output,
    overwrite: spec.overwrite,
    faststart: spec.faststart,
    format,
    encoder: choice.encoder.name,
    device: choice.encoder.device,
    settings: {
      quality: spec.quality,
      preset: spec.preset,
      gopFrames: Math.max(1, Math.round(spec.gopSeconds * fps)),
      ...(pixFmt ? { pixFmt } : {}),
    },
    frames,
    ...(video.variableFrameRate ? { sourceFrames: video.frameCount } : {}),
    rate,
    fps,
    ...uprightSize(video),
    pixFmt: video.pixFmt,
    keyframes: video.variableFrameRate ? [] : video.keyframes,
    seekIndex: seekIndexOf(source.formatName),
    videoOffsetSec: video.startTimeSec - source.startTimeSec,
    videoStartSec: video.startTimeSec,
    ...cutMidGop(video, source.formatName),
    ...(deinterlace ? { deinterlace } : {}),
    ...fit,
    ...(source.timecode ? { timecode: source.timecode } : {}),
    normaliseVfr: video.variableFrameRate,
    ...(video.undecodableLead ? { undecodableLead: video.undecodableLead } : {}),
    ...preRollOf(video, source.formatName),
    segments: whole,
    segmentSeconds,
    parallelism: {
      threads: parallelism.threads,
      slotsPerSegment: parallelism.slotsPerSegment,
      reason,
    },
    audio: mode
      ? {
          mode,
          codec: audioCodec!,
          bitrateKbps: spec.audioBitrateKbps,
          offsetSec: source.audio!.startTimeSec - video.startTimeSec,
          // No layout named: the AAC encode takes the default one of the source's channels.
          ...(!source.audio!.channelLayout && mode === 'aac' ? { channels: source.audio!.channels } : {}),
        }
      : undefined,
    ...(more.length
      ? {
          moreAudio: more.map((m, i) => ({ ...m, expected: expectation.moreAudio![i]! })),
          audioTags: source.audioTracks.map(audioTags),
        }
      : {}),
    ...(subtitles.kept.length ? { subtitles: subtitles.kept } : {}),
    sourceAvGapSec: expectation.sourceAvGapSec,
    ...(expectation.sourceAudioSec !== undefined ? { sourceAudioSec: expectation.sourceAudioSec } : {}),
    audioFrameSec: expectation.audioFrameSec,
    ...(chapters.length ? { chapters } : {}),
    ...trackTitles(video.title, mode ? source.audio!.title : undefined),
    prefix: ctx.scratchPrefix,
  };
}

/**
 * The CFR grid: the stream's base rate. For a VFR source that is still the base rate (ffprobe's
 * r_frame_rate, the lowest rate that holds every timestamp) where it is a plausible video rate: the
 * average would drop frames wherever the rate runs above it (a 30 fps stretch before a 15 fps one;
 * a screen recording that is mostly still), the base rate only repeats frames in slow stretches.
 * A base rate that is a time base in disguise (90000/1), or only the average again (Matroska's
 * default duration, written from the average when a VFR file is remuxed), gives way to the rate of
 * the fastest steady stretch of the frame times, where that is faster; else to the average. Pure.
 */
export function timelineRate(source: MediaInfo): Rational {
  const video = source.video!;
  if (!video.variableFrameRate) return video.frameRate;
  const base = rationalValue(video.frameRate);
  // Matroska may give no average, and its time base as base rate (30 fps became 1000): frame times do.
  const averageRate = video.avgFrameRate ?? (video.frameTimes && meanRate(video.frameTimes));
  const average = averageRate ? rationalValue(averageRate) : undefined;
  const fast = video.frameTimes && fastestSteadyRate(video.frameTimes);
  const notBase = base > MAX_TIMELINE_FPS || (average !== undefined && base <= average * 1.01);
  if (
    fast &&
    notBase &&
    rationalValue(fast) > (average ?? 0) * 1.01 &&
    rationalValue(fast) <= MAX_TIMELINE_FPS
  ) {
    return fast;
  }
  if (base > 0 && base <= MAX_TIMELINE_FPS && (average === undefined || base >= average * 0.99)) {
    return video.frameRate;
  }
  return averageRate && average! > 0 && average! <= MAX_TIMELINE_FPS ? averageRate : video.frameRate;
}

/** Enough segments to keep every slot busy twice over, but none shorter than two seconds. */
export function defaultSegmentSeconds(durationSec: number, slots: number): number {
  const perSlot = durationSec / Math.max(1, 2 * slots);
  return Math.min(120, Math.max(2, perSlot));
}

/** A VFR source in a container without a keyframe index decodes each range from before its longest GOP. Pure. */
export function preRollOf(video: VideoStreamInfo, formatName: string): { preRollSec?: number } {
  if (!video.variableFrameRate || !video.frameTimes || seekIndexOf(formatName) !== 'none') return {};
  return { preRollSec: vfrPreRoll(video.keyframes, video.frameTimes) };
}

/**
 * A source cut mid-GOP whose ranges from the first packet start at its first keyframe by time: not an
 * AVI, whose packets carry only decode times (its H.264 decoder drops the lead itself). Pure.
 */
export function cutMidGop(video: VideoStreamInfo, formatName: string): { cutMidGop?: true } {
  return video.undecodableLead && seekIndexOf(formatName) !== 'start' ? { cutMidGop: true } : {};
}

/** The track names a layout carries to the stitch, where there are any. Pure. */
function trackTitles(video: string | undefined, audio: string | undefined): Pick<TranscodeLayout, 'titles'> {
  return video || audio ? { titles: { ...(video ? { video } : {}), ...(audio ? { audio } : {}) } } : {};
}
