import { show } from '../errors.js';
import { guardedInput, runFfmpeg } from './run.js';
import { rangeInput, type RangeStart } from './range-input.js';
import { exactFrames } from './segment-args.js';
import { fitSizeParts } from './frame-sizes.js';

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
  return [...seek, ...guardedInput(input), ...grayOutput(filters, count)];
}

/**
 * ffmpeg arguments that decode from the first frame, without a seek, and keep the frames whose
 * index (by count) is in `frames` (ascending, distinct), as grayFramesArgs does. Pure.
 */
export function grayFramesByCountArgs(input: string, frames: readonly number[], fitSize?: string): string[] {
  const chosen = frames.map((n) => `eq(n,${n})`).join('+');
  // A source that changes size: the select's count must not restart with the graph (fitSizeFilter).
  const fit = fitSizeParts(fitSize);
  return [
    ...fit.input,
    ...guardedInput(input),
    ...grayOutput([...fit.filters, `select='${chosen}'`], frames.length),
  ];
}

/** A window of presentation time, seconds from the file's start: [from, to). */
export interface TimeWindow {
  from: number;
  to: number;
}

/**
 * ffmpeg arguments that decode only the keyframes of `input` (the rest are skipped, not decoded)
 * and keep the one in each of `windows` (ascending, disjoint), as grayFramesArgs does; `oneThread`
 * for a few keyframes, where starting the decoder's threads costs more than they save; from an
 * input seek to `seekSec` where given (windows stay in the file's time). Pure.
 */
export function grayKeyframesArgs(
  input: string,
  windows: readonly TimeWindow[],
  oneThread = false,
  seekSec?: number,
): string[] {
  // After an input seek the filters' clock starts at the seek point.
  const shift = seekSec ?? 0;
  const chosen = windows
    .map((w) => `gte(t,${(w.from - shift).toFixed(6)})*lt(t,${(w.to - shift).toFixed(6)})`)
    .join('+');
  // Decoding skips every picture that is not a keyframe: a stretch costs its keyframes alone.
  return [
    ...(oneThread ? ['-threads', '1'] : []),
    '-skip_frame',
    'nokey',
    ...(seekSec !== undefined ? ['-ss', seekSec.toFixed(6)] : []),
    ...guardedInput(input),
    ...grayOutput([`select='${chosen}'`], windows.length),
  ];
}

/** Output options: `count` frames through `filters`, shrunk to SEAM_PICTURE gray, raw to stdout. Pure. */
function grayOutput(filters: readonly string[], count: number): string[] {
  const { width, height } = SEAM_PICTURE;
  // Area averaging: what is compared is the picture, not its compression noise.
  const shrink = [...filters, `scale=${width}:${height}:flags=area`, 'format=gray'];
  return [...exactFrames(shrink, count), '-f', 'rawvideo', 'pipe:1'];
}

/** Decodes up to `count` frames from `range.start` as SEAM_PICTURE gray pictures. */
export function grayFrames(
  input: string,
  range: RangeStart,
  count: number,
  signal?: AbortSignal,
): Promise<Uint8Array[]> {
  const which = `frames ${range.start}-${range.start + count - 1}`;
  return grayRun(grayFramesArgs(input, range, count), `decode ${which} of ${show(input)}`, signal);
}

/** Decodes the frames of `frames` (ascending, distinct) from the first, by count (grayFramesByCountArgs). */
export function grayFramesByCount(
  input: string,
  frames: readonly number[],
  signal?: AbortSignal,
  timeoutMs?: number,
  fitSize?: string,
): Promise<Uint8Array[]> {
  const label = `decode ${show(input)} to frame ${frames.at(-1)}`;
  return grayRun(grayFramesByCountArgs(input, frames, fitSize), label, signal, timeoutMs);
}

/**
 * Decodes the keyframe in each of `windows` (grayKeyframesArgs): fewer pictures than windows where
 * some window holds no keyframe.
 */
export function grayKeyframes(
  input: string,
  windows: readonly TimeWindow[],
  options: { signal?: AbortSignal; timeoutMs?: number; oneThread?: boolean; seekSec?: number } = {},
): Promise<Uint8Array[]> {
  const label = `decode ${windows.length} keyframes of ${show(input)}`;
  const args = grayKeyframesArgs(input, windows, options.oneThread, options.seekSec);
  return grayRun(args, label, options.signal, options.timeoutMs);
}

async function grayRun(
  args: string[],
  label: string,
  signal?: AbortSignal,
  timeoutMs = SEAM_TIMEOUT_MS,
): Promise<Uint8Array[]> {
  const { stdout } = await runFfmpeg(args, {
    signal,
    timeoutMs,
    writesNoFile: true,
    label: `${label} for the seam check`,
  });
  const size = SEAM_PICTURE.width * SEAM_PICTURE.height;
  const frames: Uint8Array[] = [];
  for (let at = 0; at + size <= stdout.length; at += size) frames.push(stdout.subarray(at, at + size));
  return frames;
}
