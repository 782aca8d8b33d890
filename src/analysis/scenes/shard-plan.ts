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
 * Where keyframes are sparse a boundary stays where the even split put it. With each frame's
 * coded bytes (`frameBytes`, presentation order) the shards are even in decoding work rather than
 * in frames: decoding costs about in proportion to the bitstream (a grainy or busy half of a reel
 * took 1.4 times the CPU of its calm half at 1.4 times the bytes), plus a little per frame. Pure.
 */
export function planKeyframeShards(
  frameCount: number,
  keyframes: readonly number[],
  requested: number,
  reach: number,
  frameBytes?: readonly number[],
): ShardRange[] {
  const even = planShards(frameCount, requested, reach);
  const count = even.length;
  const slack = Math.floor(frameCount / count / 2);
  const work = frameBytes?.length === frameCount ? workSplits(frameBytes, count) : undefined;
  const starts = [0];
  for (let i = 1; i < count; i++) {
    const target = work?.[i] ?? even[i]!.start;
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

/** Share of a frame's decoding cost that does not grow with its bytes, as a fraction of the mean frame's bytes. */
const PER_FRAME_COST = 0.25;

/**
 * The frames where cumulative decoding work (bytes plus a fixed share per frame) crosses i/count
 * of the total, for i in 1..count-1 (index 0 is 0). Pure.
 */
export function workSplits(frameBytes: readonly number[], count: number): number[] {
  const total = frameBytes.reduce((a, b) => a + b, 0);
  const fixed = (PER_FRAME_COST * total) / Math.max(1, frameBytes.length);
  const whole = total + fixed * frameBytes.length;
  const splits = [0];
  let done = 0;
  for (let f = 0; f < frameBytes.length && splits.length < count; f++) {
    done += frameBytes[f]! + fixed;
    while (splits.length < count && done >= (splits.length * whole) / count) splits.push(f + 1);
  }
  while (splits.length < count) splits.push(frameBytes.length);
  return splits;
}
