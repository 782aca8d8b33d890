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
  const shards: ShardRange[] = [];
  for (let index = 0; index < count; index++) {
    const start = Math.floor((index * frameCount) / count);
    const end = Math.floor(((index + 1) * frameCount) / count);
    shards.push({
      index,
      count,
      start,
      end,
      decodeStart: Math.max(0, start - reach),
      decodeEnd: Math.min(frameCount, end + reach),
    });
  }
  return shards;
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
