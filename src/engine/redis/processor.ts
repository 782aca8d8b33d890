import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { GpuPin } from '../../cluster/gpu-pin.js';
import { toFramefleetError } from '../../errors.js';
import type { TaskRecord } from '../types.js';
import type { FleetContext } from './fleet-context.js';
import { isTerminal } from './job-store.js';
import { CONTROL_QUEUE, type TaskJobData } from './keys.js';
import { planStep } from './plan-step.js';
import { failRun } from './stop-job.js';
import { taskStep } from './task-step.js';

/** How long a plan step that waits for a worker with the right encoder sleeps before it looks again. */
export const PLAN_RECHECK_MS = 2000;

/**
 * The function BullMQ workers run for every framefleet job: the plan step on the control queue,
 * a task step anywhere else. `signal` aborts the task (cancel, shutdown). Returns BullMQ's return
 * value: a task's done record, else the step's outcome.
 */
export async function processFleetJob(
  ctx: FleetContext,
  job: Job<TaskJobData>,
  token: string | undefined,
  signal: AbortSignal,
  gpu?: GpuPin,
): Promise<TaskRecord | string> {
  if (job.queueName !== CONTROL_QUEUE) return taskStep(ctx, job, signal, gpu);
  let outcome: string;
  try {
    outcome = await planStep(ctx, job.data, signal);
  } catch (raw) {
    throw await onPlanError(ctx, job, raw);
  }
  if (outcome === 'wait') {
    await job.moveToDelayed(Date.now() + PLAN_RECHECK_MS, token);
    throw new DelayedError();
  }
  return outcome;
}

async function onPlanError(ctx: FleetContext, job: Job<TaskJobData>, raw: unknown): Promise<Error> {
  const error = toFramefleetError(raw);
  const { jobId, run } = job.data;
  const header = await ctx.store.header(jobId);
  if (!header || header.run !== run || isTerminal(header.state)) return new UnrecoverableError('stale run');
  const willRetry = !error.fatal && job.attemptsMade + 1 < (job.opts.attempts ?? 1);
  const failure = {
    jobId,
    task: 'plan',
    kind: 'plan',
    attempt: job.attemptsMade + 1,
    willRetry,
    fatal: error.fatal,
    worker: ctx.workerId,
    code: error.code,
    message: error.message,
    ffmpegTail: error.ffmpegTail,
    at: ctx.clock().toISOString(),
  };
  await ctx.store.addFailure(failure);
  ctx.log.warn({ jobId, task: 'plan', code: error.code, willRetry }, error.message);
  if (willRetry) return error;
  return failRun(ctx, jobId, run, error);
}
