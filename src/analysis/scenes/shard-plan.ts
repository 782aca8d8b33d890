import { FramefleetError, show } from '../../errors.js';

/** More shards than this cost more in decoder start-up than they save. */
export const MAX_SHARDS = 64;
/** A shard shorter than this many frames is not worth a task. */
export const MIN_SHARD_FRAMES = 64;

export interface ShardRange {
  index: number;
  count: number;
  /** Frames this shard measures and reports, [start, end). */
  start: number;
  end: number;
  /** Frames it decodes, including context on both sides for the detector's windows. */
  decodeStart: number;
  decodeEnd: number;
}

/**
 * Splits frames [0, frameCount) into `requested` near-equal shards (fewer when the video is
 * short), each decoding `reach` extra frames on either side. Pure.
 */
export function planShards(frameCount: number, requested: number, reach: number): ShardRange[] {
  if (!Number.isInteger(frameCount) || frameCount < 1) {
    throw new FramefleetError('EMPTY_VIDEO', `cannot shard a video of ${show(frameCount)} frames`);
  }
  if (!Number.isInteger(requested) || requested < 1 || requested > MAX_SHARDS) {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `expected \`shards\` to be an integer from 1 to ${MAX_SHARDS}, got ${show(requested)}`,
    );
  }
  const count = Math.max(1, Math.min(requested, Math.floor(frameCount / MIN_SHARD_FRAMES)));
  const starts = Array.from({ length: count }, (_, index) => Math.floor((index * frameCount) / count));
  return rangesFrom(starts, frameCount, reach);
}

/** Shards that start at `starts` (ascending, the first 0) and end where the next starts. */
function rangesFrom(starts: readonly number[], frameCount: number, reach: number): ShardRange[] {
  return starts.map((start, index) => {
    const end = starts[index + 1] ?? frameCount;
    return {
      index,
      count: starts.length,
      start,
      end,
      decodeStart: Math.max(0, start - reach),
      decodeEnd: Math.min(frameCount, end + reach),
    };
  });
}

/** The one shard of `count` that an Indexed Job's pod with `index` handles. */
export function shardAt(frameCount: number, index: number, count: number, reach: number): ShardRange {
  const shards = planShards(frameCount, count, reach);
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `expected \`shard-index\` to be an integer from 0 to ${count - 1}, got ${show(index)}`,
    );
  }
  // A short video plans fewer shards than asked; the surplus pods get an empty range.
  return (
    shards[index] ?? {
      index,
      count,
      start: frameCount,
      end: frameCount,
      decodeStart: frameCount,
      decodeEnd: frameCount,
    }
  );
}

/**
 * Splits frames [0, frameCount) into about `requested` shards for one machine's parallel decoders,
 * moving each boundary (by at most half a shard) so that its decoder starts just after a keyframe:
 * input seeking lands on the keyframe before the first wanted frame, so a shard decodes almost
 * nothing it does not measure. Any split gives the same result once merged; this one is cheapest.
 * Where keyframes are sparse a boundary stays where the even split put it. Pure.
 */
export function planKeyframeShards(
  frameCount: number,
  keyframes: readonly number[],
  requested: number,
  reach: number,
): ShardRange[] {
  const even = planShards(frameCount, requested, reach);
  const count = even.length;
  const slack = Math.floor(frameCount / count / 2);
  const starts = [0];
  for (let i = 1; i < count; i++) {
    const target = even[i]!.start;
    const lowest = starts[i - 1]! + MIN_SHARD_FRAMES;
    let best = Math.max(lowest, target);
    let distance = Infinity;
    for (const keyframe of keyframes) {
      // The decoder seeks half a frame before `start - reach`: keyframe + 1 puts that on the keyframe.
      const start = keyframe + 1 + reach;
      const d = Math.abs(start - target);
      if (d <= slack && d < distance && start >= lowest && start <= frameCount - MIN_SHARD_FRAMES) {
        best = start;
        distance = d;
      }
    }
    starts.push(best);
  }
  return rangesFrom(starts, frameCount, reach);
}
