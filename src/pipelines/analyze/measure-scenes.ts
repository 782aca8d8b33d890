import { availableParallelism } from 'node:os';
import { FramefleetError, show } from '../../errors.js';
import {
  FrameMeasurer,
  longBlendSpanAt,
  measureReach,
  mergePartials,
  sceneResult,
  MIN_SHARD_FRAMES,
  planKeyframeShards,
  shardAt,
  type CutTail,
  type ShardRange,
  type MeasureOptions,
  type ScenePartial,
  type SceneOptions,
  type SceneResult,
} from '../../analysis/scenes/index.js';
import {
  analysisSize,
  decodeFrames,
  type DecodeHwaccel,
  type FrameDecodeOptions,
} from '../../media/decode-frames.js';
import { mp4DecodeVideo, type DecodeVideo } from '../../media/mp4-header.js';
import { seekIndexOf } from '../../media/keyframe-seek.js';
import { uprightSize } from '../../media/cover.js';
import { probe, statInput, type MediaInfo } from '../../media/probe.js';
import { rationalValue } from '../../media/rational.js';
import { reportedRate } from '../../media/vfr.js';

export interface MeasureScenesOptions extends MeasureOptions {
  shardIndex?: number;
  shardCount?: number;
  hwaccel?: DecodeHwaccel;
  /** Analysis width; frames are downscaled to about this many pixels across. */
  width?: number;
  signal?: AbortSignal;
  /** Decoder threads per ffmpeg (default: twice the cores). */
  threads?: number;
  /** The decoder's speed-ups (see FrameDecodeOptions.fastDecode); default on. */
  fastDecode?: boolean;
  /** Fraction of this shard's frames measured so far, about twice a second. */
  onProgress?: (fraction: number) => void;
}

/**
 * What the decode needs of a video: a source cut mid-GOP also has its first keyframe's time, where
 * its frames count from, as the probe and transcode count them; one cut short, what is left out.
 */
type ScenesVideo = DecodeVideo & {
  firstKeyframeSec?: number;
  /** A container without a keyframe index: where the video starts (see FrameDecodeOptions.seekBefore). */
  clock?: { videoStartSec: number; videoOffsetSec: number };
  /** A source cut mid-GOP: what cannot be decoded (SceneSource.undecodableLead). */
  lead?: { packets: number; keyframeSec: number };
  cutTail?: CutTail;
};

/**
 * The probed video, with the first keyframe's time where the stream is cut mid-GOP (not in an AVI,
 * whose packets carry only decode times and whose decoder drops the lead itself). Pure.
 */
export function scenesVideo(info: MediaInfo): ScenesVideo | undefined {
  const { video } = info;
  if (!video) return undefined;
  const index = seekIndexOf(info.formatName);
  // A shard of an MPEG-TS starts decoding before the keyframe it needs, and trims by time.
  const offset = video.startTimeSec - info.startTimeSec;
  const clock = index === 'none' ? { videoStartSec: video.startTimeSec, videoOffsetSec: offset } : undefined;
  const lead = video.undecodableLead ? { lead: { packets: video.undecodableLead, keyframeSec: offset } } : {};
  if (!video.undecodableLead || index === 'start') return { ...video, ...lead, ...(clock ? { clock } : {}) };
  return { ...video, ...lead, firstKeyframeSec: video.startTimeSec };
}

/** Decodes one shard of a video (or all of it) and measures its frames. */
export async function measureScenes(path: string, options: MeasureScenesOptions = {}): Promise<ScenePartial> {
  // Shards need the exact frame count so that every pod computes the same ranges, and one pass
  // needs the frames' own times when the rate varies: both come from the packets (the sample
  // table of an MP4/MOV in-process, else ffprobe's packet scan).
  const video = scenesVideo(await probe(path, { signal: options.signal }));
  if (!video)
    throw new FramefleetError('NO_VIDEO_STREAM', `input ${show(path)} has no video stream to analyse`);
  return measureProbed(path, video, options);
}

