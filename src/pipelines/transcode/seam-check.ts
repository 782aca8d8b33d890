import { FramefleetError } from '../../errors.js';
import type { ExecutorContext } from '../../engine/types.js';
import { SEEK_BACK, seekFrom } from '../../media/keyframe-seek.js';
import { judgeSeam, psnr, seamFailure, type SeamMatch } from '../../media/picture-match.js';
import { frameTime, type Rational } from '../../media/rational.js';
import { isStorageUrl, storageKeyOf } from '../../storage/media-io.js';
import { withInput } from '../job-files.js';
import type { SeekIndex } from '../../media/keyframe-seek.js';
import type { SegmentRange } from './plan-segments.js';
import { storedSourceSeams, type SeamPicturesOutput } from './seam-pictures.js';
import { decodeOutputSeams, decodeSourceSeams, type SourcePictures } from './seam-source.js';

/** A seam: the first frame of a segment after the first, and how the source's frame before it is reached. */
export interface SeamPoint {
  segment: number;
  frame: number;
  /** seekFrom for `frame - 1`, where the source decode starts. */
  seekKey?: number;
  seekBefore?: number;
}

/** What a stitch compares at its seams: the source's timeline and the seams. */
export interface SeamPlan {
  rate: Rational;
  videoOffsetSec: number;
  videoStartSec?: number;
  seams: SeamPoint[];
  /** A source that changes size: its frames are scaled to the first size, as the encodes' are. */
  fitSize?: string;
  /**
   * Decode the source once from its first frame and pick the seams' frames by count, which no seek
   * of the encodes can have shifted alike (the MPEG-PS bug moved the check's seeks as it moved the
   * segments'): where that decodes at most half as much again as a seek to each seam (seamCost).
   */
  byCount?: boolean;
}

/** A stitch's seam check, or why its source cannot be judged by frame index. */
export type SeamCheck = SeamPlan | { skipped: string };

/** What of a transcode's layout (TranscodeLayout) decides its seam check. */
export interface SeamSource {
  frames: number;
  fps: number;
  rate: Rational;
  keyframes: readonly number[];
  seekIndex?: SeekIndex;
  videoOffsetSec: number;
  videoStartSec?: number;
  normaliseVfr: boolean;
  undecodableLead?: number;
  fitSize?: string;
  process?: unknown;
}

/** The seam check of `layout` split at `ranges`; none for one segment. Pure. */
export function seamCheckFor(layout: SeamSource, ranges: readonly SegmentRange[]): SeamCheck | undefined {
  if (ranges.length < 2) return undefined;
  const skipped = unjudgeable(layout);
  if (skipped) return { skipped };
  const index = layout.seekIndex ?? 'keyframes';
  const seams = ranges
    // The source's frames before, at and after the seam.
    .filter((r) => r.start > 0 && r.start + 1 < layout.frames)
    .map((r) => ({
      segment: r.index,
      frame: r.start,
      ...seekFrom(layout.keyframes, r.start - 1, layout.fps, index),
    }));
  const cost = seamCost(layout, seams);
  return {
    rate: layout.rate,
    videoOffsetSec: layout.videoOffsetSec,
    ...(layout.videoStartSec !== undefined ? { videoStartSec: layout.videoStartSec } : {}),
    seams,
    ...(layout.fitSize ? { fitSize: layout.fitSize } : {}),
    ...(cost.byCount <= 1.5 * cost.bySeek ? { byCount: true } : {}),
  };
}

/**
 * About how many source frames the check decodes from the first frame (byCount), and with a seek
 * to each seam: from the keyframe before the frame ahead of it, a second earlier without an index,
 * from the first frame without a seek (AVI). Pure.
 */
export function seamCost(
  layout: Pick<SeamSource, 'keyframes' | 'fps' | 'seekIndex'>,
  seams: readonly Pick<SeamPoint, 'frame'>[],
): { byCount: number; bySeek: number } {
  const back = layout.seekIndex === 'none' ? Math.round(SEEK_BACK * layout.fps) : 0;
  let bySeek = 0;
  for (const { frame } of seams) {
    const key = layout.seekIndex === 'start' ? 0 : keyframeAtOrBefore(layout.keyframes, frame - 1);
    bySeek += frame + 2 - Math.max(0, key - back);
  }
  return { byCount: (seams.at(-1)?.frame ?? -2) + 2, bySeek };
}

function keyframeAtOrBefore(keyframes: readonly number[], frame: number): number {
  let at = 0;
  for (const k of keyframes) if (k <= frame) at = Math.max(at, k);
  return at;
}

/** Why a source's frames by index may not be the output's, or what checking them would cost. Pure. */
function unjudgeable(p: SeamSource): string | undefined {
  if (p.process) return 'its processors change the picture';
  if (p.normaliseVfr)
    return "a variable frame rate source: the output's frames are its normalised timeline's";
  if (p.undecodableLead)
    return `the source starts mid-GOP (${p.undecodableLead} undecodable packets dropped): its frames by index are uncertain`;
  return undefined;
}

