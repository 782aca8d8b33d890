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
  const info = await probe(path, { signal: options.signal });
  const video = info.video;
  if (!video)
    throw new FramefleetError('NO_VIDEO_STREAM', `input ${show(path)} has no video stream to analyse`);
  if (video.frameCount < 1)
    throw new FramefleetError('EMPTY_VIDEO', `input ${show(path)} has no video frames`);
  const fps = rationalValue(video.frameRate);
  const size = analysisSize(video, options.width ?? 256);
  const count = options.shardCount ?? 1;
  const shard = shardAt(video.frameCount, options.shardIndex ?? 0, count, measureReach(options));
  const measurer = new FrameMeasurer(size, shard.start, shard.end, options);
  if (shard.end > shard.start) {
    await decodeFrames({
      path,
      ...size,
      fps,
      startFrame: shard.decodeStart,
      frameCount: shard.decodeEnd - shard.decodeStart,
      hwaccel: options.hwaccel,
      signal: options.signal,
      onFrame: (index, frame) => {
        measurer.push(index, frame);
        const done = index - shard.decodeStart + 1;
        if (options.onProgress && done % 16 === 0)
          options.onProgress(done / (shard.decodeEnd - shard.decodeStart));
      },
    });
  }
  return {
    kind: 'scenes-partial',
    source: { path, fps, frameCount: video.frameCount, width: video.width, height: video.height },
    shard: { index: shard.index, count, start: shard.start, end: shard.end },
    series: measurer.end(),
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
