import { UnrecoverableError, type Job } from 'bullmq';
import type { GpuPin } from '../../cluster/gpu-pin.js';
import type { FramefleetError } from '../../errors.js';
import { toFramefleetError } from '../../errors.js';
import { failureFrom, isoTime, jobFps, jobProgress, taskEventOf, taskRecordFor } from '../job-record.js';
import { runAttempt } from '../run-task.js';
import type { TaskGraph, TaskRecord, TaskSpec } from '../types.js';
import type { FleetContext } from './fleet-context.js';
import { isTerminal, withPending, type JobHeader } from './job-store.js';
import type { TaskJobData } from './keys.js';
import { failRun } from './stop-job.js';

const PROGRESS_EVERY_MS = 1000;
/**
 * A task's start is recorded only when it is still running this long after: shorter tasks show up
 * once, done, and cost one Redis write instead of two.
 */
const RUNNING_RECORD_DELAY_MS = 100;
/** How old the job header a first start checks may be; cancels also reach workers by pub/sub. */
const HEADER_MAX_AGE_MS = 1000;
const lastJobProgress = new Map<string, number>();

/**
 * Runs one task of a job on this worker through runAttempt (a verified checkpoint is reused),
 * recording state, progress and failures. Returns the done record, which becomes the task's BullMQ
 * return value (its parent reads its children's records from there), or 'stale' for a task of an
 * old, cancelled or failed run. Throws what BullMQ should see: the error to retry, or an
 * UnrecoverableError.
 */
export async function taskStep(
  ctx: FleetContext,
  job: Job<TaskJobData>,
  signal: AbortSignal,
  gpu?: GpuPin,
): Promise<TaskRecord | 'stale'> {
  const { jobId, run, taskId } = job.data;
  // The first start of a task in a job's first run reads nothing of its own: it has no record yet
  // (pending comes from the graph), and the header is shared by the process's recent task starts.
  // Retries, stalls, hand-backs and later runs read the record (attempts, a checkpoint to reuse).
  const first = run === 1 && job.attemptsStarted <= 1;
  const graphRead = ctx.store.graphOf(jobId, run);
  let header: JobHeader | undefined;
  let previous: TaskRecord | undefined;
  if (first) header = await ctx.store.recentHeader(jobId, HEADER_MAX_AGE_MS);
  else [header, previous] = await ctx.store.headerAndTask(jobId, taskId);
  const graph = await graphRead;
  const task = graph && taskIn(graph, taskId);
  if (!header || !graph || !task || header.run !== run || isTerminal(header.state)) return 'stale';
  const record: TaskRecord = {
    ...(previous ?? taskRecordFor(task)),
    state: 'running',
    attempts: (previous?.attempts ?? 0) + 1,
    worker: ctx.workerId,
    startedAt: isoTime(ctx.clock()),
    finishedAt: undefined,
    progress: 0,
    fps: undefined,
  };
  const start: PendingStart = { at: Date.now(), ctx, jobId, run, record, written: undefined };
  startsToRecord.add(start);
  startsTicker ??= setInterval(recordStarts, RUNNING_RECORD_DELAY_MS / 2).unref();
  try {
    return await runTask(ctx, job, signal, { header, graph, task, record, gpu }, start);
  } finally {
    startsToRecord.delete(start);
  }
}

/** A task start not recorded yet; `written` is its record write once the ticker made it. */
interface PendingStart {
  at: number;
  ctx: FleetContext;
  jobId: string;
  run: number;
  record: TaskRecord;
  written: Promise<unknown> | undefined;
}

/**
 * Task starts not recorded yet, oldest first. One timer per process records those still running
 * after RUNNING_RECORD_DELAY_MS; a task that ends sooner leaves without a start record.
 */
const startsToRecord = new Set<PendingStart>();
let startsTicker: NodeJS.Timeout | undefined;

function recordStarts(): void {
  const due = Date.now() - RUNNING_RECORD_DELAY_MS;
  for (const start of startsToRecord) {
    if (start.at > due) break;
    startsToRecord.delete(start);
    const { ctx, jobId, run, record } = start;
    start.written = ctx.store
      .putTask(jobId, { ...record }, run)
      .catch((error: unknown) =>
        ctx.log.warn({ jobId, task: record.id, err: String(error) }, 'cannot mark task running'),
      );
  }
  if (startsToRecord.size === 0 && startsTicker) {
    clearInterval(startsTicker);
    startsTicker = undefined;
  }
}

/** Stops a pending start record; a write already made is awaited, so the end record lands after it. */
async function settle(start: PendingStart): Promise<void> {
  startsToRecord.delete(start);
  if (start.written) await start.written;
}

const taskIndex = new WeakMap<TaskGraph, Map<string, TaskSpec>>();

/** A task of a graph by id, through an index built once per graph: jobs have hundreds of tasks. */
function taskIn(graph: TaskGraph, taskId: string): TaskSpec | undefined {
  let index = taskIndex.get(graph);
  if (!index) taskIndex.set(graph, (index = new Map(graph.tasks.map((t) => [t.id, t]))));
  return index.get(taskId);
}

interface Started {
  header: JobHeader;
  graph: TaskGraph;
  task: TaskSpec;
  record: TaskRecord;
  gpu: GpuPin | undefined;
}

