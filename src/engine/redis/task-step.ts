import type { Job } from 'bullmq';
import { FramefleetError, toFramefleetError } from '../../errors.js';
import { inputCacheDir } from '../../storage/work-folders.js';
import type { GpuPin } from '../gpu-pin.js';
import { failureFrom, isoTime, taskEventOf, taskRecordFor } from '../job-record.js';
import { cleanScratch, endRun, withRun } from '../lifecycle.js';
import { runAttempt } from '../run-task.js';
import type { Requirements, TaskGraph, TaskRecord, TaskSpec } from '../types.js';
import type { FleetContext } from './fleet-context.js';
import { isTerminal, type JobHeader } from './job-store.js';
import type { TaskJobData } from './keys.js';
import { reportProgress } from './progress.js';
import type { StartRecorder } from './start-recorder.js';
import { type PendingStart } from './start-recorder.js';
import { ownDiskFull } from './own-disk-full.js';
import { failRun } from './stop-job.js';

/** How old the job header a first start checks may be; cancels also reach workers by pub/sub. */
const HEADER_MAX_AGE_MS = 1000;

/** 'cancelled': the task stopped because its job ended meanwhile (cancelled, or failed by a sibling). */
export type TaskOutcome = 'done' | 'stale' | 'elsewhere' | 'cancelled';

/**
 * Runs one task of a job on this worker through runAttempt (a verified checkpoint is reused),
 * recording its run, state, progress and failures; its done record counts its dependants down and
 * queues those now ready, and the root's ends the job. 'stale': a task of an old, cancelled or
 * failed run. 'elsewhere': this worker lacks something the task needs (`serves` said no). Throws
 * what BullMQ should see: the error to retry, or an UnrecoverableError.
 */
export async function taskStep(
  ctx: FleetContext,
  job: Job<TaskJobData>,
  signal: AbortSignal,
  options: {
    gpu?: GpuPin;
    serves?: (requires: Requirements) => boolean;
    starts: StartRecorder;
    /** Told when this worker's own scratch disk filled up (the task goes to another worker). */
    ownDiskFull?: (path: string) => void;
  },
): Promise<TaskOutcome> {
  const { jobId, run, taskId } = job.data;
  const found = await ctx.graphs.task(jobId, taskId, run);
  if (!found) return 'stale';
  const { task } = found;
  if (options.serves && !options.serves(task.requires)) return 'elsewhere';
  // The first start of a task in a job's first run has no record yet: the header is shared by the
  // process's recent task starts, and its inputs come from the process's cache of done outputs.
  // Everything else reads the header, its own record (attempts, a checkpoint to reuse) and its
  // inputs in one command.
  const first = run === 1 && job.attemptsStarted <= 1;
  let header: JobHeader | undefined;
  let previous: TaskRecord | undefined;
  let inputs: unknown[] = [];
  if (first) {
    [header, inputs] = await Promise.all([
      ctx.store.recentHeader(jobId, HEADER_MAX_AGE_MS),
      task.dependsOn.length > 0 ? ctx.store.outputsOf(jobId, run, task.dependsOn) : [],
    ]);
  } else {
    let deps: (TaskRecord | undefined)[];
    [header, previous, deps] = await ctx.store.claim(jobId, taskId, task.dependsOn);
    inputs = deps.map((d) => d?.output);
  }
  if (!header || header.run !== run || isTerminal(header.state)) return 'stale';
  if (previous?.state === 'done' && previous.output !== undefined && !first) {
    // Done in this run already (its worker died before BullMQ heard): re-queue what it made ready.
    return finish(ctx, job, header, found.graph, task, previous, undefined);
  }
  const started = isoTime(ctx.clock());
  const record = withRun(
    {
      ...(previous ?? taskRecordFor(task)),
      state: 'running',
      attempts: (previous?.attempts ?? 0) + 1,
      worker: ctx.workerId,
      startedAt: started,
      finishedAt: undefined,
      progress: 0,
      fps: undefined,
    },
    {
      attempt: (previous?.attempts ?? 0) + 1,
      worker: ctx.workerId,
      pool: job.queueName,
      startedAt: started,
      finishedAt: undefined,
      outcome: 'running',
    },
  );
  const start = options.starts.add(ctx, jobId, run, record);
  try {
    let lastProgress = Date.now();
    // A new user's fleet trial overwrote an input while its job ran: a segment made from the other
    // file was kept and reused by the retry. Each task checks the stamps once it is done, as on the
    // embedded engine.
    const inputStamps = await ctx.graphs.inputsOfRun(jobId, run);
    const { output, reused, expansion } = await runAttempt({
      pipeline: ctx.registry.get(header.type),
      task,
      previousOutput: record.output,
      jobId,
      spec: header.spec,
      inputs: Object.fromEntries(task.dependsOn.map((id, i) => [id, inputs[i]])),
      attempt: record.attempts,
      workerId: ctx.workerId,
      storage: ctx.storage,
      signal,
      scratchRoot: ctx.scratchRoot,
      log: ctx.log,
      gpu: options.gpu,
      paths: ctx.paths,
      inputStamps,
      progress: (p) => {
        record.progress = Math.max(0, Math.min(1, p.fraction));
        record.fps = p.fps;
        if (Date.now() - lastProgress < 1000) return;
        lastProgress = Date.now();
        void reportProgress(ctx, jobId, run, record, start).catch(() => undefined);
      },
    });
    const at = isoTime(ctx.clock());
    Object.assign(record, { state: 'done', output, reused, progress: 1, fps: undefined, finishedAt: at });
    endRun(record, reused ? 'reused' : 'done', at);
    await options.starts.settle(start);
    return await finish(ctx, job, header, found.graph, task, record, expansion);
  } catch (raw) {
    await options.starts.settle(start);
    const error = toFramefleetError(raw);
    const full = ownDiskFull(error, [ctx.scratchRoot, inputCacheDir()], ctx.storage);
    const thrown = await onTaskError(ctx, job, record, error, signal, full);
    if (full !== undefined) options.ownDiskFull?.(full);
    // A task its job's end stopped did not fail: it completes (nothing to retry), counted as
    // cancelled, not among the pool's failures.
    if (thrown === 'cancelled') return 'cancelled';
    throw thrown;
  }
}

