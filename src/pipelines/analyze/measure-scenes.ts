import { FramefleetError, show } from '../../errors.js';
import {
  FrameMeasurer,
  measureReach,
  mergePartials,
  sceneResult,
  shardAt,
  type MeasureOptions,
  type ScenePartial,
  type SceneOptions,
  type SceneResult,
} from '../../analysis/scenes/index.js';
import { analysisSize, decodeFrames, type DecodeHwaccel } from '../../media/decode-frames.js';
import { probe } from '../../media/probe.js';
import { rationalValue } from '../../media/rational.js';

export interface MeasureScenesOptions extends MeasureOptions {
  shardIndex?: number;
  shardCount?: number;
  hwaccel?: DecodeHwaccel;
  /** Analysis width; frames are downscaled to about this many pixels across. */
  width?: number;
  signal?: AbortSignal;
  /** Fraction of this shard's frames measured so far, about twice a second. */
  onProgress?: (fraction: number) => void;
}

/** Decodes one shard of a video (or all of it) and measures its frames. */
export async function measureScenes(path: string, options: MeasureScenesOptions = {}): Promise<ScenePartial> {
  const count = options.shardCount ?? 1;
  // One pass decodes to the end and needs no frame count; shards need the exact count (a packet
  // scan) so that every pod computes the same ranges.
  const info = await probe(path, { signal: options.signal, headerOnly: count === 1 });
  const video = info.video;
  if (!video)
    throw new FramefleetError('NO_VIDEO_STREAM', `input ${show(path)} has no video stream to analyse`);
  if (count > 1 && video.frameCount < 1)
    throw new FramefleetError('EMPTY_VIDEO', `input ${show(path)} has no video frames`);
  if (count > 1 && video.variableFrameRate) {
    // Shards seek by time on the nominal frame grid; with variable frame durations that grid
    // does not name frames exactly, and shards would disagree with one pass.
    throw new FramefleetError(
      'UNSUPPORTED_MEDIA',
      `input ${show(path)} has a variable frame rate and cannot be split into exact shards; analyse it in one pass (1 shard)`,
    );
  }
  const fps = rationalValue(video.frameRate);
  const size = analysisSize(video, options.width ?? 256);
  const total = count === 1 ? Number.MAX_SAFE_INTEGER : video.frameCount;
  const shard = shardAt(total, options.shardIndex ?? 0, count, measureReach(options));
  // The last shard runs to the end of the stream, exactly like one pass does.
  const last = shard.index === shard.count - 1 && shard.end > shard.start;
  const measurer = new FrameMeasurer(size, shard.start, last ? Infinity : shard.end, options);
  const expected = (last ? video.frameCount : shard.decodeEnd) - shard.decodeStart;
  if (shard.end > shard.start) {
    await decodeFrames({
      path,
      ...size,
      fps,
      startFrame: shard.decodeStart,
      frameCount: last ? undefined : shard.decodeEnd - shard.decodeStart,
      hwaccel: options.hwaccel,
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
  return {
    kind: 'scenes-partial',
    source: { path, fps, frameCount: video.frameCount, width: video.width, height: video.height },
    shard: {
      index: shard.index,
      count,
      start: shard.start,
      end: last ? shard.start + series.luma.length : shard.end,
    },
    series,
  };
}

/** Merges shard partials and runs the detector: the same result as one unsharded pass. */
export function aggregateScenes(
  partials: readonly ScenePartial[],
  overrides: Partial<SceneOptions> = {},
): SceneResult {
  const { source, series } = mergePartials(partials);
  return sceneResult(source, series, overrides);
}

/** Whole-video scene detection in one process. */
export async function analyzeScenes(
  path: string,
  options: MeasureScenesOptions & { scene?: Partial<SceneOptions> } = {},
): Promise<SceneResult> {
  const partial = await measureScenes(path, { ...options, shardIndex: 0, shardCount: 1 });
  return aggregateScenes([partial], options.scene);
}
