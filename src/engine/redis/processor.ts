import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { show, toFramefleetError } from '../../errors.js';
import type { GpuPin } from '../gpu-pin.js';
import type { Requirements } from '../types.js';
import type { FleetContext } from './fleet-context.js';
import { isTerminal } from './job-store.js';
import { CONTROL_QUEUE, isTaskJobData, type TaskJobData } from './keys.js';
import { planStep } from './plan-step.js';
import type { StartRecorder } from './start-recorder.js';
import { failRun } from './stop-job.js';
import { taskStep } from './task-step.js';

/** How long a plan step that waits for a worker with the right encoder sleeps before it looks again. */
export const PLAN_RECHECK_MS = 2000;
/**
 * How long a task this worker cannot serve waits before a worker of its pool takes it again: short
 * at first (another worker may be free now), longer each time it comes back (none may exist).
 */
export function elsewhereDelayMs(timesTaken: number): number {
  return Math.min(2000, 50 * 2 ** Math.max(0, timesTaken - 1));
}

/**
 * Refuses a queued job whose data is not a framefleet task's (added by hand or by another program)
 * before it takes a slot: failed at once, never retried, so it neither loops nor wedges the worker.
 */
export function assertTaskJobData(data: unknown): asserts data is TaskJobData {
  if (isTaskJobData(data)) return;
  const text = JSON.stringify(data) ?? String(data);
  throw new UnrecoverableError(`malformed task data ${show(text)}: expected {jobId, run, taskId}`);
}

export interface ProcessOptions {
  gpu?: GpuPin;
  /** Worker-side checks (features, memory, frame size) beyond the pool the task came from. */
  serves?: (requires: Requirements) => boolean;
  starts: StartRecorder;
  /** Told when this worker's own scratch disk filled up (see ownDiskFull). */
  ownDiskFull?: (path: string) => void;
  /** While true, this worker takes no tasks (its scratch disk filled): they go to another worker. */
  held?: () => boolean;
}

/**
 * The function BullMQ workers run for every framefleet job: the plan step on the control queue,
 * a task step anywhere else. `signal` aborts the task (cancel, shutdown). Returns the step's outcome.
 */
export async function processFleetJob(
  ctx: FleetContext,
  job: Job<TaskJobData>,
  token: string | undefined,
  signal: AbortSignal,
  options: ProcessOptions,
): Promise<string> {
  if (job.queueName !== CONTROL_QUEUE) {
    // Held (its scratch disk filled): taken in the moment before the worker paused; not run here.
    const outcome = options.held?.() ? 'elsewhere' : await taskStep(ctx, job, signal, options);
    if (outcome !== 'elsewhere') return outcome;
    // Another worker of this pool has what the task needs (or the job says it waits for one).
    await job.moveToDelayed(Date.now() + elsewhereDelayMs(job.attemptsStarted), token);
    throw new DelayedError();
  }
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
  await ctx.store.addFailure({
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
  });
  ctx.log.warn({ jobId, task: 'plan', code: error.code, willRetry }, error.message);
  if (willRetry) return error;
  return failRun(ctx, jobId, run, error);
}
