import { UnrecoverableError, type Job } from 'bullmq';
import type { FramefleetError } from '../../errors.js';
import { toFramefleetError } from '../../errors.js';
import { failureFrom, jobFps, jobProgress, taskRecordFor } from '../job-record.js';
import { runAttempt } from '../run-task.js';
import type { JobEvent, TaskRecord, TaskSpec } from '../types.js';
import type { FleetContext } from './fleet-context.js';
import { isTerminal } from './job-store.js';
import type { TaskJobData } from './keys.js';
import { failRun } from './stop-job.js';

const PROGRESS_EVERY_MS = 1000;
const lastJobProgress = new Map<string, number>();

/**
 * Runs one task of a job on this worker through runAttempt (a verified checkpoint is reused),
 * recording state, progress and failures. Returns 'stale' for a task of an old, cancelled or
 * failed run. Throws what BullMQ should see: the error to retry, or an UnrecoverableError.
 */
export async function taskStep(
  ctx: FleetContext,
  job: Job<TaskJobData>,
  signal: AbortSignal,
): Promise<'done' | 'stale'> {
  const { jobId, run, taskId } = job.data;
  const [[header, previous], graph] = await Promise.all([
    ctx.store.headerAndTask(jobId, taskId),
    ctx.store.graphOf(jobId, run),
  ]);
  const task = graph?.tasks.find((t) => t.id === taskId);
  if (!header || !graph || !task || header.run !== run || isTerminal(header.state)) return 'stale';
  const record = previous ?? taskRecordFor(task);
  Object.assign(record, {
    state: 'running',
    attempts: record.attempts + 1,
    worker: ctx.workerId,
    startedAt: ctx.clock().toISOString(),
    finishedAt: undefined,
    progress: 0,
    fps: undefined,
  } satisfies Partial<TaskRecord>);
  // Not awaited: commands on one connection run in order, so this lands before the task's result.
  const marked = ctx.store
    .putTask(jobId, { ...record }, taskEvent(ctx, jobId, record), true)
    .catch((error: unknown) =>
      ctx.log.warn({ jobId, task: taskId, err: String(error) }, 'cannot mark task running'),
    );
  const inputs = await ctx.store.outputs(jobId, task.dependsOn);
  let lastWrite = 0;
  try {
    const { output, reused } = await runAttempt({
      pipeline: ctx.registry.get(header.type),
      task,
      previousOutput: record.output,
      jobId,
      spec: header.spec,
      inputs,
      attempt: record.attempts,
      workerId: ctx.workerId,
      storage: ctx.storage,
      signal,
      scratchRoot: ctx.scratchRoot,
      log: ctx.log,
      progress: (p) => {
        record.progress = Math.max(0, Math.min(1, p.fraction));
        record.fps = p.fps;
        if (Date.now() - lastWrite < PROGRESS_EVERY_MS) return;
        lastWrite = Date.now();
        void reportProgress(ctx, jobId, record).catch(() => undefined);
      },
    });
    Object.assign(record, {
      state: 'done',
      output,
      reused,
      progress: 1,
      fps: undefined,
      finishedAt: ctx.clock().toISOString(),
    } satisfies Partial<TaskRecord>);
    await marked;
    await ctx.store.putTask(jobId, record, taskEvent(ctx, jobId, record));
    if (task.id === graph.rootTaskId) {
      await cleanIntermediates(ctx, jobId, task);
      await ctx.store.setState(jobId, 'done', { result: output, waitingFor: undefined }, { run });
    } else if (Date.now() - (lastJobProgress.get(jobId) ?? 0) >= PROGRESS_EVERY_MS / 2) {
      // Job progress reads every task record: at most twice a second per job and process.
      lastJobProgress.set(jobId, Date.now());
      if (lastJobProgress.size > 256) lastJobProgress.delete(lastJobProgress.keys().next().value!);
      await reportProgress(ctx, jobId, record);
    }
    return 'done';
  } catch (raw) {
    throw await onTaskError(ctx, job, record, toFramefleetError(raw), signal);
  }
}

/** Records a failed attempt and returns what to throw: the error (BullMQ retries) or an unrecoverable one. */
async function onTaskError(
  ctx: FleetContext,
  job: Job<TaskJobData>,
  record: TaskRecord,
  error: FramefleetError,
  signal: AbortSignal,
): Promise<Error> {
  const { jobId, run } = job.data;
  record.fps = undefined;
  record.finishedAt = ctx.clock().toISOString();
  const header = await ctx.store.header(jobId);
  if (!header || header.run !== run || isTerminal(header.state)) {
    // Cancelled, or failed by a sibling: nothing to retry.
    record.state = 'cancelled';
    await ctx.store.putTasks(jobId, [record]);
    return new UnrecoverableError(`job ${jobId} is ${header?.state ?? 'gone'}`);
  }
  if (signal.aborted) {
    // Aborted for a reason other than the job ending (this worker is stopping): hand it back.
    record.state = 'pending';
    await ctx.store.putTasks(jobId, [record]);
    return error;
  }
  const maxAttempts = job.opts.attempts ?? 1;
  const willRetry = !error.fatal && job.attemptsMade + 1 < maxAttempts;
  const failure = failureFrom(record, error, willRetry, ctx.workerId, ctx.clock());
  ctx.log.warn({ jobId, task: record.id, code: error.code, willRetry }, error.message);
  record.state = willRetry ? 'pending' : 'failed';
  record.progress = 0;
  await ctx.store.putTasks(jobId, [record]);
  await ctx.store.addFailure({ ...failure, jobId });
  await publishTask(ctx, jobId, record);
  if (willRetry) return error;
  return failRun(ctx, jobId, run, error);
}

async function publishTask(ctx: FleetContext, jobId: string, record: TaskRecord): Promise<void> {
  await ctx.store.publish(taskEvent(ctx, jobId, record));
}

function taskEvent(ctx: FleetContext, jobId: string, record: TaskRecord): JobEvent {
  return {
    type: 'task',
    jobId,
    taskId: record.id,
    kind: record.kind,
    state: record.state,
    worker: ctx.workerId,
    ...(record.state === 'done' ? { reused: record.reused } : {}),
  };
}

async function reportProgress(ctx: FleetContext, jobId: string, record: TaskRecord): Promise<void> {
  if (record.state === 'running') {
    await ctx.store.putTasks(jobId, [record]);
    await ctx.store.publish({
      type: 'task-progress',
      jobId,
      taskId: record.id,
      progress: record.progress,
      fps: record.fps,
    });
  }
  const tasks = await ctx.store.tasks(jobId);
  // The backend that follows the job adds the ETA; workers see only their own tasks' rates.
  await ctx.store.publish({
    type: 'progress',
    jobId,
    progress: jobProgress(tasks),
    fps: jobFps(tasks),
    etaSec: undefined,
  });
}

async function cleanIntermediates(ctx: FleetContext, jobId: string, root: TaskSpec): Promise<void> {
  if (ctx.keepIntermediates) return;
  for (const record of await ctx.store.tasks(jobId)) {
    const key = (record.output as { key?: unknown } | undefined)?.key;
    if (record.id === root.id || typeof key !== 'string') continue;
    await ctx.storage.delete(key).catch(() => undefined);
  }
}
