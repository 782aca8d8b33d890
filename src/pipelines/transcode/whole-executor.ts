import { FramefleetError, show } from '../../errors.js';
import type { Executor } from '../../engine/types.js';
import { encoderByName } from '../../media/encoders/catalogue.js';
import { LOST_FRAME, lostFrame, partlyUndecodable, undecodableInput } from '../../media/decode-failure.js';
import { runFfmpeg } from '../../media/run.js';
import { verifyOutput, videoFrames, type AudioTrackExpectation } from '../../media/verify.js';
import { wholeArgs } from '../../media/whole-args.js';
import { withInput } from '../job-files.js';
import { placeOutput, stitchOutput } from './executors.js';
import type { StitchOutput, WholePayload } from './payloads.js';

// As a segment's: the limit guards against hangs, not work.
const WHOLE_TIMEOUT_MS = 2 * 60 * 60_000;

/**
 * A one-segment job's output in one ffmpeg run, as one plain command writes it: the video encode,
 * the audio (copied or encoded once) and the MP4 index, then the stitch's checks (frames, A/V
 * durations against the source's) before the output is placed. No segment, audio file or remux.
 */
export const encodeWhole: Executor<WholePayload, StitchOutput> = async (p, ctx) => {
  const encoder = encoderByName(p.encoder);
  if (!encoder)
    throw new FramefleetError('UNKNOWN_ENCODER', `unknown encoder ${show(p.encoder)} in task ${ctx.taskId}`);
  const write = (tmp: string) =>
    withInput(p.input, ctx, async (input) => {
      const run = await runFfmpeg(
        wholeArgs({
          ...p,
          input,
          encoder,
          codec: encoder.codec,
          output: tmp,
          renderNode: ctx.gpu?.renderNode,
        }),
        {
          signal: ctx.signal,
          // A GPU task runs on the one device its slot is on.
          ...(ctx.gpu ? { env: { ...process.env, ...ctx.gpu.env } } : {}),
          timeoutMs: WHOLE_TIMEOUT_MS,
          label: `encode ${show(p.input)} with ${p.encoder}`,
          onProgress: (pr) => ctx.progress({ fraction: Math.min(0.99, pr.frame / p.frames), fps: pr.fps }),
          watch: LOST_FRAME,
        },
      ).catch((error: unknown) => {
        throw undecodableInput(p.input, error);
      });
      // A frame lost and replaced: bad input, whether or not the output comes out short.
      const lost = lostFrame(p.input, run);
      const checked = await verifyOutput(tmp, {
        frames: p.frames,
        sourceAvGapSec: p.sourceAvGapSec,
        audioFrameSec: p.audioFrameSec,
        ...moreExpected(p),
      }).catch(async (error: unknown) => {
        // Short because part of the input would not decode: a bad input, not worth another try.
        const got = await videoFrames(tmp, ctx.signal).catch(() => p.frames);
        throw partlyUndecodable(p.input, run.stderrTail, p.frames - got) ?? lost ?? error;
      });
      if (lost) throw lost;
      return checked;
    });
  const { value: checked, size } = await placeOutput(p, ctx, write);
  ctx.progress({ fraction: 1 });
  return stitchOutput(p, checked, size);
};

/** What the audio tracks after the first are held to, where the plan says for each (made before: none). */
function moreExpected(p: WholePayload): { moreAudio?: AudioTrackExpectation[] } {
  const expected = (p.moreAudio ?? []).map((m) => m.expected);
  return expected.length && expected.every((e) => e !== undefined) ? { moreAudio: expected } : {};
}
