import type { Logger } from '../logger.js';
import type { Storage } from '../storage/types.js';
import { validateGraph } from './graph.js';
import { deterministicJobId } from './job-record.js';
import type { PipelineRegistry } from './registry.js';
import type {
  CheckpointVerifier,
  Pipeline,
  PlanContext,
  SubmitOptions,
  TaskGraph,
  TaskRecord,
  TaskRun,
} from './types.js';

/**
 * The job lifecycle, written once: both backends call these for submit, plan, reuse, cleanup,
 * usage and progress, and differ only in where they keep state and how tasks reach workers.
 */

/** Where a job's intermediates live in storage; removed as a whole once the job's result verifies. */
export function scratchPrefix(jobId: string): string {
  return `scratch/${jobId}/`;
}

/**
 * The folder, under a worker's scratch root, that holds a job's task attempt folders: a finished
 * job removes it whole, with what attempts a killed process left behind.
 */
export function jobScratchDir(jobId: string): string {
  return `job-${jobId.replace(/[^\w.-]/g, '_').slice(0, 80)}`;
}

export interface PreparedSubmit {
  pipeline: Pipeline;
  spec: unknown;
  id: string;
  priority: number;
}

/** Validates a submission once and works out its id (the same spec on the same input: the same job). */
export async function prepareSubmit(
  registry: PipelineRegistry,
  storage: Storage,
  type: string,
  rawSpec: unknown,
  options: SubmitOptions = {},
): Promise<PreparedSubmit> {
  const pipeline = registry.get(type);
  const spec = pipeline.parseSpec(rawSpec);
  const identity = pipeline.identity ? await pipeline.identity(spec, { storage }) : '';
  return {
    pipeline,
    spec,
    id: options.jobId ?? deterministicJobId(type, withoutRunOptions(spec), identity),
    priority: options.priority ?? 0,
  };
}

/**
 * Spec fields that say how to run a job, not what it makes: they stay out of its id, so the same
 * command with `-y` finds (and reuses) the job the same command without it made.
 */
export const RUN_OPTIONS = ['overwrite'] as const;

function withoutRunOptions(spec: unknown): unknown {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) return spec;
  const copy: Record<string, unknown> = { ...(spec as Record<string, unknown>) };
  for (const option of RUN_OPTIONS) delete copy[option];
  return copy;
}

/**
 * Plans a job and proves its graph runnable on either backend. What the planner warns of is logged
 * as before and kept with the graph (`warnings`), so the job's record shows it.
 */
export async function planJob(pipeline: Pipeline, spec: unknown, ctx: PlanContext): Promise<TaskGraph> {
  const warnings: string[] = [];
  const graph = validateGraph(await pipeline.plan(spec, { ...ctx, log: keepingWarnings(ctx.log, warnings) }));
  return warnings.length ? { ...graph, warnings } : graph;
}

/** How many of its plan's warnings a job keeps, and how long each may be. */
const MAX_WARNINGS = 20;
const MAX_WARNING_CHARS = 1000;

/** `log`, also adding each distinct warning's message to `into` (a bounded number of them). */
function keepingWarnings(log: Logger, into: string[]): Logger {
  return {
    info: (obj, msg) => log.info(obj, msg),
    error: (obj, msg) => log.error(obj, msg),
    debug: (obj, msg) => log.debug(obj, msg),
    warn: (obj, msg) => {
      const text = (typeof obj === 'string' ? obj : msg)?.slice(0, MAX_WARNING_CHARS);
      if (text && into.length < MAX_WARNINGS && !into.includes(text)) into.push(text);
      log.warn(obj, msg);
    },
  };
}

/**
 * A finished job whose result still verifies needs nothing redone, even if its intermediates are
 * gone; false when there is no verified result to keep.
 */
export async function rootStillValid(
  pipeline: Pipeline,
  graph: TaskGraph,
  root: TaskRecord | undefined,
  ctx: Parameters<CheckpointVerifier>[2],
): Promise<boolean> {
  const task = graph.tasks.find((t) => t.id === graph.rootTaskId);
  const verify = task && pipeline.verifiers?.[task.kind];
  if (!task || !verify || root?.state !== 'done' || root.output === undefined) return false;
  return verify(task.payload, root.output, ctx).catch(() => false);
}

/** A task's record at the start of a new run: pending again, its output kept for reuse once it re-verifies. */
export function resetForRun(record: TaskRecord): TaskRecord {
  return { ...record, state: 'pending', progress: 0, fps: undefined, reused: false };
}

/** Removes a job's scratch prefix; a failure to clean up never fails a job. */
export async function cleanScratch(storage: Storage, jobId: string): Promise<void> {
  await storage.deletePrefix(scratchPrefix(jobId)).catch(() => undefined);
}

/** How many runs a task record keeps: enough for cost per job, bounded for a task that stalls forever. */
export const MAX_RUNS_KEPT = 200;

/** A record with one more run appended (an unfinished last run of a worker that died becomes 'lost'). */
export function withRun(record: TaskRecord, run: TaskRun): TaskRecord {
  const runs = (record.runs ?? []).map((r) =>
    r.outcome === 'running'
      ? { ...r, outcome: 'lost' as const, finishedAt: r.finishedAt ?? run.startedAt }
      : r,
  );
  runs.push(run);
  return { ...record, runs: runs.slice(-MAX_RUNS_KEPT) };
}

/** Ends a record's last run with an outcome (no-op without a running one). */
export function endRun(record: TaskRecord, outcome: TaskRun['outcome'], at: string): void {
  const last = record.runs?.[record.runs.length - 1];
  if (last && last.outcome === 'running') {
    last.outcome = outcome;
    last.finishedAt = at;
  }
}

/** Worker-seconds the tasks' finished runs took, by pool (reused checkpoints cost nothing). Pure. */
export function usageOf(tasks: readonly TaskRecord[]): Record<string, number> {
  const usage: Record<string, number> = {};
  for (const task of tasks) {
    for (const run of task.runs ?? []) {
      if (run.finishedAt === undefined || run.outcome === 'reused') continue;
      const seconds = Math.max(0, (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000);
      usage[run.pool] = Math.round(((usage[run.pool] ?? 0) + seconds) * 1000) / 1000;
    }
  }
  return usage;
}

/**
 * Estimates a job's time to finish from its progress since the run started (or since the process
 * first saw it): one per job per process.
 */
export class EtaClock {
  private start: { at: number; progress: number } | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  eta(progress: number): number | undefined {
    const now = this.now();
    this.start ??= { at: now, progress };
    const gained = progress - this.start.progress;
    const elapsed = (now - this.start.at) / 1000;
    return gained > 0.01 && elapsed > 1 ? ((1 - progress) * elapsed) / gained : undefined;
  }

  reset(): void {
    this.start = undefined;
  }
}
