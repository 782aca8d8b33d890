import { show } from '../errors.js';
import { guardedInput, runFfmpeg } from './run.js';
import { rangeInput, type RangeStart } from './range-input.js';
import { exactFrames } from './segment-args.js';

/**
 * The size seam pictures are compared at: small enough that decoding dominates, large enough that a
 * frame's neighbour differs from it in any motion. Both sides are shrunk to it whatever their
 * aspect, so they stay comparable.
 */
export const SEAM_PICTURE = { width: 160, height: 96 } as const;

/** A seam decode reads a few frames after a seek: the limit guards against hangs, not work. */
const SEAM_TIMEOUT_MS = 60_000;

/**
 * ffmpeg arguments that decode `count` frames from frame `range.start` (rangeInput's exact
 * selection, as every encode reads its range) as small gray pictures to stdout. Pure.
 */
export function grayFramesArgs(input: string, range: RangeStart, count: number): string[] {
  const { seek, filters } = rangeInput(range);
  const { width, height } = SEAM_PICTURE;
  return [
    ...seek,
    ...guardedInput(input),
    // Area averaging: what is compared is the picture, not its compression noise.
    ...exactFrames([...filters, `scale=${width}:${height}:flags=area`, 'format=gray'], count),
    '-f',
    'rawvideo',
    'pipe:1',
  ];
}

/** Decodes up to `count` frames from `range.start` as SEAM_PICTURE gray pictures. */
export async function grayFrames(
  input: string,
  range: RangeStart,
  count: number,
  signal?: AbortSignal,
): Promise<Uint8Array[]> {
  const { stdout } = await runFfmpeg(grayFramesArgs(input, range, count), {
    signal,
    timeoutMs: SEAM_TIMEOUT_MS,
    writesNoFile: true,
    label: `decode frames ${range.start}-${range.start + count - 1} of ${show(input)} for the seam check`,
  });
  const size = SEAM_PICTURE.width * SEAM_PICTURE.height;
  const frames: Uint8Array[] = [];
  for (let at = 0; at + size <= stdout.length; at += size) frames.push(stdout.subarray(at, at + size));
  return frames;
}