/**
 * Lands a done task: its expansion first (so a re-run after a crash finds it stored), then its done
 * record, then the tasks both made ready onto their queues; the root's done record ends the job.
 */
async function finish(
  ctx: FleetContext,
  job: Job<TaskJobData>,
  header: JobHeader,
  graph: TaskGraph,
  task: TaskSpec,
  record: TaskRecord,
  expansion: Parameters<FleetContext['graphs']['expand']>[3] | undefined,
): Promise<TaskOutcome> {
  const { jobId, run } = job.data;
  const ready: string[] = [];
  if (expansion) {
    const stored = await ctx.graphs.expand(jobId, run, task.id, expansion);
    if (!stored.added && stored.stale) return 'stale';
    if (stored.added) ready.push(...stored.ready);
  }
  const written = await ctx.store.putTask(jobId, run, record);
  if (!written.written) return 'stale';
  ready.push(...written.ready);
  const current = expansion ? ((await ctx.graphs.graph(jobId)) ?? graph) : graph;
  if (ready.length > 0 && !written.ended) {
    await ctx.enqueuer.add(jobId, run, header.priority, await tasksOf(ctx, jobId, run, current, ready));
  }
  if (task.id === current.rootTaskId) {
    if (!ctx.keepIntermediates) await cleanScratch(ctx.storage, jobId);
    await ctx.store.setState(jobId, 'done', { result: record.output, waitingFor: undefined }, { run });
  } else if (!written.ended) {
    await reportProgress(ctx, jobId, run, record, undefined);
  }
  return 'done';
}

/** The specs of tasks by id; an id this process has not seen comes from an expansion it has not read. */
async function tasksOf(
  ctx: FleetContext,
  jobId: string,
  run: number,
  graph: TaskGraph,
  ids: string[],
): Promise<TaskSpec[]> {
  const byId = new Map(graph.tasks.map((t) => [t.id, t]));
  const out: TaskSpec[] = [];
  for (const id of ids) {
    const task = byId.get(id) ?? (await ctx.graphs.task(jobId, id, run))?.task;
    if (task) out.push(task);
  }
  return out;
}

/**
 * Records a failed attempt and returns what to throw: the error (BullMQ retries) or an unrecoverable
 * one; 'cancelled' where the job had ended meanwhile (nothing is thrown then). A full disk is
 * fatal, except this worker's own scratch (`ownFull`, the file that did not fit): another worker
 * may have room, so it is retried while attempts are left.
 */
async function onTaskError(
  ctx: FleetContext,
  job: Job<TaskJobData>,
  record: TaskRecord,
  error: FramefleetError,
  signal: AbortSignal,
  ownFull: string | undefined,
): Promise<Error | 'cancelled'> {
  const { jobId, run } = job.data;
  const at = isoTime(ctx.clock());
  record.fps = undefined;
  record.finishedAt = at;
  const header = await ctx.store.header(jobId);
  if (!header || header.run !== run || isTerminal(header.state)) {
    // Cancelled, or failed by a sibling: nothing to retry.
    record.state = 'cancelled';
    endRun(record, 'cancelled', at);
    await ctx.store.putTask(jobId, run, record);
    return 'cancelled';
  }
  if (signal.aborted) {
    // Aborted for a reason other than the job ending (this worker is stopping): hand it back.
    record.state = 'pending';
    endRun(record, 'handed-back', at);
    await ctx.store.putTask(jobId, run, record);
    return error;
  }
  const maxAttempts = job.opts.attempts ?? 1;
  const willRetry = (!error.fatal || ownFull !== undefined) && job.attemptsMade + 1 < maxAttempts;
  const said =
    ownFull === undefined ? error : ownDiskError(ctx, error, willRetry, job.attemptsMade + 1, maxAttempts);
  const failure = failureFrom(record, said, willRetry, ctx.workerId, ctx.clock());
  ctx.log.warn({ jobId, task: record.id, code: said.code, willRetry }, said.message);
  record.state = willRetry ? 'pending' : 'failed';
  record.progress = 0;
  endRun(record, willRetry ? 'retry' : 'failed', at);
  await ctx.store.putTask(jobId, run, record);
  await ctx.store.addFailure({ ...failure, jobId });
  await ctx.store.publish(taskEventOf(jobId, record, ctx.workerId));
  if (willRetry) return said;
  return failRun(ctx, jobId, run, said);
}

/**
 * A full disk of this worker's own scratch, said as what happens next: the task goes back to its
 * queue for a worker with room (not fatal), or, with no attempt left, the job's NO_SPACE error.
 */
function ownDiskError(
  ctx: FleetContext,
  error: FramefleetError,
  willRetry: boolean,
  attempt: number,
  attempts: number,
): FramefleetError {
  const where = `${error.message} on worker ${ctx.workerId}'s own scratch disk (attempt ${attempt} of ${attempts})`;
  return new FramefleetError(
    'NO_SPACE',
    willRetry
      ? `${where}: the task goes back to its queue for a worker with room`
      : `${where}: no worker with room ran the task`,
    {
      cause: error,
      fatal: !willRetry,
      ...(error.ffmpegTail !== undefined ? { ffmpegTail: error.ffmpegTail } : {}),
      details: { ...error.details, worker: ctx.workerId },
    },
  );
}

export type { PendingStart };
