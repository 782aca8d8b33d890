// Where an exact frame range may start decoding, by how the container seeks (seekIndexOf): on the
// source keyframe before it where a sample table indexes keyframes and the seek cannot land on the
// next one; before that keyframe where nothing indexes them (an MPEG-TS), and for a
// variable-frame-rate source there, before its longest GOP. rangeInput uses it.
import { hasSampleTables } from './mp4-samples.js';

/**
 * How a container's demuxer seeks: onto the keyframe its sample table lists (`samples`: MP4/MOV),
 * onto a keyframe its index holds (`keyframes`: Matroska/WebM cues, or the clusters it reads where
 * there are none), or, with no keyframe index (`none`: MPEG-TS and the rest), by a search over
 * packet timestamps that lands on whatever packet is there, decoding from the next keyframe; or not
 * at all (`start`: AVI, whose packets carry only decode times, often a frame off the frames they
 * hold, so a seek or a cut by time lands off them): every range decodes from the first frame and
 * drops the frames before it by count.
 */
export type SeekIndex = 'samples' | 'keyframes' | 'none' | 'start';

/** The SeekIndex of ffprobe's format name. Pure. */
export function seekIndexOf(formatName: string): SeekIndex {
  if (hasSampleTables(formatName)) return 'samples';
  if (/(^|,)avi(,|$)/.test(formatName)) return 'start';
  return /(^|,)(matroska|webm)(,|$)/.test(formatName) ? 'keyframes' : 'none';
}

/** How far past a keyframe a fast seek aims: ffmpeg's 3/23 s B-frame allowance and a little more. */
export const SEEK_LEAD = 0.134;

/**
 * How far before a keyframe a seek in a container without a keyframe index aims: its demuxer
 * lands on the last packet whose decode time is at or before the target, so the target must
 * precede the keyframe's decode time, which runs ahead of its presentation by the reorder delay
 * (a few frames; 16 at most, 0.67 s at 24 fps).
 */
export const SEEK_BACK = 1;

/**
 * The source keyframe at or before frame `start` that a range may start decoding from, where a
 * seek aimed `SEEK_LEAD` past it cannot land on the next one: that one is at least SEEK_LEAD plus
 * 20 frames later (more than any H.264/HEVC reorder delay puts its decode time ahead). Pure.
 */
export function seekKeyframe(keyframes: readonly number[], start: number, fps: number): number | undefined {
  const at = keyframeBefore(keyframes, start);
  if (at < 0) return undefined;
  const key = keyframes[at]!;
  const next = keyframes[at + 1];
  if (next !== undefined && next - key < 20 + Math.ceil(SEEK_LEAD * fps)) return undefined;
  return key;
}

/**
 * How a payload's range starts decoding: `seekKey` (a seek onto that keyframe) where a sample table
 * indexes the keyframes, `seekBefore` (a seek well before the keyframe) where nothing does, or
 * nothing: the accurate seek, which lands on a keyframe of an index. Pure.
 */
export function seekFrom(
  keyframes: readonly number[] | undefined,
  start: number,
  fps: number,
  index: SeekIndex,
): { seekKey?: number; seekBefore?: number } {
  if (start <= 0 || !keyframes || index === 'keyframes') return {};
  // rangeInput decodes a range whose keyframe is this near the start from the first frame.
  if (index === 'start') return { seekBefore: 0 };
  if (index === 'none') {
    const at = keyframeBefore(keyframes, start);
    return at < 0 ? {} : { seekBefore: keyframes[at]! };
  }
  const key = seekKeyframe(keyframes, start, fps);
  return key === undefined ? {} : { seekKey: key };
}

/**
 * How far before a range's first frame a variable-frame-rate source in a container without a
 * keyframe index starts decoding: its longest GOP and SEEK_BACK, so that the seek lands before the
 * keyframe the range needs (rangeInput's 2 s otherwise, enough where the seek finds a keyframe).
 * `frameTimes`: each frame's time, seconds from the first; `keyframes` index them. Pure.
 */
export function vfrPreRoll(keyframes: readonly number[], frameTimes: readonly number[]): number {
  let longest = 0;
  for (const [i, key] of keyframes.entries()) {
    const from = frameTimes[key] ?? 0;
    longest = Math.max(longest, (frameTimes[keyframes[i + 1] ?? frameTimes.length - 1] ?? from) - from);
  }
  return Math.max(VFR_PRE_ROLL, longest + SEEK_BACK);
}

/** How far before a range's first frame a variable-frame-rate range starts decoding by default, seconds. */
export const VFR_PRE_ROLL = 2;

/** Index in `keyframes` (ascending) of the last one at or before `start`, or -1. Pure. */
function keyframeBefore(keyframes: readonly number[], start: number): number {
  let at = -1;
  for (let i = 0; i < keyframes.length && keyframes[i]! <= start; i++) at = i;
  return at;
}