/** measureScenes for a video already probed. */
function measureProbed(
  path: string,
  video: ScenesVideo,
  options: MeasureScenesOptions,
): Promise<ScenePartial> {
  const count = options.shardCount ?? 1;
  if (count > 1 && video.frameCount < 1)
    throw new FramefleetError('EMPTY_VIDEO', `input ${show(path)} has no video frames`);
  if (count > 1 && video.variableFrameRate && video.frameTimes?.length !== video.frameCount) {
    // Shards of a variable-rate video seek by its frames' own times, which the probe lists.
    throw new FramefleetError(
      'UNSUPPORTED_MEDIA',
      `input ${show(path)} has a variable frame rate but no time for each frame, so it cannot be split into exact shards; analyse it in one pass (1 shard)`,
    );
  }
  const reach = measureReach(options, rationalValue(video.frameRate));
  const shard = shardAt(
    count === 1 ? Number.MAX_SAFE_INTEGER : video.frameCount,
    options.shardIndex ?? 0,
    count,
    reach,
  );
  return measureShard(path, video, shard, count, options);
}

/**
 * Decodes one shard's frames and measures them. `count` is the shard count to report: what every
 * pod of an Indexed Job agrees on, even where a short video planned fewer shards.
 */
async function measureShard(
  path: string,
  video: ScenesVideo,
  shard: ShardRange,
  count: number,
  options: MeasureScenesOptions,
): Promise<ScenePartial> {
  const fps = rationalValue(reportedRate(video));
  const size = analysisSize(video, options.width ?? 256);
  // The last shard runs to the end of the stream, exactly like one pass does.
  const last = shard.index === shard.count - 1 && shard.end > shard.start;
  const measurer = new FrameMeasurer(size, shard.start, last ? Infinity : shard.end, {
    ...options,
    longBlendSpan: longBlendSpanAt(fps, options),
  });
  const expected = (last ? video.frameCount : shard.decodeEnd) - shard.decodeStart;
  if (shard.end > shard.start) {
    await decodeFrames({
      path,
      ...size,
      fps,
      firstKeyframeSec: video.firstKeyframeSec,
      startFrame: shard.decodeStart,
      startSec: vfrSeek(video, shard.decodeStart),
      seekBefore: keyframeSeek(video, shard.decodeStart, fps),
      frameCount: last && !video.cutTail ? undefined : expected,
      hwaccel: options.hwaccel,
      threads: options.threads,
      fastDecode: options.fastDecode,
      signal: options.signal,
      onFrame: (index, frame) => {
        measurer.push(index, frame);
        const done = index - shard.decodeStart + 1;
        if (options.onProgress && expected > 0 && done % 16 === 0)
          options.onProgress(Math.min(1, done / expected));
      },
    });
  }
  const series = measurer.end();
  const end = last ? shard.start + series.luma.length : shard.end;
  return {
    kind: 'scenes-partial',
    // The size as displayed: a quarter-turned phone video is taller than it is stored.
    source: {
      path,
      fps,
      frameCount: video.frameCount,
      ...uprightSize(video),
      ...(video.lead ? { undecodableLead: video.lead } : {}),
      ...(video.cutTail ? { cutTail: video.cutTail } : {}),
    },
    shard: {
      index: shard.index,
      count,
      start: shard.start,
      end,
    },
    series,
    keyframes: video.keyframes.filter((k) => k >= shard.start && k < end),
    // Each shard carries its own frames' times; the last one's run to the end of the probe's list.
    ...(video.frameTimes
      ? { frameTimes: video.frameTimes.slice(shard.start, last ? undefined : shard.end) }
      : {}),
  };
}

/**
 * Where a variable-frame-rate video's frame `frame` starts for a seek: halfway from the frame before
 * it. Undefined at a constant rate, where the nominal rate places it. Pure.
 */
function vfrSeek(video: ScenesVideo, frame: number): number | undefined {
  const times = video.variableFrameRate ? video.frameTimes : undefined;
  if (!times || frame <= 0 || frame >= times.length) return undefined;
  return (times[frame - 1]! + times[frame]!) / 2;
}

