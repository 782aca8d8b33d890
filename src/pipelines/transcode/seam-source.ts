// The pictures a seam check compares: the source's frames before, at and after each seam, and the
// output's frame at each seam, decoded as small gray pictures (seam-frames).
import { availableParallelism } from 'node:os';
import { frameTime } from '../../media/rational.js';
import { grayFrames, grayFramesByCount, grayKeyframes } from '../../media/seam-frames.js';
import type { SeamPlan, SeamPoint } from './seam-check.js';

/** Per seam, the source's frames before, at and after it; undefined where a decode came up short. */
export type SourcePictures = (Uint8Array | undefined)[][];

/**
 * Decodes the source's frames around each seam: by count from its first frame, or with the encodes'
 * own seeks (SeamPlan.byCount).
 */
export function decodeSourceSeams(
  plan: SeamPlan,
  input: string,
  signal: AbortSignal,
): Promise<SourcePictures> {
  if (plan.byCount) return aroundByCount(input, plan.seams, signal, plan.fitSize);
  const { rate, videoOffsetSec, videoStartSec, fitSize } = plan;
  return inPool(plan.seams, (s) => {
    const { seekKey, seekBefore } = s;
    const from = { start: s.frame - 1, rate, videoOffsetSec, videoStartSec, seekKey, seekBefore, fitSize };
    return grayFrames(input, { ...from, normaliseVfr: false }, 3, signal);
  });
}

/**
 * The output's frame at each seam, in one ffmpeg run (for an output longer than
 * `oneRunUpToSec`, one short run a seam): each seam is a keyframe of the output (a segment's
 * first IDR), so a decode of its keyframes alone finds them by time. Where one is not
 * there (no keyframe at a seam's time), one decode of the output from its first frame picks every
 * seam's frame by count.
 */
export async function decodeOutputSeams(
  plan: Pick<SeamPlan, 'seams' | 'rate'>,
  output: string,
  videoOffsetSec: number,
  signal: AbortSignal,
  options: { oneRunUpToSec?: number } = {},
): Promise<Uint8Array[][]> {
  const timeoutMs = wholeDecodeTimeout(plan.seams.at(-1)?.frame ?? 0);
  // Half a frame either side of each seam's time on the output's timeline.
  const at = (n: number) => frameTime(n, plan.rate) + videoOffsetSec;
  const windows = plan.seams.map((s) => ({ from: at(s.frame - 0.5), to: at(s.frame + 0.5) }));
  // Up to 5 minutes (150 keyframes at 2 s), one run with one decoder thread: a pool of them costs
  // more to start. Beyond, one short run a seam, each seeking onto its keyframe: one run over an
  // hour's keyframes (and all its bytes) would cost more than the stitch.
  const short = (windows.at(-1)?.to ?? 0) <= (options.oneRunUpToSec ?? SHORT_OUTPUT_SEC);
  const keyframes = short
    ? await grayKeyframes(output, windows, { signal, timeoutMs, oneThread: true })
    : await inPool(windows, async (w) => {
        const seekSec = Math.max(0, w.from - 1);
        return (await grayKeyframes(output, [w], { signal, oneThread: true, seekSec }))[0];
      });
  const frames =
    keyframes.length === windows.length && keyframes.every((k) => k !== undefined)
      ? (keyframes as Uint8Array[])
      : await grayFramesByCount(
          output,
          plan.seams.map((s) => s.frame),
          signal,
          timeoutMs,
        );
  return plan.seams.map((_s, i) => (frames[i] ? [frames[i]] : []));
}

const SHORT_OUTPUT_SEC = 300;

/** The source's frames before, at and after each seam, decoded from the first frame by count. */
async function aroundByCount(
  input: string,
  seams: readonly SeamPoint[],
  signal: AbortSignal,
  fitSize?: string,
): Promise<SourcePictures> {
  const wanted = [...new Set(seams.flatMap((s) => [s.frame - 1, s.frame, s.frame + 1]))].sort(
    (a, b) => a - b,
  );
  const timeoutMs = wholeDecodeTimeout(wanted.at(-1)!);
  const frames = await grayFramesByCount(input, wanted, signal, timeoutMs, fitSize);
  const at = new Map(wanted.map((n, i) => [n, frames[i]]));
  return seams.map((s) => [s.frame - 1, s.frame, s.frame + 1].map((n) => at.get(n)));
}

/** A whole decode up to `frame`: the limit grows with it (a 5-minute source at 10 fps, and more). */
function wholeDecodeTimeout(frame: number): number {
  return 60_000 + frame * 100;
}

/** `run` over `items`, a few at a time (each is one short ffmpeg), results in order. */
async function inPool<T, R>(items: readonly T[], run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await run(items[i]!);
    }
  };
  const width = Math.min(items.length, Math.max(1, Math.min(4, availableParallelism())));
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}
