import type { CheckpointVerifier, Executor } from '../../engine/types.js';
import { withInput } from '../job-files.js';
import { analyzeScenes } from '../analyze/measure-scenes.js';
import { rangesFor, transcodeTasks } from './layout.js';
import type { ScenesOutput, ScenesPayload, SplitOutput, SplitPayload } from './payloads.js';

/** A scene-cut transcode's first task: one fast scene pass over the input (~256 px), hard cuts only. */
export const findCuts: Executor<ScenesPayload, ScenesOutput> = async (p, ctx) => {
  const scenes = await withInput(p.input, ctx, (local) =>
    analyzeScenes(local, { signal: ctx.signal, onProgress: (fraction) => ctx.progress({ fraction }) }),
  );
  const cuts = scenes.cuts.filter((c) => c.kind === 'hard').map((c) => c.frame);
  ctx.log.info({ jobId: ctx.jobId, cuts: cuts.length }, `scene analysis found ${cuts.length} hard cuts`);
  return { cuts };
};

/**
 * Splits at the cuts the analysis found and adds the segments, the audio and the stitch to the job:
 * the plan could not know them, and analysing inside the plan would run on the control queue with
 * no progress and no retry.
 */
export const splitOnCuts: Executor<SplitPayload, SplitOutput> = async (p, ctx) => {
  const { cuts } = ctx.inputs.scenes as ScenesOutput;
  const ranges = rangesFor(p.layout, cuts);
  const tasks = transcodeTasks(p.layout, ranges, [ctx.taskId]);
  ctx.expand({ tasks, root: tasks.at(-1)!.id });
  return { segments: ranges.length, onCuts: ranges.filter((r) => r.startsAt === 'scene-cut').length };
};

/** Both outputs are data kept with the job: a recorded one stands (the split's expansion is stored with it). */
export const keepData: CheckpointVerifier = async (_p, output) => output !== undefined && output !== null;
