import { SEEK_BACK } from '../../media/keyframe-seek.js';
import { LOCAL_PROTOCOLS, MEDIA_FORMATS, PICTURE_LIMIT } from '../../media/run.js';
import { num } from './motion.js';

// How a render scene reads its pictures and background videos: the inputs, seeks and limits.

/**
 * A video in a container without a keyframe index (MPEG-TS, MPEG-PS), whose demuxer's seek lands on
 * any packet and whose decoder waits for the next keyframe: an accurate seek to the in-point began
 * at a later keyframe (later pictures, or none at all in a clip with one keyframe). Decoding starts
 * SEEK_BACK before the keyframe at or before the in-point and what precedes it is dropped by time on
 * the clip's own clock. Keyframe times are seconds after the video's first frame; the video starts
 * at `videoStartSec` on its clock, `videoOffsetSec` after the container (where -ss counts from).
 */
export interface VideoClock {
  keyframesSec: number[];
  videoStartSec: number;
  videoOffsetSec: number;
}

/** The input arguments and first filter of a background video from `seek` seconds in. Pure. */
export function videoInput(path: string, seek: number, clock: VideoClock | undefined): [string[], string] {
  if (!clock || seek <= 0) return [input(path, seek), ''];
  const key = clock.keyframesSec.filter((k) => k <= seek).at(-1) ?? 0;
  const from =
    key >= 2 * SEEK_BACK ? ['-noaccurate_seek', '-ss', num(key - SEEK_BACK + clock.videoOffsetSec)] : [];
  return [[...from, '-copyts', ...input(path)], `trim=start=${num(clock.videoStartSec + seek)},`];
}

/** The single-image demuxers: a picture's file, never a video's. */
export const IMAGE_FORMATS = ['png_pipe', 'jpeg_pipe', 'webp_pipe', 'bmp_pipe', 'tiff_pipe', 'image2'];

/** Media demuxers plus single-image ones: backgrounds, logos and images are stills. */
export const STILL_FORMATS = `${MEDIA_FORMATS},${IMAGE_FORMATS.join(',')}`;

/** Input options for a spec's picture: local protocols, media and still demuxers, bounded pictures. */
export const STILL_INPUT = [
  ...['-protocol_whitelist', LOCAL_PROTOCOLS, '-format_whitelist', STILL_FORMATS],
  ...PICTURE_LIMIT,
];

export function input(path: string, seek?: number): string[] {
  const ss = seek !== undefined && seek > 0 ? ['-ss', seek.toFixed(6)] : [];
  return [...ss, ...STILL_INPUT, '-i', path];
}
