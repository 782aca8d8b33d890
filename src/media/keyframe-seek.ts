// Where an exact frame range may start decoding: on the source keyframe before it, where the
// container indexes keyframes (hasSampleTables) and the seek cannot land on the next one
// (rangeInput uses it).

/** How far past a keyframe a fast seek aims: ffmpeg's 3/23 s B-frame allowance and a little more. */
export const SEEK_LEAD = 0.134;

/**
 * The source keyframe at or before frame `start` that a range may start decoding from, where a
 * seek aimed `SEEK_LEAD` past it cannot land on the next one: that one is at least SEEK_LEAD plus
 * 20 frames later (more than any H.264/HEVC reorder delay puts its decode time ahead). Pure.
 */
export function seekKeyframe(keyframes: readonly number[], start: number, fps: number): number | undefined {
  let at = -1;
  for (let i = 0; i < keyframes.length && keyframes[i]! <= start; i++) at = i;
  if (at < 0) return undefined;
  const key = keyframes[at]!;
  const next = keyframes[at + 1];
  if (next !== undefined && next - key < 20 + Math.ceil(SEEK_LEAD * fps)) return undefined;
  return key;
}

/** `seekKey` for a payload, or nothing when a range must seek accurately. Pure. */
export function seekFrom(
  keyframes: readonly number[] | undefined,
  start: number,
  fps: number,
): { seekKey?: number } {
  const key = start > 0 && keyframes ? seekKeyframe(keyframes, start, fps) : undefined;
  return key === undefined ? {} : { seekKey: key };
}
