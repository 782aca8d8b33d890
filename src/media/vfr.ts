import { FramefleetError, show } from '../errors.js';
import { formatRational, rationalValue, reduced, type Rational } from './rational.js';
import { LOST_FRAME, lostFrame } from './decode-failure.js';
import { guardedInput, runFfmpeg } from './run.js';
import { fitSizeParts } from './frame-sizes.js';
import type { MediaInfo } from './probe.js';

/** The highest base rate a VFR source is normalised to (high-speed phone video records at 240). */
export const MAX_TIMELINE_FPS = 240;

/** ffmpeg arguments that put a VFR stream on the `rate` grid, the same way every segment does. Pure. */
export function cfrCountArgs(input: string, rate: Rational, fitSize?: string): string[] {
  // A size change would restart the fps filter's grid (fitSizeFilter).
  const fit = fitSizeParts(fitSize);
  return [
    ...fit.input,
    '-copyts',
    '-start_at_zero',
    ...guardedInput(input),
    '-map',
    '0:v:0',
    '-vf',
    [...fit.filters, `fps=fps=${formatRational(rate)}:start_time=0`].join(','),
    '-fps_mode',
    'passthrough',
    '-f',
    'null',
    '-',
  ];
}

/**
 * How many frames a variable-frame-rate input has once normalised to constant `rate` (one decode).
 * A frame lost on the way (undecodable, or dropped by its demuxer as damaged) is INPUT_CORRUPT:
 * the normalisation would fill its place with a repeat, and a damaged file can look variable-rate.
 */
export async function countCfrFrames(
  input: string,
  rate: Rational,
  signal?: AbortSignal,
  frameTimes?: readonly number[],
  fitSize?: string,
): Promise<number> {
  let frames = 0;
  const run = await runFfmpeg(cfrCountArgs(input, rate, fitSize), {
    logLevel: 'warning',
    watch: LOST_FRAME,
    signal,
    timeoutMs: 60 * 60_000,
    label: `count frames of ${show(input)} at ${formatRational(rate)} fps`,
    onProgress: (p) => {
      frames = p.frame;
    },
  });
  const gap = run.watched === undefined || !frameTimes ? undefined : firstGapSec(frameTimes, rate);
  const lost = lostFrame(input, run, gap === undefined ? undefined : `near ${gap.toFixed(2)} s`);
  if (lost) throw lost;
  if (frames <= 0)
    throw new FramefleetError('EMPTY_VIDEO', `input ${show(input)} has no decodable video frames`);
  return frames;
}

/** Where frames go missing first: the first frame time followed by a gap of 1.5 frames or more. Pure. */
export function firstGapSec(frameTimes: readonly number[], rate: Rational): number | undefined {
  const frame = rate.den / rate.num;
  const at = frameTimes.findIndex((t, i) => i > 0 && t - frameTimes[i - 1]! >= 1.5 * frame);
  return at > 0 ? frameTimes[at - 1]! + frame : undefined;
}

/** Rates a measured one snaps to: film, PAL, NTSC and their multiples. */
const COMMON_RATES: readonly Rational[] = [
  [24000, 1001],
  [24, 1],
  [25, 1],
  [30000, 1001],
  [30, 1],
  [48, 1],
  [50, 1],
  [60000, 1001],
  [60, 1],
  [100, 1],
  [120000, 1001],
  [120, 1],
  [240, 1],
].map(([num, den]) => ({ num: num!, den: den! }));

/**
 * The rate of a VFR stream's fastest steady stretch, from its frame times: the mean of the steps
 * within 1.5x the shortest, where they are at least a fifth of all (fewer are jitter, not a
 * stretch), snapped to the nearest common rate within 0.5 % (timestamps in milliseconds wobble). Pure.
 */
export function fastestSteadyRate(frameTimes: readonly number[]): Rational | undefined {
  const steps = frameTimes.slice(1).map((t, i) => t - frameTimes[i]!);
  const shortest = steps.reduce((min, step) => (step > 0 && step < min ? step : min), Infinity);
  const fast = steps.filter((step) => step > 0 && step <= shortest * 1.5);
  if (fast.length < 2 || fast.length < steps.length / 5) return undefined;
  return snappedRate(fast.length / fast.reduce((sum, step) => sum + step, 0));
}

/** A measured rate as the nearest common rate within 0.5 %, else to a thousandth. Pure. */
function snappedRate(rate: number): Rational {
  const off = (r: Rational) => Math.abs(rationalValue(r) / rate - 1);
  const nearest = COMMON_RATES.reduce((best, r) => (off(r) < off(best) ? r : best));
  return off(nearest) <= 0.005 ? nearest : reduced(Math.round(rate * 1000), 1000);
}

/**
 * The mean rate of frames at these times (first to last), snapped as fastestSteadyRate's is; for a
 * stream whose container gives no average (Matroska: avg_frame_rate 0/0 beside an r_frame_rate of
 * its 1/1000 time base). Pure.
 */
export function meanRate(frameTimes: readonly number[]): Rational | undefined {
  const span = frameTimes.length > 1 ? frameTimes.at(-1)! - frameTimes[0]! : 0;
  return span > 0 ? snappedRate((frameTimes.length - 1) / span) : undefined;
}

/**
 * A stream's frame rate to report and to size analysis windows by: its base rate, unless that is
 * a VFR stream's time base in disguise (1000 in Matroska, 90000 in an MP4), then its frames' mean. Pure.
 */
export function reportedRate(video: { frameRate: Rational; frameTimes?: readonly number[] }): Rational {
  const timeBase = rationalValue(video.frameRate) > MAX_TIMELINE_FPS;
  return (timeBase && video.frameTimes && meanRate(video.frameTimes)) || video.frameRate;
}

/**
 * Where the output's first frame lies on the source's timeline, seconds: its first picture, or for
 * a VFR source the container's start, where the constant-rate grid starts with its first picture
 * held back to it (109 frames for 100 that start 0.34 s in). Audio is placed, and durations
 * verified, from here: cut to the first picture, audio 0.32 s early had come out 0.68 s early. Pure.
 */
export function timelineStartSec(source: MediaInfo): number {
  return source.video!.variableFrameRate ? source.startTimeSec : source.video!.startTimeSec;
}