async function runTask(
  ctx: FleetContext,
  job: Job<TaskJobData>,
  signal: AbortSignal,
  { header, graph, task, record, gpu }: Started,
  start: PendingStart,
): Promise<TaskRecord | 'stale'> {
  const { jobId, run } = job.data;
  const inputs = task.dependsOn.length > 0 ? await childOutputs(ctx, job, task) : {};
  let lastWrite = Date.now();
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
      gpu,
      paths: ctx.paths,
      progress: (p) => {
        record.progress = Math.max(0, Math.min(1, p.fraction));
        record.fps = p.fps;
        if (Date.now() - lastWrite < PROGRESS_EVERY_MS) return;
        lastWrite = Date.now();
        void reportProgress(ctx, jobId, graph, record).catch(() => undefined);
      },
    });
    record.state = 'done';
    record.output = output;
    record.reused = reused;
    record.progress = 1;
    record.fps = undefined;
    record.finishedAt = isoTime(ctx.clock());
    const short = !start.written && task.dependsOn.length === 0 && job.parentKey !== undefined;
    if (short) {
      // A short leaf task shows up once, done, adopted behind from its BullMQ return value.
      startsToRecord.delete(start);
      ctx.store.adoptLater(jobId, run, `${job.parentKey}:processed`, `${job.queueQualifiedName}:${job.id!}`);
    } else {
      await settle(start);
      const { written } = await ctx.store.putTask(jobId, record, run);
      if (!written) return 'stale';
    }
    if (task.id === graph.rootTaskId) {
      await cleanIntermediates(ctx, jobId, graph, inputs);
      await ctx.store.setState(jobId, 'done', { result: output, waitingFor: undefined }, { run });
    } else if (Date.now() - (lastJobProgress.get(jobId) ?? 0) >= PROGRESS_EVERY_MS) {
      // Job progress reads every task record: at most once a second per job and process.
      lastJobProgress.set(jobId, Date.now());
      if (lastJobProgress.size > 256) lastJobProgress.delete(lastJobProgress.keys().next().value!);
      const reported = reportProgress(ctx, jobId, graph, record);
      if (short) void reported.catch(() => undefined);
      else await reported;
    }
    return record;
  } catch (raw) {
    await settle(start);
    throw await onTaskError(ctx, job, record, toFramefleetError(raw), signal);
  }
}

/**
 * The outputs of a task's dependencies, from their done records: BullMQ keeps each child's return
 * value for its parent. The records are adopted into the job's records first (in Redis), so they
 * are complete whatever the children's workers wrote. A dependency without a return value is read
 * from the records.
 */
async function childOutputs(
  ctx: FleetContext,
  job: Job<TaskJobData>,
  task: TaskSpec,
): Promise<Record<string, unknown>> {
  const { jobId, run } = job.data;
  const values = await ctx.store.adopt(jobId, run, `${job.queueQualifiedName}:${job.id!}:processed`);
  const wanted = new Set(task.dependsOn);
  const records = new Map<string, TaskRecord>();
  for (const value of Object.values(values)) {
    const record = parseRecord(value);
    if (record && wanted.has(record.id)) records.set(record.id, record);
  }
  const missing = task.dependsOn.filter((id) => !records.has(id));
  const stored = await ctx.store.outputs(jobId, missing);
  return Object.fromEntries(
    task.dependsOn.map((id) => [id, records.has(id) ? records.get(id)!.output : stored[id]]),
  );
}

/** A child's BullMQ return value as a done record, or undefined ('stale', or not JSON). */
function parseRecord(value: string): TaskRecord | undefined {
  try {
    const parsed = JSON.parse(value) as unknown;
    return isTaskRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function isTaskRecord(value: unknown): value is TaskRecord {
  return typeof value === 'object' && value !== null && (value as TaskRecord).state === 'done';
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
  record.finishedAt = isoTime(ctx.clock());
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
  await ctx.store.publish(taskEventOf(jobId, record, ctx.workerId));
}

async function reportProgress(
  ctx: FleetContext,
  jobId: string,
  graph: TaskGraph,
  record: TaskRecord,
): Promise<void> {
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
  const tasks = withPending(graph, await ctx.store.tasks(jobId));
  // The backend that follows the job adds the ETA; workers see only their own tasks' rates.
  await ctx.store.publish({
    type: 'progress',
    jobId,
    progress: jobProgress(tasks),
    fps: jobFps(tasks),
    etaSec: undefined,
  });
}

/** Deletes the stored outputs of every task but the root: `inputs` already holds the root's own. */
async function cleanIntermediates(
  ctx: FleetContext,
  jobId: string,
  graph: TaskGraph,
  inputs: Record<string, unknown>,
): Promise<void> {
  if (ctx.keepIntermediates) return;
  const deeper = graph.tasks.filter((t) => t.id !== graph.rootTaskId && !(t.id in inputs)).map((t) => t.id);
  const outputs = { ...inputs, ...(await ctx.store.outputs(jobId, deeper)) };
  for (const output of Object.values(outputs)) {
    const key = (output as { key?: unknown } | undefined)?.key;
    if (typeof key === 'string') await ctx.storage.delete(key).catch(() => undefined);
  }
}