/** FrameDecodeOptions.seekBefore for frame `frame` of a video in a container without a keyframe index. Pure. */
function keyframeSeek(video: ScenesVideo, frame: number, fps: number): FrameDecodeOptions['seekBefore'] {
  if (!video.clock) return undefined;
  const key = video.keyframes.filter((k) => k <= frame).at(-1) ?? 0;
  return { ...video.clock, keySec: video.frameTimes?.[key] ?? key / fps };
}

/** Merges shard partials and runs the detector: the same result as one unsharded pass. */
export function aggregateScenes(
  partials: readonly ScenePartial[],
  overrides: Partial<SceneOptions> = {},
): SceneResult {
  const { source, series, frameTimes, keyframes } = mergePartials(partials);
  return sceneResult(source, series, overrides, frameTimes, keyframes);
}

/** Below this many frames per shard, a second decoder costs more than it saves. */
const PARALLEL_MIN_FRAMES = 300;

export interface AnalyzeScenesOptions extends MeasureScenesOptions {
  scene?: Partial<SceneOptions>;
  /** Decoders at once (default: the cores, at most 8); 1 decodes in one pass. */
  parallel?: number;
  /** Fewest frames per parallel shard (default 300). */
  minShardFrames?: number;
}

/**
 * Whole-video scene detection in one process. A long enough constant-rate video is measured by
 * `parallel` decoders at once (default: one per core), split just after keyframes; the merged
 * result is exactly the one-pass result.
 */
export async function analyzeScenes(path: string, options: AnalyzeScenesOptions = {}): Promise<SceneResult> {
  const parallel = Math.max(1, Math.floor(options.parallel ?? Math.min(8, availableParallelism())));
  let video: ScenesVideo | undefined;
  if (parallel > 1) {
    // The exact frame count and the keyframes to split at: from an MP4's moov in-process (no
    // ffprobe start-up before the decoders), else from the probe's packet scan.
    const { size } = await statInput(path);
    video = (await mp4DecodeVideo(path, size)) ?? scenesVideo(await probe(path, { signal: options.signal }));
    const minFrames = Math.max(MIN_SHARD_FRAMES, options.minShardFrames ?? PARALLEL_MIN_FRAMES);
    // A source cut mid-GOP decodes every shard from its first packet: one pass costs less.
    const split = video && !video.variableFrameRate && video.firstKeyframeSec === undefined;
    if (video && split && video.frameCount >= 2 * minFrames) {
      const wanted = Math.min(parallel, Math.floor(video.frameCount / minFrames));
      const shards = planKeyframeShards(
        video.frameCount,
        video.keyframes,
        wanted,
        measureReach(options, rationalValue(video.frameRate)),
        video.frameBytes,
      );
      const partials = await measureInParallel(path, video, shards, options);
      return aggregateScenes(partials, options.scene);
    }
  }
  // One pass, with the video as probed above where it was (no second probe or packet scan).
  const one = { ...options, shardIndex: 0, shardCount: 1 };
  const partial = video ? await measureProbed(path, video, one) : await measureScenes(path, one);
  return aggregateScenes([partial], options.scene);
}

/** Runs one decoder per shard, the cores shared out between them; the first failure stops all. */
async function measureInParallel(
  path: string,
  video: ScenesVideo,
  shards: readonly ShardRange[],
  options: MeasureScenesOptions,
): Promise<ScenePartial[]> {
  const controller = new AbortController();
  const stop = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', stop, { once: true });
  const threads = Math.max(1, Math.round(availableParallelism() / shards.length));
  const done = shards.map(() => 0);
  const weights = shards.map((s) => s.decodeEnd - s.decodeStart);
  const total = weights.reduce((a, b) => a + b, 0);
  try {
    return await Promise.all(
      shards.map((shard, i) =>
        measureShard(path, video, shard, shards.length, {
          ...options,
          threads,
          signal: controller.signal,
          onProgress: options.onProgress
            ? (fraction) => {
                done[i] = fraction * weights[i]!;
                options.onProgress!(done.reduce((a, b) => a + b, 0) / total);
              }
            : undefined,
        }).catch((error: unknown) => {
          controller.abort(error);
          throw error;
        }),
      ),
    );
  } finally {
    options.signal?.removeEventListener('abort', stop);
  }
}
