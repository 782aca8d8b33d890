// How a montage entry's clip is read: sought to the entry's first frame and no further than its frames.
import { SEEK_BACK } from '../../media/keyframe-seek.js';
import { pathOption } from '../../media/path-escape.js';
import { seconds } from '../../media/range-input.js';
import { guardedInput } from '../../media/run.js';
import type { EntrySource } from './render-args.js';

/**
 * A clip in a container without a keyframe index (MPEG-TS, MPEG-PS): its demuxer's seek lands on
 * any packet and the decoder waits for the next keyframe, so an accurate seek to the entry's first
 * frame began at a later keyframe (or, in a clip with one keyframe, gave no frames at all). Such an
 * entry starts decoding SEEK_BACK before `keySec` (its source keyframe at or before the entry,
 * seconds after the video's first frame) and drops what precedes its first frame by time, on the
 * clip's own clock, where the video starts at `videoStartSec`.
 */
export interface EntrySeek {
  keySec: number;
  videoStartSec: number;
}

/** Where decoding starts for a sought entry of a clip without a keyframe index, seconds after the video's start. */
function seekFrom(entry: EntrySource): number | undefined {
  const before = entry.sourceStart > 0 ? entry.seekBefore : undefined;
  // So near the start a seek could aim before the first packet: decode from the first frame.
  if (!before) return undefined;
  return before.keySec >= 2 * SEEK_BACK ? before.keySec - SEEK_BACK : 0;
}

/** Seek to half a frame before the entry's first frame: the accurate seek keeps it, drops the one before. */
function seekArgs(entry: EntrySource): string[] {
  if (entry.sourceStart <= 0) return [];
  const from = seekFrom(entry);
  if (from !== undefined) {
    const seek = from > 0 ? ['-noaccurate_seek', '-ss', seconds(from + entry.clipOffsetSec)] : [];
    return [...seek, '-copyts'];
  }
  return ['-ss', ((entry.sourceStart - 0.5) / entry.clipFps + entry.clipOffsetSec).toFixed(6)];
}

/** The entry's first filter: its frames from the first on, timed from zero. Pure. */
export function startFilter(entry: EntrySource): string {
  if (seekFrom(entry) === undefined) return 'setpts=PTS-STARTPTS';
  const start = entry.seekBefore!.videoStartSec + (entry.sourceStart - 0.5) / entry.clipFps;
  return `trim=start=${seconds(start)},setpts=PTS-STARTPTS`;
}

/** Source frames the entry spans, at the clip's rate, plus one for the rate conversion's rounding. */
function sourceSpan(entry: EntrySource, fps: number): number {
  return Math.ceil((entry.frames * entry.clipFps) / fps) + 1;
}

/**
 * The entry's clip as an input read no further than its frames (and a frame to spare: the trim
 * after the conform cuts exactly), so a run's inputs each decode their own frames only.
 */
export function entryInput(entry: EntrySource, fps: number): string[] {
  const from = seekFrom(entry);
  // Decoding from before the entry reads what lies between too (and a second to spare).
  const lead = from === undefined ? 0 : entry.sourceStart / entry.clipFps - from + 1;
  const start = entry.sourceStart <= 0 ? entry.clipOffsetSec : 0;
  const span = lead + start + (sourceSpan(entry, fps) + 1) / entry.clipFps;
  return [...seekArgs(entry), '-t', span.toFixed(6), ...guardedInput(entry.clip)];
}

/**
 * The vidstab detect pass over exactly the entry's source frames: transforms to a file, no output
 * video. Pure.
 */
export function stabilizeDetectArgs(entry: EntrySource, fps: number, transforms: string): string[] {
  return [
    ...seekArgs(entry),
    ...guardedInput(entry.clip),
    '-map',
    '0:v:0',
    '-frames:v',
    String(sourceSpan(entry, fps)),
    '-vf',
    `${startFilter(entry)},vidstabdetect=shakiness=5:accuracy=15:result=${pathOption(transforms)}`,
    '-f',
    'null',
    '-',
  ];
}
