import { FramefleetError, show } from '../errors.js';
import { formatRational, type Rational } from './rational.js';
import { guardedInput, runFfmpeg } from './run.js';

/** ffmpeg arguments that put a VFR stream on the `rate` grid, the same way every segment does. Pure. */
export function cfrCountArgs(input: string, rate: Rational): string[] {
  return [
    '-copyts',
    '-start_at_zero',
    ...guardedInput(input),
    '-map',
    '0:v:0',
    '-vf',
    `fps=fps=${formatRational(rate)}:start_time=0`,
    '-fps_mode',
    'passthrough',
    '-f',
    'null',
    '-',
  ];
}

/** How many frames a variable-frame-rate input has once normalised to constant `rate` (one decode). */
export async function countCfrFrames(input: string, rate: Rational, signal?: AbortSignal): Promise<number> {
  let frames = 0;
  await runFfmpeg(cfrCountArgs(input, rate), {
    signal,
    timeoutMs: 60 * 60_000,
    label: `count frames of ${show(input)} at ${formatRational(rate)} fps`,
    onProgress: (p) => {
      frames = p.frame;
    },
  });
  if (frames <= 0)
    throw new FramefleetError('EMPTY_VIDEO', `input ${show(input)} has no decodable video frames`);
  return frames;
}