/** The stitch's side of a seam check: the source's pictures on their way, waiting for the output. */
export interface SeamRun {
  /** Decodes the output's frame at each seam and fails the job where it is not the source's. */
  against(output: string, videoOffsetSec: number): Promise<void>;
  /** Stops the check's decodes (a stitch that failed first never asks `against`). */
  stop(): void;
}

/**
 * The source's frames around each seam: those a seam-pictures task stored (`stored`), read from
 * storage; or, for a plan without that task (planned before it) or pictures that are not what it
 * stored, decoded now (decodeSourceSeams) beside the stitch that writes the output. `against`
 * compares them with the output's. A check that cannot run (none planned, or a source that is not on
 * this machine) says why in a debug line and passes.
 */
export function startSeamCheck(
  check: SeamCheck | undefined,
  input: string | undefined,
  ctx: ExecutorContext,
  stored?: SeamPicturesOutput,
): SeamRun {
  const log = (msg: string) => ctx.log.debug({ jobId: ctx.jobId, taskId: ctx.taskId }, `seam check: ${msg}`);
  const skip = (why: string): SeamRun => ({
    against: () => Promise.resolve(log(`skipped, ${why}`)),
    stop: () => undefined,
  });
  if (!check || input === undefined) return skip('none planned for this stitch');
  if ('skipped' in check) return skip(check.skipped);
  if (check.seams.length === 0) return skip('no seam');
  if (stored && 'skipped' in stored) {
    // A check that could not run on an output that came out is worth a word, not only a debug line.
    if (stored.failed) ctx.log.warn({ jobId: ctx.jobId }, `seam check: skipped, ${stored.skipped}`);
    return skip(stored.skipped);
  }
  // The check's own decodes end with the task, or as soon as the stitch is done with them.
  const controller = new AbortController();
  const abort = () => controller.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', abort, { once: true });
  const stop = () => {
    ctx.signal.removeEventListener('abort', abort);
    controller.abort();
  };
  const signal = controller.signal;
  const decodeHere = () => {
    if (isStorageUrl(input) && !ctx.storage.localPath(storageKeyOf(input, ctx.storage))) return undefined;
    return withInput(input, ctx, (local) => decodeSourceSeams(check, local, signal));
  };
  const started = Date.now();
  const source: Promise<SourcePictures> | undefined = stored
    ? storedSourceSeams(stored, ctx).catch((error: unknown) => {
        ctx.log.warn(
          { jobId: ctx.jobId, err: error },
          `seam check: decoding the source again, ${(error as Error).message}`,
        );
        return decodeHere() ?? Promise.reject(error);
      })
    : decodeHere();
  if (!source) {
    stop();
    return skip('the source is stored elsewhere: checking would download it');
  }
  let sourceMs = 0;
  // Awaited by `against`; a stitch that fails first leaves it unread.
  source.then(() => (sourceMs = Date.now() - started)).catch(() => undefined);
  const from = stored ? 'stored by their task' : 'decoded';
  return {
    against: async (output, videoOffsetSec) => {
      const after = Date.now();
      const decoded = await Promise.all([source, decodeOutputSeams(check, output, videoOffsetSec, signal)])
        .catch((error: unknown) => {
          if (ctx.signal.aborted) throw error;
          // The check's own decode failing is no evidence against the output.
          ctx.log.warn({ jobId: ctx.jobId, err: error }, `seam check: skipped, ${(error as Error).message}`);
          return undefined;
        })
        .finally(stop);
      if (!decoded) return;
      const { failures, unclear } = judgeAll(check, ...decoded);
      for (const line of unclear) log(line);
      const extra = failures.length > 1 ? `; ${failures.length - 1} more seams fail too` : '';
      if (failures[0]) throw new FramefleetError('VERIFY_FAILED', `${failures[0]}${extra}`);
      const n = check.seams.length;
      const times = `the source's frames ${from}, ${sourceMs} ms from the stitch's start, ${Date.now() - after} ms after it`;
      log(`${n} seam${n === 1 ? '' : 's'}, none a frame off the source (${times})`);
    },
    stop,
  };
}

/**
 * The failure of each seam whose output frame is clearly not the source's frame of its index, and
 * what was seen at each seam too unclear to judge. Pure.
 */
export function judgeAll(
  plan: Pick<SeamPlan, 'seams' | 'rate'>,
  sources: readonly (readonly (Uint8Array | undefined)[])[],
  outputs: readonly (readonly Uint8Array[])[],
): { failures: string[]; unclear: string[] } {
  const failures: string[] = [];
  const unclear: string[] = [];
  for (const [i, seam] of plan.seams.entries()) {
    const [previous, own, next] = sources[i] ?? [];
    const out = outputs[i]?.[0];
    // A decode cut short judges nothing (an output short of frames fails its count instead).
    if (!previous || !own || !next || !out) continue;
    const match: SeamMatch = { previous: psnr(out, previous), own: psnr(out, own), next: psnr(out, next) };
    const verdict = judgeSeam(match);
    if (verdict === 'ok') continue;
    const place = { segment: seam.segment, frame: seam.frame, timeSec: frameTime(seam.frame, plan.rate) };
    (verdict === 'unclear' ? unclear : failures).push(seamFailure(place, match, verdict));
  }
  return { failures, unclear };
}
